"""The dashboard at /: its page, its own files, and the browser libraries it loads, all
served by the API process (npm installs the libraries at `make install`; nothing is
fetched from elsewhere at run time)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from infra.settings import ApiSection

DASHBOARD = Path(__file__).resolve().parent / "dashboard"
# the browser libraries the dashboard loads, as npm installed them (make install)
VENDOR = {
    "leaflet": "leaflet/dist",
    "markercluster": "leaflet.markercluster/dist",
    "topojson": "topojson-client/dist",
    "world-atlas": "world-atlas",
}


def mount_dashboard(app: FastAPI, api_settings: ApiSection) -> None:
    """The dashboard at /, its own files and the libraries it loads, all from here."""
    modules = DASHBOARD / "node_modules"
    missing = [name for name, path in VENDOR.items() if not (modules / path).is_dir()]
    app.mount("/static/dashboard", StaticFiles(directory=str(DASHBOARD / "web")), name="dashboard")
    for name, path in VENDOR.items():
        if name not in missing:
            app.mount(f"/static/vendor/{name}", StaticFiles(directory=str(modules / path)))

    @app.get("/", include_in_schema=False)
    def dashboard() -> Response:
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
