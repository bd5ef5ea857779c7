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

The routes are routers, each in a module of its own (`api.events`, `api.live`,
`api.health`, `api.ui`, `api.dashboard_api`); what they share is made here once and
kept on the application (`api.state`), so no route closes over it.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Engine

from api import dashboard_api, events, health, live, ui
from api.auth import ApiRefused, GuessThrottle, check_binding
from api.hosts import AllowedHostMiddleware
from api.limits import BodyLimitMiddleware
from api.metrics import MetricsMiddleware, RequestMetrics
from api.state import GUARDED, ApiState
from api.streams import StreamSlots
from infra.settings import Settings
from sinks.event_query import QueryError, problem_of
from sinks.storage import connect

__all__ = ["ApiRefused", "check_binding", "create_api"]


def create_api(settings: Settings, engine: Engine | None = None) -> FastAPI:
    """The API over the event store of SETTINGS (or ENGINE, when given)."""
    api_settings = settings.api
    app = FastAPI(
        title="wirewatch",
        summary="Armed-conflict events from the news, each field with its evidence.",
        version="1",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # served below, behind the token
    )
    app.state.wirewatch = ApiState(
        settings=settings,
        api=api_settings,
        database=engine if engine is not None else connect(settings.resolved_database_url),
        guesses=GuessThrottle(api_settings.login_free_failures, api_settings.login_max_delay),
        streams=StreamSlots(api_settings.max_streams),
        metrics=RequestMetrics(),
    )
    app.add_middleware(MetricsMiddleware, metrics=app.state.wirewatch.metrics)
    if api_settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=list(api_settings.cors_origins), allow_methods=["GET"]
        )
    app.add_middleware(BodyLimitMiddleware, limit=api_settings.max_body_bytes)
    app.add_middleware(AllowedHostMiddleware, allowed=api_settings.allowed_hosts)  # outermost
    app.add_exception_handler(QueryError, bad_query)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, bad_request)  # type: ignore[arg-type]
    # the live stream's path before /api/events/{event_id}, which would take it
    for router in (live.router, events.router, health.router, ui.router):
        app.include_router(router)
    ui.mount_files(app)
    app.include_router(dashboard_api.router)
    app.include_router(described)
    return app


async def bad_query(request: Request, error: QueryError) -> JSONResponse:
    return _bad(error.parameter, error.problem)


async def bad_request(request: Request, error: RequestValidationError) -> JSONResponse:
    first = error.errors()[0]
    location = [str(part) for part in first.get("loc", ()) if part not in ("query", "path")]
    return _bad(location[0] if location else "request", problem_of(first))


def _bad(parameter: str, problem: str) -> JSONResponse:
    return JSONResponse(
        {"error": "bad request", "parameter": parameter, "problem": problem}, status_code=400
    )


described = APIRouter(dependencies=GUARDED, include_in_schema=False)  # the API's own document


@described.get("/openapi.json")
def openapi(request: Request) -> JSONResponse:
    return JSONResponse(request.app.openapi())


@described.get("/docs")
def docs() -> Response:
    return ui.docs_page("/openapi.json", "wirewatch API")
