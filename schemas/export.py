"""JSON Schema files for consumers written in other languages."""

from __future__ import annotations

import json
from pathlib import Path

from schemas.alert import Alert, Subscription
from schemas.article import Article
from schemas.base import WireModel
from schemas.dead_letter import DeadLetter
from schemas.event import Event, EventMention

EXPORTED_MODELS: tuple[type[WireModel], ...] = (
    Article,
    EventMention,
    Event,
    Subscription,
    Alert,
    DeadLetter,
)


def export_json_schemas(directory: Path) -> list[Path]:
    """Write one ``<Model>.schema.json`` per message model; return the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for model in EXPORTED_MODELS:
        schema = model.model_json_schema(mode="serialization")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        path = directory / f"{model.__name__}.schema.json"
        path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    return written
