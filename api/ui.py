"""The dashboard at /: its page, its own files, and the browser libraries it loads, all
served by the API process (npm installs the libraries at `make install`; nothing is
fetched from elsewhere at run time); signing in with the token, and out. Swagger UI for
/docs comes the same way (npm's swagger-ui-dist: a release that reads OpenAPI 3.1)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from api.auth import GuessThrottle
from infra.settings import ApiSection

TOKEN_COOKIE = "wirewatch_token"
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


def client_of(request: Request) -> str:
    """Who is guessing: the peer's address (a trusted proxy's X-Forwarded-For, when
    WIREWATCH_API_FORWARDED_ALLOW_IPS names the proxy)."""
    return request.client.host if request.client else "unknown"


def throttled(wait: int) -> str:
    return f"too many wrong tokens from this address: wait {wait} s before the next try"


def secure_cookie(request: Request, api_settings: ApiSection) -> bool:
    """auto: Secure when the browser came over HTTPS, directly or through a trusted proxy
    (uvicorn sets the scheme from X-Forwarded-Proto for those)."""
    if api_settings.cookie_secure == "auto":
        return request.url.scheme == "https"
    return api_settings.cookie_secure == "always"


def mount_dashboard(app: FastAPI, api_settings: ApiSection, guesses: GuessThrottle) -> None:
    """The dashboard at /, its own files and the libraries it loads, all from here."""
    modules = DASHBOARD / "node_modules"
    missing = [name for name, path in VENDOR.items() if not (modules / path).is_dir()]
    app.mount("/static/dashboard", StaticFiles(directory=str(DASHBOARD / "web")), name="dashboard")
    for name, path in VENDOR.items():
        if name not in missing:
            app.mount(f"/static/vendor/{name}", StaticFiles(directory=str(modules / path)))
    if (modules / SWAGGER_UI).is_dir():
        app.mount(SWAGGER_URL, StaticFiles(directory=str(modules / SWAGGER_UI)))

    def signed_in(request: Request) -> bool:
        """The cookie holds the token. A wrong one counts as a guess (the page answered
        tells a right cookie from a wrong one), so a client waiting is not signed in."""
        if api_settings.token is None:
            return True
        given = request.cookies.get(TOKEN_COOKIE, "")
        client = client_of(request)
        if guesses.wait(client):
            return False
        if secrets.compare_digest(given.encode(), api_settings.token.encode()):
            return True
        if given:
            guesses.failed(client)
        return False

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        """The token typed into the login page, kept in a cookie the browser sends with
        the dashboard's requests (HttpOnly: no script reads it; SameSite=Strict). Wrong
        tokens from one address make it wait before the next try (429, Retry-After)."""
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

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request) -> Response:
        """The cookie cleared: the browser no longer sends the token."""
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(
            TOKEN_COOKIE,
            httponly=True,
            samesite="strict",
            secure=secure_cookie(request, api_settings),
        )
        return response

    @app.get("/", include_in_schema=False)
    def dashboard(request: Request) -> Response:
        if not signed_in(request):
            return HTMLResponse(LOGIN_PAGE.format(message="This server asks for its token."))
        if missing:
            return HTMLResponse(
                "<h1>The dashboard's libraries are not installed</h1><p>Run <code>make "
                f"install</code> (npm ci in api/dashboard): missing {', '.join(missing)}.</p>",
                status_code=503,
            )
        return FileResponse(DASHBOARD / "web" / "index.html")

    @app.get("/dashboard/config.json", include_in_schema=False)
    def dashboard_config() -> dict[str, Any]:
        return {
            "tile_url": api_settings.tile_url,
            "tile_attribution": api_settings.tile_attribution,
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
