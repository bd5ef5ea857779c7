"""What a probe or a scraper asks: ``/healthz`` (the process answers) and ``/readyz``
(the database answers), both open and naming nothing of what lies behind the API;
``/metrics`` (Prometheus) behind the token like ``/api``."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client import generate_latest as prometheus_text
from sqlalchemy import text

from api.state import GUARDED, Database, Shared

log = logging.getLogger(__name__)
router = APIRouter()


@router.get("/healthz", summary="The process answers")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="The database answers")
def readyz(database: Database) -> JSONResponse:
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


@router.get("/metrics", dependencies=GUARDED, summary="Prometheus metrics")
def metrics(shared: Shared) -> Response:
    return Response(prometheus_text(shared.metrics.registry), media_type=CONTENT_TYPE_LATEST)
