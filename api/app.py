"""The HTTP API over the event store: read-only but for subscriptions made from the
dashboard (`api.dashboard_api`), every parameter checked.

FastAPI (on Starlette, served by uvicorn): the event models are pydantic already, so
the OpenAPI description at ``/docs`` comes from the same types the pipeline sends, and
each query parameter is declared once, typed and documented. Swagger UI's files (a
release that reads OpenAPI 3.1) come from npm's ``swagger-ui-dist``, pinned in the
dashboard's lock file and served from here, never from a CDN.

Bad input gets a 400 whose JSON body names the parameter and the problem; no input
makes a 500. Off loopback, every ``/api`` request needs the bearer token, and so do
``/metrics``, ``/openapi.json`` and ``/docs`` whenever a token is set; ``/healthz`` and
``/readyz`` are open (for probes) and name nothing of what lies behind the API.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import (
    JSONResponse,
    Response,
    StreamingResponse,
)
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client import generate_latest as prometheus_text
from sqlalchemy import Engine, text
from starlette.concurrency import run_in_threadpool

from api.auth import ApiRefused, GuessThrottle, check_binding
from api.dashboard_api import mount_dashboard_api
from api.hosts import AllowedHostMiddleware
from api.limits import BodyLimitMiddleware
from api.metrics import MetricsMiddleware, RequestMetrics
from api.params import event_query_parameters
from api.streams import StreamSlots
from api.ui import TOKEN_COOKIE, client_of, docs_page, mount_dashboard, throttled
from infra.settings import Settings
from sinks import event_formats
from sinks.event_changes import changes_after, current_position, parse_position
from sinks.event_query import (
    MAX_LIMIT,
    AmbiguousId,
    EventQuery,
    QueryError,
    event_in_full,
    event_stats,
    find_events,
    get_event,
    get_versions,
    iter_events,
    problem_of,
    resolve_event_id,
)
from sinks.storage import connect

FORMATS = {
    "json": "application/json",
    "geojson": "application/geo+json",
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson",
}
POLL_SECONDS = 0.5  # how often a live stream looks for new versions
KEEP_ALIVE_SECONDS = 15.0  # a comment line then, so proxies keep an idle stream open
log = logging.getLogger(__name__)
__all__ = ["ApiRefused", "check_binding", "create_api"]


def create_api(settings: Settings, engine: Engine | None = None) -> FastAPI:
    """The API over the event store of SETTINGS (or ENGINE, when given)."""
    api_settings = settings.api
    database = engine if engine is not None else connect(settings.resolved_database_url)
    app = FastAPI(
        title="wirewatch",
        summary="Armed-conflict events from the news, each field with its evidence.",
        version="1",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # served below, behind the token
    )
    request_metrics = RequestMetrics()
    app.add_middleware(MetricsMiddleware, metrics=request_metrics)
    if api_settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=list(api_settings.cors_origins), allow_methods=["GET"]
        )
    app.add_middleware(BodyLimitMiddleware, limit=api_settings.max_body_bytes)
    app.add_middleware(AllowedHostMiddleware, allowed=api_settings.allowed_hosts)  # outermost
    guesses = GuessThrottle(api_settings.login_free_failures, api_settings.login_max_delay)

    @app.exception_handler(QueryError)
    async def bad_query(request: Request, error: QueryError) -> JSONResponse:
        return _bad(error.parameter, error.problem)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0]
        location = [str(part) for part in first.get("loc", ()) if part not in ("query", "path")]
        return _bad(location[0] if location else "request", problem_of(first))

    def authorised(request: Request) -> None:
        """The bearer token in the header (scripts), or in the dashboard's cookie (a
        browser's EventSource cannot send a header). A client that keeps giving wrong
        tokens must wait between tries (429), as at /login."""
        if api_settings.token is None:
            return
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            token = request.cookies.get(TOKEN_COOKIE, "")
        client = client_of(request)
        if wait := guesses.wait(client):
            raise HTTPException(429, throttled(wait), headers={"Retry-After": str(wait)})
        if secrets.compare_digest(token.encode(), api_settings.token.encode()):
            guesses.succeeded(client)
            return
        if token:  # a guess; no token at all is a client not signed in
            guesses.failed(client)
        raise HTTPException(
            401, "a bearer token is required", headers={"WWW-Authenticate": "Bearer"}
        )

    guarded = [Depends(authorised)]

    @app.get("/api/events", dependencies=guarded, summary="A page of events")
    def list_events(
        request: Request,
        query: Annotated[EventQuery, Depends(event_query_parameters)],
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

    @app.get("/api/events/export", dependencies=guarded, summary="Every matching event")
    def export_events(
        request: Request,
        query: Annotated[EventQuery, Depends(event_query_parameters)],
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

    @app.get("/api/events/stream", dependencies=guarded, summary="New versions, live")
    async def stream_events(
        request: Request,
        query: Annotated[EventQuery, Depends(event_query_parameters)],
        last_event_id: Annotated[
            str | None, Query(description="resume after this id (or the Last-Event-ID header)")
        ] = None,
    ) -> StreamingResponse:
        """Server-Sent Events: each event version stored from now on (or after the id
        given) whose event matches the filters, as ``event: version`` with the Event
        as JSON and its position as the ``id``, so a reconnecting browser resumes."""
        slot = streams.take()  # before any await: concurrent opens cannot all pass the cap
        if slot is None:
            return JSONResponse(
                {
                    "error": "busy",
                    "problem": f"{streams.open} live streams are open, the most "
                    "this server keeps (WIREWATCH_API_MAX_STREAMS); try again later",
                },
                status_code=503,
                headers={"Retry-After": "30"},
            )
        try:
            position = request.headers.get("last-event-id") or last_event_id
            if position:
                parse_position(database, position)
            else:
                position = await run_in_threadpool(current_position, database)
        except BaseException:
            slot.release()
            raise
        return slot.response(
            _follow(request, query, position),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    streams = StreamSlots(api_settings.max_streams)  # each reader polls the store: capped

    async def _follow(request: Request, query: EventQuery, position: str) -> AsyncIterator[str]:
        yield f"retry: 2000\n: from {position}\n\n"
        quiet = 0.0
        while not await request.is_disconnected():
            changes, position = await run_in_threadpool(changes_after, database, position, query)
            for change in changes:
                data = change.event.model_dump_json()
                yield f"id: {change.position}\nevent: version\ndata: {data}\n\n"
            if changes:
                quiet = 0.0
                continue
            await asyncio.sleep(POLL_SECONDS)
            quiet += POLL_SECONDS
            if quiet >= KEEP_ALIVE_SECONDS:
                quiet = 0.0
                yield ": keep-alive\n\n"

    @app.get("/api/events/{event_id}", dependencies=guarded, summary="One event, in full")
    def one_event(event_id: str) -> Response:
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

    @app.get("/api/stats", dependencies=guarded, summary="Counts for charts")
    def stats(query: Annotated[EventQuery, Depends(event_query_parameters)]) -> dict[str, Any]:
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

    @app.get("/healthz", summary="The process answers")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", summary="The database answers")
    def readyz() -> JSONResponse:
        # the database only: the API reads nothing else, so a broker away must not take
        # it out of a load balancer's rotation
        checks: dict[str, str] = {}
        try:
            with database.connect() as connection:
                connection.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as error:  # reported, not raised: this is the check
            # the log names it; the open answer does not (no internals to strangers)
            log.warning("readiness: the database did not answer: %s", type(error).__name__)
            checks["database"] = "failed"
        ready = all(value == "ok" for value in checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "not ready", **checks}, 200 if ready else 503
        )

    @app.get("/metrics", dependencies=guarded, summary="Prometheus metrics")
    def metrics() -> Response:
        return Response(prometheus_text(request_metrics.registry), media_type=CONTENT_TYPE_LATEST)

    mount_dashboard(app, api_settings, guesses)
    mount_dashboard_api(app, settings, database, guarded)

    @app.get("/openapi.json", dependencies=guarded, include_in_schema=False)
    def openapi() -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get("/docs", dependencies=guarded, include_in_schema=False)
    def docs() -> Response:
        return docs_page("/openapi.json", "wirewatch API")

    return app


def _bad(parameter: str, problem: str) -> JSONResponse:
    return JSONResponse(
        {"error": "bad request", "parameter": parameter, "problem": problem}, status_code=400
    )
