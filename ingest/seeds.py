"""Archived articles on disk: Markdown files with a YAML front matter.

Each seed is one file::

    ---
    title: "Headline"
    source: Outlet Name
    url: https://outlet.example/path
    published: 2020-10-11T09:40:00+04:00   # RFC 3339, with the outlet's zone
    language: en                            # optional
    ---
    Body text, paragraphs separated by blank lines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from infra.yaml_files import (
    FrontMatterText,
    InputFileError,
    Position,
    error_position,
    error_problem,
    locate,
    parse_yaml,
    split_front_matter,
)
from ingest.urls import InvalidURLError, canonical_url
from schemas.article import Article, article_id_for

SEED_SUFFIXES = (".md", ".markdown")
REQUIRED_KEYS = ("title", "source", "url", "published")


class SeedError(InputFileError):
    """A seed file that cannot become an Article; says which file, where and why."""

    def __init__(self, path: Path, reason: str, where: Position | None = None) -> None:
        super().__init__(f"{path}{', ' + str(where) if where else ''}: {reason}")
        self.path = path
        self.reason = reason
        self.where = where


def read_front_matter(path: Path) -> tuple[dict, FrontMatterText]:
    """The front matter of the file at PATH as a mapping, and its text (to name the line
    of a field); SeedError naming the line when it is not UTF-8 or not YAML."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise SeedError(path, f"not UTF-8 text: {error}") from error
    front = split_front_matter(text)
    try:
        metadata = parse_yaml(front.yaml_text) if front.yaml_text.strip() else {}
    except yaml.YAMLError as error:
        raise SeedError(
            path,
            f"unreadable front matter: {error_problem(error, front.line_offset)}",
            error_position(error, front.line_offset),
        ) from error
    if not isinstance(metadata, dict):
        where = locate(front.yaml_text, [], front.line_offset)
        raise SeedError(path, "the front matter is not a mapping of fields", where)
    return metadata, front


@dataclass(frozen=True)
class SeedResult:
    path: Path
    article: Article | None
    error: SeedError | None


def seed_files(directory: Path) -> list[Path]:
    """Seed files in a directory, sorted, without its README."""
    if not directory.is_dir():
        raise FileNotFoundError(f"no such seeds directory: {directory}")
    return sorted(
        path
        for path in directory.rglob("*")
        if path.is_file()
        and path.suffix.lower() in SEED_SUFFIXES
        and not path.name.upper().startswith("README")
    )


def _published(value: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        published = value
    elif isinstance(value, str):
        try:
            published = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"published must be an RFC 3339 date-time, got {value!r}") from None
    else:
        raise ValueError(f"published must be an RFC 3339 date-time, got {value!r}")
    if published.tzinfo is None:
        raise ValueError("published needs a time zone offset, e.g. 2020-10-11T09:40:00+04:00")
    return published


def load_seed(path: Path) -> Article:
    """Read one seed file into an Article, or raise SeedError naming the problem."""
    meta, front = read_front_matter(path)

    def at(field: str) -> Position | None:
        return locate(front.yaml_text, [field], front.line_offset) if field in meta else None

    missing = [key for key in REQUIRED_KEYS if key not in meta]
    if missing:
        raise SeedError(path, f"front matter lacks {', '.join(missing)}")
    try:
        url = canonical_url(str(meta["url"]))
    except (InvalidURLError, ValueError) as error:
        raise SeedError(path, f"url: {error}", at("url")) from error
    try:
        published = _published(meta["published"])
    except ValueError as error:
        raise SeedError(path, str(error), at("published")) from error
    try:
        return Article(
            id=article_id_for(url),
            url=url,
            title=str(meta["title"]).strip(),
            text=front.body,
            source=str(meta["source"]).strip(),
            published=published,
            language=meta.get("language"),
        )
    except ValidationError as error:
        first = error.errors()[0]
        problems = "; ".join(
            f"{'.'.join(str(part) for part in issue['loc'])}: {issue['msg']}"
            for issue in error.errors()
        )
        raise SeedError(path, problems, at(str(first["loc"][0]) if first["loc"] else "")) from error


def read_seeds(paths: list[Path]) -> Iterator[SeedResult]:
    for path in paths:
        try:
            yield SeedResult(path, load_seed(path), None)
        except SeedError as error:
            yield SeedResult(path, None, error)
