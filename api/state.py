"""What every route of the API shares, kept on the application (``app.state``) and
handed to routes as dependencies: no route closes over the settings or the engine, so
each router lives in a module of its own and serves whichever application includes it.

The token check is here too: the one dependency every guarded route names. A bearer
token in the header (scripts) or in the dashboard's cookie (a browser's EventSource
cannot send a header); a client that keeps giving wrong tokens waits between tries
(429), as at /login.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy import Engine

from api.auth import TOKEN_COOKIE, GuessThrottle, client_of, throttled
from api.metrics import RequestMetrics
from api.streams import StreamSlots
from infra.settings import ApiSection, Settings


@dataclass(frozen=True)
class ApiState:
    """One application's shared parts, made once when it is created."""

    settings: Settings
    api: ApiSection  # settings.api, read once
    database: Engine
    guesses: GuessThrottle  # wrong tokens, counted by client, for the API and /login alike
    streams: StreamSlots  # each live reader polls the store: capped
    metrics: RequestMetrics
    migrated: set[str] = field(default_factory=set)  # components whose tables are made


def state_of(request: Request) -> ApiState:
    """The shared parts of the application serving REQUEST."""
    state: ApiState = request.app.state.wirewatch
    return state


async def _state(request: Request) -> ApiState:
    # async: read on the event loop, no thread taken for it
    return state_of(request)


async def _database(request: Request) -> Engine:
    return state_of(request).database


Shared = Annotated[ApiState, Depends(_state)]
Database = Annotated[Engine, Depends(_database)]


def authorised(request: Request) -> None:
    """Nothing when the request carries the token (or none is set); 401, or 429 for a
    client that must wait after wrong guesses, otherwise."""
    state = state_of(request)
    if state.api.token is None:
        return
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        token = request.cookies.get(TOKEN_COOKIE, "")
    client = client_of(request)
    if wait := state.guesses.wait(client):
        raise HTTPException(429, throttled(wait), headers={"Retry-After": str(wait)})
    if secrets.compare_digest(token.encode(), state.api.token.encode()):
        state.guesses.succeeded(client)
        return
    if token:  # a guess; no token at all is a client not signed in
        state.guesses.failed(client)
    raise HTTPException(401, "a bearer token is required", headers={"WWW-Authenticate": "Bearer"})


GUARDED = [Depends(authorised)]  # the dependencies of every route behind the token
