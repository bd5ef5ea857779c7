"""The list of feeds to poll: a YAML file people edit by hand or with ``wirewatch feeds``.

feeds:
  - url: https://outlet.example/world/rss.xml
    name: Outlet World          # optional: the source name on articles
    interval_minutes: 10        # optional: overrides the adaptive interval
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from infra.netguard import BlockedURLError, check_scheme
from infra.yaml_files import read_yaml


class FeedConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str
    name: str | None = None
    interval_minutes: Annotated[float, Field(gt=0)] | None = None

    @field_validator("url")
    @classmethod
    def _http_only(cls, value: str) -> str:
        try:
            check_scheme(value)
        except BlockedURLError as error:
            raise ValueError(str(error)) from error
        return value.strip()


class FeedsFileError(ValueError):
    pass


def load_feeds(path: Path) -> list[FeedConfig]:
    if not path.exists():
        return []
    try:
        data = read_yaml(path) or {}
    except OSError as error:
        raise FeedsFileError(f"{path}: cannot be read: {error}") from error
    except yaml.YAMLError as error:
        raise FeedsFileError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("feeds", []), list):
        raise FeedsFileError(f"{path}: expected a mapping with a 'feeds' list")
    feeds = []
    for index, item in enumerate(data.get("feeds") or []):
        try:
            feeds.append(FeedConfig.model_validate(item))
        except ValidationError as error:
            raise FeedsFileError(
                f"{path}: feed #{index + 1}: {error.errors()[0]['msg']}"
            ) from error
    urls = [feed.url for feed in feeds]
    duplicates = {url for url in urls if urls.count(url) > 1}
    if duplicates:
        raise FeedsFileError(f"{path}: listed twice: {', '.join(sorted(duplicates))}")
    return feeds


def save_feeds(path: Path, feeds: list[FeedConfig]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"feeds": [feed.model_dump(exclude_none=True) for feed in feeds]}
    temporary = path.with_suffix(".tmp")
    temporary.write_text(
        yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    temporary.replace(path)
