"""``wirewatch serve``: the HTTP API over the event store."""

from __future__ import annotations

import click

from infra.settings import get_settings


@click.command()
@click.option("--host", default=None, help="address to listen on [WIREWATCH_API_HOST, 127.0.0.1]")
@click.option("--port", type=int, default=None, help="port [WIREWATCH_API_PORT, 8765]")
def serve(host: str | None, port: int | None) -> None:
    """Serve the events over HTTP (read-only): /api/events, /docs, /healthz, /readyz, /metrics."""
    import uvicorn

    from api.app import ApiRefused, check_binding, create_api
    from api.server import uvicorn_options

    settings = get_settings()
    overrides = {k: v for k, v in (("api_host", host), ("api_port", port)) if v is not None}
    if overrides:
        settings = settings.model_copy(update=overrides)
    try:
        check_binding(settings.api)
    except ApiRefused as error:
        raise click.ClickException(str(error)) from None
    app = create_api(settings)
    click.echo(f"wirewatch API on http://{settings.api.host}:{settings.api.port}/ (docs: /docs)")
    logs = {}
    if settings.log_format == "json":
        from infra.logs import uvicorn_config

        logs = {
            "log_config": uvicorn_config(
                settings.log_level, settings.log_format, settings.log_repeat_seconds
            )
        }
    uvicorn.run(
        app,
        host=settings.api.host,
        port=settings.api.port,
        log_level="warning",
        **uvicorn_options(settings.api),
        **logs,
    )
