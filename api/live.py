"""The live stream, ``/api/events/stream``: Server-Sent Events of each event version
stored from now on (or after the id a reconnecting reader gives) whose event matches
the filters. Each reader polls the store, so their number is capped (`api.streams`:
counted at admission).

sse-starlette writes the frames and keeps the connection: a comment every
``KEEP_ALIVE_SECONDS`` keeps an idle stream open through proxies, a reader gone ends
its stream at once (it listens for the disconnect), and a server told to stop ends
every stream cleanly then, instead of cutting them at uvicorn's graceful timeout.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Engine
from sse_starlette import ServerSentEvent
from starlette.concurrency import run_in_threadpool

from api.params import Filters
from api.state import GUARDED, Shared
from sinks.event_changes import changes_after, current_position, parse_position
from sinks.event_query import EventQuery

POLL_SECONDS = 0.5  # how often a live stream looks for new versions
KEEP_ALIVE_SECONDS = 15.0  # a comment line this often, so proxies keep a stream open

router = APIRouter(dependencies=GUARDED)


@router.get("/api/events/stream", summary="New versions, live")
async def stream_events(
    request: Request,
    shared: Shared,
    query: Filters,
    last_event_id: Annotated[
        str | None, Query(description="resume after this id (or the Last-Event-ID header)")
    ] = None,
) -> Response:
    """Server-Sent Events: each event version stored from now on (or after the id
    given) whose event matches the filters, as ``event: version`` with the Event
    as JSON and its position as the ``id``, so a reconnecting browser resumes."""
    streams, database = shared.streams, shared.database
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
        follow(database, query, position),
        ping=KEEP_ALIVE_SECONDS,
        sep="\n",
        headers={"Cache-Control": "no-cache"},
    )


async def follow(database: Engine, query: EventQuery, position: str) -> AsyncIterator[Any]:
    """The stream's events: each matching version after POSITION as it is stored (the
    response ends it when the reader goes)."""
    yield ServerSentEvent(comment=f"from {position}", retry=2000)
    while True:
        changes, position = await run_in_threadpool(changes_after, database, position, query)
        for change in changes:
            data = change.event.model_dump_json()
            yield ServerSentEvent(data, event="version", id=change.position)
        if not changes:
            await asyncio.sleep(POLL_SECONDS)
