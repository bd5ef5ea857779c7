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

import frontmatter
import yaml
from pydantic import ValidationError

from infra.yaml_files import FrontMatter
from ingest.urls import InvalidURLError, canonical_url
from schemas.article import Article, article_id_for

SEED_SUFFIXES = (".md", ".markdown")
REQUIRED_KEYS = ("title", "source", "url", "published")


class SeedError(ValueError):
    """A seed file that cannot become an Article; says which file and why."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


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
        published = dt.datetime.fromisoformat(value.strip())
    else:
        raise ValueError(f"published must be an RFC 3339 date-time, got {value!r}")
    if published.tzinfo is None:
        raise ValueError("published needs a time zone offset, e.g. 2020-10-11T09:40:00+04:00")
    return published


def load_seed(path: Path) -> Article:
    """Read one seed file into an Article, or raise SeedError naming the problem."""
    try:
        post = frontmatter.loads(path.read_text(encoding="utf-8"), handler=FrontMatter())
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        raise SeedError(path, f"unreadable front matter: {error}") from error
    missing = [key for key in REQUIRED_KEYS if key not in post.metadata]
    if missing:
        raise SeedError(path, f"front matter lacks {', '.join(missing)}")
    meta = post.metadata
    try:
        url = canonical_url(str(meta["url"]))
        published = _published(meta["published"])
    except (InvalidURLError, ValueError) as error:
        raise SeedError(path, str(error)) from error
    try:
        return Article(
            id=article_id_for(url),
            url=url,
            title=str(meta["title"]).strip(),
            text=post.content.strip(),
            source=str(meta["source"]).strip(),
            published=published,
            language=meta.get("language"),
        )
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in issue['loc'])}: {issue['msg']}"
            for issue in error.errors()
        )
        raise SeedError(path, problems) from error


def read_seeds(paths: list[Path]) -> Iterator[SeedResult]:
    for path in paths:
        try:
            yield SeedResult(path, load_seed(path), None)
        except SeedError as error:
            yield SeedResult(path, None, error)
