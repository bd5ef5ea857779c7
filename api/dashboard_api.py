"""The routes the dashboard's tools need beyond reading events: the countries its
filter offers by name, and a subscription made from the view on screen ("Alert me").

A subscription sent here is checked by the same code as ``wirewatch subscriptions
add``: the ``Subscription`` schema (countries, types, box, thresholds, the target of
its kind) and the alert files directory; a webhook on a loopback or private address is
refused unless ``WIREWATCH_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES`` is set, as delivery would refuse
it. It never replaces an existing subscription (409): the CLI's ``add`` does that on
purpose, a form must not do it by accident. Only a JSON body from this origin is read:
a page elsewhere can post a form to a tokenless API on loopback, never JSON.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from api.hosts import host_allowed, host_name
from api.state import GUARDED, ApiState, Shared
from infra.db import migrate
from schemas.alert import Subscription, country_codes
from sinks.alerts import subscriptions as store
from sinks.event_formats import country_name
from sinks.event_query import problem_of

SUBSCRIPTION_FIELDS = (
    "id, name, countries, event_types, sub_event_types, bbox {west, south, east, north}, "
    "radius {lat, lon, km}, actors, keywords, min_fatalities, min_casualties, "
    "delivery {kind: file|webhook|email, target, secret (webhooks only)}"
)

ERRORS = {400: "bad request", 403: "forbidden", 409: "conflict", 415: "unsupported media type"}


@functools.cache
def country_list() -> list[dict[str, str]]:
    """Every ISO 3166 code the filters take, with its English name, by name."""
    named = [{"code": code, "name": country_name(code).strip()} for code in country_codes()]
    return sorted(named, key=lambda country: country["name"])


def same_origin(request: Request, allowed: tuple[str, ...]) -> bool:
    """No Origin (not a browser's cross-site request), or one naming the host asked, or
    (behind a proxy that rewrites Host) a host WIREWATCH_API_ALLOWED_HOSTS names."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    _scheme, _, rest = origin.partition("://")
    if host_name(rest) == host_name(request.headers.get("host", "")):
        return True
    return "*" not in allowed and host_allowed(rest, allowed)


def subscription_of(body: bytes) -> Subscription:
    """The subscription in a request body, or a 400 naming the first bad field."""
    try:
        return Subscription.model_validate_json(body)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first.get("loc", ())) or "body"
        raise _Refused(400, field, problem_of(first)) from None


class _Refused(Exception):
    def __init__(self, status: int, parameter: str, problem: str) -> None:
        super().__init__(problem)
        self.status, self.parameter, self.problem = status, parameter, problem


# behind the token like /api
router = APIRouter(dependencies=GUARDED)


def saved_unless_taken(shared: ApiState, subscription: Subscription) -> bool:
    """SUBSCRIPTION saved, or False when its id is taken (the table made at first use)."""
    database = shared.database
    if "subscriptions" not in shared.migrated:
        migrate(database, "subscriptions", store.MIGRATIONS)
        shared.migrated.add("subscriptions")
    if store.get(database, subscription.id) is not None:
        return False
    store.save(database, subscription)
    return True


@router.get("/api/countries", summary="Countries by name")
def countries() -> dict[str, list[dict[str, str]]]:
    """The ISO 3166 codes the ``country`` filter takes, each with its English name."""
    return {"countries": country_list()}


@router.post(
    "/api/subscriptions",
    summary="A subscription, from a view",
    status_code=201,
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": f"A subscription as JSON: {SUBSCRIPTION_FIELDS}",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
async def create_subscription(request: Request, shared: Shared) -> JSONResponse:
    """Save a new subscription, checked as ``wirewatch subscriptions add`` checks
    one: 201 with the subscription (and a ``warning`` when its webhook's host does
    not resolve now), 400 naming the field at fault, 409 when the id is taken."""
    settings = shared.settings
    try:
        if request.headers.get("content-type", "").split(";")[0].strip() != ("application/json"):
            raise _Refused(415, "Content-Type", "expected application/json")
        if not same_origin(request, shared.api.allowed_hosts):
            raise _Refused(
                403,
                "Origin",
                "subscriptions are made from this server's own pages (behind a proxy "
                "that rewrites Host, name the public host in WIREWATCH_API_ALLOWED_HOSTS)",
            )
        subscription = subscription_of(await request.body())
        try:
            store.check_targets([subscription], settings.delivery.files_dir)
            warning = await store.check_webhook(
                subscription, settings.delivery.allow_private_addresses
            )
        except store.SubscriptionFileError as error:
            raise _Refused(400, "delivery.target", str(error)) from None
        saved = await run_in_threadpool(saved_unless_taken, shared, subscription)
        if not saved:
            raise _Refused(
                409, "id", f"a subscription {subscription.id!r} exists: choose another id"
            )
    except _Refused as refused:
        return JSONResponse(
            {
                "error": ERRORS[refused.status],
                "parameter": refused.parameter,
                "problem": refused.problem,
            },
            status_code=refused.status,
        )
    shown: dict[str, Any] = json.loads(subscription.model_dump_json())
    if shown["delivery"].get("secret"):
        shown["delivery"]["secret"] = "(hidden)"
    return JSONResponse({"subscription": shown, "warning": warning}, status_code=201)
