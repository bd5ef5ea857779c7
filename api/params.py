"""Query parameters read into an `EventQuery`, and a bad one named: the API's input
check, written once for every endpoint that takes the filters. The parameters are
made from the model (`sinks.query_vocabulary`): their names, types, descriptions and
bounds are the model's, so the OpenAPI description says what the model checks."""

from __future__ import annotations

import inspect
from typing import Annotated, Any

from fastapi import Depends, Query, Request

from sinks.event_query import EventQuery, QueryError, query_of
from sinks.query_vocabulary import Filter, filters

# parameters beside the filters, which the endpoints read themselves
PAGE_PARAMETERS = frozenset({"limit", "cursor", "format", "last_event_id"})


def event_query_parameters(request: Request, **given: Any) -> EventQuery:
    """The filters of REQUEST as a query; a 400 naming an unknown parameter or the
    first bad value. (Its parameters, one per filter, are set below.)"""
    known = set(EventQuery.model_fields) | PAGE_PARAMETERS
    for name in request.query_params:
        if name not in known:
            raise QueryError(name, f"no such parameter (known: {', '.join(sorted(known))})")
    return query_of(**given)


def _parameter(each: Filter) -> inspect.Parameter:
    """A filter as FastAPI reads a parameter: text, or a number, typed before the model
    reads it, with the model's description and bounds."""
    query = Query(description=each.help, **each.bounds)
    if each.many:
        typed: Any = list[each.typed]  # type: ignore[valid-type]
        default: Any = []
    elif each.default is None:
        typed, default = each.typed | None, None
    else:
        typed, default = each.typed, each.default
    return inspect.Parameter(
        each.name,
        inspect.Parameter.KEYWORD_ONLY,
        default=default,
        annotation=Annotated[typed, query],
    )


event_query_parameters.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request),
        *(_parameter(each) for each in filters()),
    ],
    return_annotation=EventQuery,
)

Filters = Annotated[EventQuery, Depends(event_query_parameters)]  # a route's filters
