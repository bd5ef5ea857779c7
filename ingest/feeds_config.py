"""The list of feeds to poll: a YAML file people edit by hand or with ``wirewatch feeds``.

feeds:
  - url: https://outlet.example/world/rss.xml
    name: Outlet World          # optional: the source name on articles
    interval_minutes: 10        # optional: overrides the adaptive interval

A mistake in it is named with its line (``feeds.yaml, line 7, column 23: feed #2:
interval_minutes: ...``); ``add_feed`` and ``remove_feed`` edit the file in place,
keeping its comments and order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from ruamel.yaml.comments import CommentedSeq

from infra.netguard import BlockedURLError, check_scheme
from infra.yaml_files import (
    InputFileError,
    append_item,
    describe_error,
    locate,
    parse_yaml,
    read_for_edit,
    read_yaml_text,
    remove_item,
    write_edited,
)


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


class FeedsFileError(InputFileError):
    pass


class FeedNotFound(LookupError):
    """No feed of the list is the one asked for (or a name is on several)."""


def _field_problem(path: Path, text: str, index: int, error: ValidationError) -> str:
    """One line for the first problem pydantic found in feed #INDEX, at its line."""
    first = error.errors()[0]
    loc = [part for part in first["loc"] if isinstance(part, str | int)]
    where = locate(text, ["feeds", index, *loc])
    field = ".".join(str(part) for part in loc)
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] not in ("missing", "extra_forbidden"):
        message += f" (got {first.get('input')!r})"
    return (
        f"{path}{', ' + str(where) if where else ''}: feed #{index + 1}: "
        f"{field + ': ' if field else ''}{message}"
    )


def parse_feeds(path: Path, text: str) -> list[FeedConfig]:
    """The feeds in TEXT (the file at PATH); FeedsFileError naming the line at fault."""
    try:
        data = parse_yaml(text) or {}
    except yaml.YAMLError as error:
        raise FeedsFileError(describe_error(path, error)) from error
    if not isinstance(data, dict) or not isinstance(data.get("feeds", []), list | None):
        where = locate(text, ["feeds"])
        raise FeedsFileError(
            f"{path}{', ' + str(where) if where else ''}: expected a mapping with a 'feeds' list"
        )
    feeds = []
    for index, item in enumerate(data.get("feeds") or []):
        try:
            feeds.append(FeedConfig.model_validate(item))
        except ValidationError as error:
            raise FeedsFileError(_field_problem(path, text, index, error)) from error
    urls = [feed.url for feed in feeds]
    duplicates = {url for url in urls if urls.count(url) > 1}
    if duplicates:
        raise FeedsFileError(f"{path}: listed twice: {', '.join(sorted(duplicates))}")
    return feeds


def load_feeds(path: Path) -> list[FeedConfig]:
    if not path.exists():
        return []
    try:
        text = read_yaml_text(path)
    except OSError as error:
        raise FeedsFileError(f"{path}: cannot be read: {error}") from error
    except yaml.YAMLError as error:
        raise FeedsFileError(describe_error(path, error)) from error
    return parse_feeds(path, text)


def find_feed(feeds: list[FeedConfig], wanted: str) -> FeedConfig:
    """The feed whose URL is WANTED, else whose name is (ignoring case); FeedNotFound
    when none is, or when the name is on several."""
    for feed in feeds:
        if feed.url == wanted.strip():
            return feed
    named = [feed for feed in feeds if (feed.name or "").casefold() == wanted.strip().casefold()]
    if len(named) == 1:
        return named[0]
    if named:
        urls = ", ".join(feed.url for feed in named)
        raise FeedNotFound(f"{wanted!r} names {len(named)} feeds ({urls}): give the URL")
    raise FeedNotFound(f"no feed has the URL or name {wanted!r}: see `wirewatch feeds list`")


def _feeds_list(path: Path) -> tuple[Any, CommentedSeq]:
    """The file for editing and its ``feeds`` list, after checking it as load_feeds does."""
    load_feeds(path)
    document = read_for_edit(path)
    if document.data.get("feeds") is None:
        document.data["feeds"] = CommentedSeq()
    return document, document.data["feeds"]


def add_feed(path: Path, feed: FeedConfig) -> None:
    """Append FEED to the file at PATH (created if missing), comments and order kept."""
    add_feeds(path, [feed])


def add_feeds(path: Path, feeds: list[FeedConfig]) -> None:
    """Append FEEDS to the file at PATH in one write (created if missing), comments and
    order kept; the caller has left out those already there."""
    document, listed = _feeds_list(path)
    for feed in feeds:
        append_item(listed, feed.model_dump(exclude_none=True))
    write_edited(path, document)


def remove_feed(path: Path, url: str) -> bool:
    """Remove the feed of URL from the file at PATH with the comment above it; False when
    it is not there."""
    document, listed = _feeds_list(path)
    index = next(
        (i for i, item in enumerate(listed) if str(item.get("url", "")).strip() == url), None
    )
    if index is None:
        return False
    remove_item(listed, index, document.data, "feeds")
    write_edited(path, document)
    return True
