"""The dashboard at /: its page, its own files, and the browser libraries it loads, all
served by the API process (npm installs the libraries at `make install`; nothing is
fetched from elsewhere at run time); signing in with the token, and out. Swagger UI for
/docs comes the same way (npm's swagger-ui-dist: a release that reads OpenAPI 3.1)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from api.auth import TOKEN_COOKIE, client_of, throttled
from api.state import Shared, state_of
from infra.settings import ApiSection

LOGIN_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>wirewatch</title>
<link rel="icon" href="data:,"></head><body style="font:16px system-ui;margin:3rem auto;max-width:24rem">
<h1>wirewatch</h1><p>{message}</p><form method="post" action="/login">
<label>Token <input type="password" name="token" autocomplete="current-password" autofocus></label>
<button type="submit">Open the dashboard</button></form></body></html>"""

DASHBOARD = Path(__file__).resolve().parent / "dashboard"
# the browser libraries the dashboard loads, as npm installed them (make install)
VENDOR = {
    "leaflet": "leaflet/dist",
    "markercluster": "leaflet.markercluster/dist",
    "topojson": "topojson-client/dist",
    "world-atlas": "world-atlas",
}
SWAGGER_UI = "swagger-ui-dist"  # /docs's files, under node_modules too
SWAGGER_URL = "/static/vendor/swagger-ui"


def secure_cookie(request: Request, api_settings: ApiSection) -> bool:
    """auto: Secure when the browser came over HTTPS, directly or through a trusted proxy
    (uvicorn sets the scheme from X-Forwarded-Proto for those)."""
    if api_settings.cookie_secure == "auto":
        return request.url.scheme == "https"
    return api_settings.cookie_secure == "always"


def missing_libraries() -> list[str]:
    """The browser libraries the dashboard loads that npm has not installed."""
    modules = DASHBOARD / "node_modules"
    return [name for name, path in VENDOR.items() if not (modules / path).is_dir()]


def mount_files(app: FastAPI) -> None:
    """The dashboard's own files and the libraries it loads (those installed), all
    from here."""
    modules = DASHBOARD / "node_modules"
    missing = missing_libraries()
    app.mount("/static/dashboard", StaticFiles(directory=str(DASHBOARD / "web")), name="dashboard")
    for name, path in VENDOR.items():
        if name not in missing:
            app.mount(f"/static/vendor/{name}", StaticFiles(directory=str(modules / path)))
    if (modules / SWAGGER_UI).is_dir():
        app.mount(SWAGGER_URL, StaticFiles(directory=str(modules / SWAGGER_UI)))


router = APIRouter(include_in_schema=False)  # the page and signing in: no part of the API


def signed_in(request: Request) -> bool:
    """The cookie holds the token. A wrong one counts as a guess (the page answered
    tells a right cookie from a wrong one), so a client waiting is not signed in."""
    state = state_of(request)
    if state.api.token is None:
        return True
    given = request.cookies.get(TOKEN_COOKIE, "")
    client = client_of(request)
    if state.guesses.wait(client):
        return False
    if secrets.compare_digest(given.encode(), state.api.token.encode()):
        return True
    if given:
        state.guesses.failed(client)
    return False


@router.post("/login")
async def login(request: Request, shared: Shared) -> Response:
    """The token typed into the login page, kept in a cookie the browser sends with
    the dashboard's requests (HttpOnly: no script reads it; SameSite=Strict). Wrong
    tokens from one address make it wait before the next try (429, Retry-After)."""
    guesses, api_settings = shared.guesses, shared.api
    client = client_of(request)
    if wait := guesses.wait(client):
        return HTMLResponse(
            LOGIN_PAGE.format(message=throttled(wait)), 429, {"Retry-After": str(wait)}
        )
    body = await request.body()  # capped by the body limit before it is read
    token = parse_qs(body[:4096].decode("utf-8", "replace")).get("token", [""])[0]
    if api_settings.token is None or not secrets.compare_digest(
        token.encode(), api_settings.token.encode()
    ):
        guesses.failed(client)
        return HTMLResponse(LOGIN_PAGE.format(message="That is not the token."), 401)
    guesses.succeeded(client)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        TOKEN_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=secure_cookie(request, api_settings),
    )
    return response


@router.post("/logout")
def logout(request: Request, shared: Shared) -> Response:
    """The cookie cleared: the browser no longer sends the token."""
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(
        TOKEN_COOKIE,
        httponly=True,
        samesite="strict",
        secure=secure_cookie(request, shared.api),
    )
    return response


@router.get("/")
def dashboard(request: Request) -> Response:
    if not signed_in(request):
        return HTMLResponse(LOGIN_PAGE.format(message="This server asks for its token."))
    if missing := missing_libraries():
        return HTMLResponse(
            "<h1>The dashboard's libraries are not installed</h1><p>Run <code>make "
            f"install</code> (npm ci in api/dashboard): missing {', '.join(missing)}.</p>",
            status_code=503,
        )
    return FileResponse(DASHBOARD / "web" / "index.html")


@router.get("/dashboard/config.json")
def dashboard_config(shared: Shared) -> dict[str, Any]:
    return {
        "tile_url": shared.api.tile_url,
        "tile_attribution": shared.api.tile_attribution,
    }


def docs_page(openapi_url: str, title: str) -> Response:
    """Swagger UI over OPENAPI_URL, its files from here. The browser fetches the
    description with the dashboard's cookie, so a token-guarded server needs nothing
    more than signing in at /. No online validator: nothing leaves the machine."""
    if not (DASHBOARD / "node_modules" / SWAGGER_UI / "swagger-ui-bundle.js").is_file():
        return HTMLResponse(
            "<h1>Swagger UI is not installed</h1><p>Run <code>make install</code> (npm ci "
            f"in api/dashboard): missing {SWAGGER_UI}. The description itself is at "
            f'<a href="{openapi_url}">{openapi_url}</a>.</p>',
            status_code=503,
        )
    return get_swagger_ui_html(
        openapi_url=openapi_url,
        title=title,
        swagger_js_url=f"{SWAGGER_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{SWAGGER_URL}/swagger-ui.css",
        swagger_favicon_url=f"{SWAGGER_URL}/favicon-32x32.png",
        swagger_ui_parameters={"validatorUrl": None},
    )
