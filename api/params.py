"""Query parameters read into an `EventQuery`, and a bad one named: the API's input
check, written once for every endpoint that takes the filters."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from sinks.event_query import EventQuery, QueryError, query_of

# parameters beside the filters, which the endpoints read themselves
PAGE_PARAMETERS = frozenset({"limit", "cursor", "format", "last_event_id"})


def event_query_parameters(
    request: Request,
    country: Annotated[
        list[str], Query(description="ISO 3166 code or English name; several: any of them")
    ] = [],  # noqa: B006
    type: Annotated[list[str], Query(description="event type slug, e.g. battles")] = [],  # noqa: B006
    sub_type: Annotated[list[str], Query(description="sub-event type slug")] = [],  # noqa: B006
    actor: Annotated[str | None, Query(description="part of either actor's name")] = None,
    # dates as text: read by `schemas.inputs`, as the command line's are
    date_from: Annotated[str | None, Query(description="event date, from (YYYY-MM-DD)")] = None,
    date_to: Annotated[str | None, Query(description="event date, to, inclusive")] = None,
    updated_since: Annotated[
        str | None, Query(description="stored or changed at or after (ISO 8601)")
    ] = None,
    bbox: Annotated[str | None, Query(description="west,south,east,north in degrees")] = None,
    near: Annotated[str | None, Query(description="lat,lon; with km")] = None,
    km: Annotated[float | None, Query(description="radius around near")] = None,
    min_killed: Annotated[int | None, Query(description="at least this many killed")] = None,
    min_casualties: Annotated[int | None, Query(description="killed and injured")] = None,
    source: Annotated[str | None, Query(description="an outlet, as stored")] = None,
    q: Annotated[str | None, Query(description="words in the evidence, place or actors")] = None,
    sort: Annotated[
        str, Query(description="-date, date, -updated, updated, -killed, killed")
    ] = "-date",
) -> EventQuery:
    known = set(EventQuery.model_fields) | PAGE_PARAMETERS
    for name in request.query_params:
        if name not in known:
            raise QueryError(name, f"no such parameter (known: {', '.join(sorted(known))})")
    return query_of(
        country=country,
        type=type,
        sub_type=sub_type,
        actor=actor,
        date_from=date_from,
        date_to=date_to,
        updated_since=updated_since,
        bbox=bbox,
        near=near,
        km=km,
        min_killed=min_killed,
        min_casualties=min_casualties,
        source=source,
        q=q,
        sort=sort,
    )


Filters = Annotated[EventQuery, Depends(event_query_parameters)]  # a route's filters
