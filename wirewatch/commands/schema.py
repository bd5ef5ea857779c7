"""``wirewatch schemas ...``: the message contracts, for consumers in other languages."""

from __future__ import annotations

from pathlib import Path

import click


@click.group()
def schemas() -> None:
    """Message contracts."""


@schemas.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def schemas_export(directory: Path) -> None:
    """Write a JSON Schema file per message model into DIRECTORY."""
    from schemas.export import export_json_schemas

    for path in export_json_schemas(directory):
        click.echo(path)
