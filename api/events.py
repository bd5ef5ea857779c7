"""The routes that read events: a page of them, every one (an export), one in full,
and counts for charts. Each takes the filters of `api.params` and refuses a bad
parameter with a 400 naming it (`QueryError`); the engine comes from the application
(`api.state`)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from api.params import Filters
from api.state import GUARDED, Database
from sinks import event_formats
from sinks.event_changes import current_position
from sinks.event_query import (
    MAX_LIMIT,
    AmbiguousId,
    QueryError,
    event_in_full,
    event_stats,
    find_events,
    get_event,
    get_versions,
    iter_events,
    resolve_event_id,
)

FORMATS = {
    "json": "application/json",
    "geojson": "application/geo+json",
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson",
}

router = APIRouter(dependencies=GUARDED)


@router.get("/api/events", summary="A page of events")
def list_events(
    request: Request,
    database: Database,
    query: Filters,
    limit: Annotated[int, Query(description=f"1 to {MAX_LIMIT}")] = 100,
    cursor: Annotated[str | None, Query(description="next_cursor of the page before")] = None,
    format: Annotated[str, Query(description="json, geojson, csv or jsonl")] = "json",
) -> Response:
    """Events matching every filter given, a page at a time, in the order asked for.
    The next page's cursor is in ``next_cursor`` (JSON) and in the ``Link`` header
    (the same request with the cursor). JSON also gives ``stream_position``: where
    ``/api/events/stream`` starts so that nothing stored after this page is missed."""
    if format not in FORMATS:
        raise QueryError("format", f"expected one of {', '.join(FORMATS)}")
    position = current_position(database) if format == "json" else None  # before the page
    page = find_events(database, query, limit, cursor)
    headers = {}
    if page.next_cursor:
        # relative (RFC 8288): the client's own host, never the Host it sent repeated
        following = request.url.include_query_params(cursor=page.next_cursor)
        headers["Link"] = f'<{following.path}?{following.query}>; rel="next"'
    if format == "json":
        # each event written by pydantic's own serializer, the envelope around them
        events = b",".join(event.model_dump_json().encode() for event in page.events)
        tail = json.dumps({"next_cursor": page.next_cursor, "stream_position": position})
        body = b'{"events":[' + events + b"]," + tail[1:].encode()
        return Response(body, media_type="application/json", headers=headers)
    return Response(
        "".join(event_formats.WRITERS[format](page.events)),
        media_type=FORMATS[format],
        headers=headers,
    )


@router.get("/api/events/export", summary="Every matching event")
def export_events(
    request: Request,
    database: Database,
    query: Filters,
    format: Annotated[str, Query(description="csv, geojson or jsonl")] = "csv",
) -> StreamingResponse:
    """Every event matching the filters, streamed (the memory used stays flat
    whatever the size): CSV with ACLED's columns, GeoJSON, or JSON Lines."""
    if format not in event_formats.WRITERS:
        raise QueryError("format", f"expected one of {', '.join(event_formats.WRITERS)}")
    for name in ("limit", "cursor"):
        if name in request.query_params:
            raise QueryError(name, "an export has every event: no pages")
    return StreamingResponse(
        event_formats.WRITERS[format](iter_events(database, query)),
        media_type=FORMATS[format],
        headers={"Content-Disposition": f'attachment; filename="events.{format}"'},
    )


@router.get("/api/events/{event_id}", summary="One event, in full")
def one_event(event_id: str, database: Database) -> Response:
    """The event with its sources, independent sources, evidence, toll ranges, the
    history of each field, and every version stored. EVENT_ID is the whole id or
    any prefix of 8 or more characters that starts one event's id alone (409, with
    the candidates, when it starts several)."""
    if len(event_id) > 64 or not event_id.isprintable():
        raise QueryError("event_id", "no event id is that long or holds control characters")
    try:
        found = resolve_event_id(database, event_id)
    except AmbiguousId as error:
        return JSONResponse(
            {
                "error": "ambiguous",
                "parameter": "event_id",
                "problem": str(error),
                "candidates": error.candidates,
            },
            status_code=409,
        )
    event = get_event(database, found) if found else None
    if found is None or event is None:
        raise HTTPException(
            404, f"no event {event_id} (an id, or 8 or more of its first characters)"
        )
    return JSONResponse(event_in_full(event, get_versions(database, found)))


@router.get("/api/stats", summary="Counts for charts")
def stats(database: Database, query: Filters) -> dict[str, Any]:
    """The events the filters find, and their known dead, counted by event date, by
    country and by event type."""
    counted = event_stats(database, query)
    return {
        "total": sum(count.events for count in counted["type"]),
        **{
            f"by_{name}": [
                {name: c.key, "events": c.events, "fatalities": c.fatalities} for c in counts
            ]
            for name, counts in counted.items()
        },
    }
