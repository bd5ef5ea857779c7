"""The starter catalogue of public news feeds that report armed conflict.

The entries are data (``feed_catalogue.toml`` next to this module), read and checked
here: every entry complete, its name and URL unique, its URL https with a host, its
region and language from the known values below. The addresses were written down
without being fetched (no internet where this project is built); what each answers
is for ``wirewatch feeds check`` to say, online.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from urllib.parse import urlsplit

CATALOGUE_FILE = Path(__file__).with_name("feed_catalogue.toml")

REGIONS = ("world", "africa", "americas", "asia-pacific", "europe", "middle-east")
# ISO 639-1 codes of the languages the catalogue may list, with their English names
LANGUAGES = {
    "ar": "Arabic",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fa": "Persian",
    "fr": "French",
    "pt": "Portuguese",
    "ru": "Russian",
    "uk": "Ukrainian",
    "zh": "Chinese",
}
FIELDS = ("name", "title", "publisher", "url", "region", "language", "terms")

NOT_REACHABLE_NOTE = (
    "These addresses are as their publishers give them; they were not fetched when the "
    "list was written and cannot be reached from a machine without internet. Run "
    "`wirewatch feeds check` online to see what each answers."
)


class CatalogueError(ValueError):
    """The catalogue file is wrong (a bug in the repository, named with the entry)."""


@dataclass(frozen=True)
class CatalogueFeed:
    name: str
    title: str
    publisher: str
    url: str
    region: str
    language: str
    terms: str


def _problem(index: int, entry: dict, message: str) -> CatalogueError:
    label = entry.get("name") if isinstance(entry.get("name"), str) else f"#{index + 1}"
    return CatalogueError(f"catalogue entry {label}: {message}")


def _checked(index: int, entry: object) -> CatalogueFeed:
    if not isinstance(entry, dict):
        raise CatalogueError(f"catalogue entry #{index + 1}: not a table")
    missing = [field for field in FIELDS if not str(entry.get(field) or "").strip()]
    if missing:
        raise _problem(index, entry, f"missing {', '.join(missing)}")
    unknown = sorted(set(entry) - set(FIELDS))
    if unknown:
        raise _problem(index, entry, f"unknown field {', '.join(unknown)}")
    if not all(isinstance(entry[field], str) for field in FIELDS):
        raise _problem(index, entry, "every field is text")
    if entry["name"] != entry["name"].strip().lower() or " " in entry["name"]:
        raise _problem(index, entry, "the name is lower-case, without spaces")
    parts = urlsplit(entry["url"])
    if parts.scheme != "https" or not parts.hostname or entry["url"] != entry["url"].strip():
        raise _problem(index, entry, f"the URL must be https with a host: {entry['url']!r}")
    if entry["region"] not in REGIONS:
        raise _problem(
            index, entry, f"region {entry['region']!r} is not one of {', '.join(REGIONS)}"
        )
    if entry["language"] not in LANGUAGES:
        raise _problem(
            index, entry, f"language {entry['language']!r} is not one of {', '.join(LANGUAGES)}"
        )
    return CatalogueFeed(**{field: entry[field] for field in FIELDS})


def parse_catalogue(text: str) -> list[CatalogueFeed]:
    """The feeds of a catalogue document; CatalogueError naming the first bad entry."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CatalogueError(f"the catalogue is not valid TOML: {error}") from error
    entries = data.get("feed")
    if set(data) != {"feed"} or not isinstance(entries, list) or not entries:
        raise CatalogueError("the catalogue is a list of [[feed]] tables and nothing else")
    feeds = [_checked(index, entry) for index, entry in enumerate(entries)]
    for field in ("name", "url"):
        values = [getattr(feed, field) for feed in feeds]
        twice = sorted({value for value in values if values.count(value) > 1})
        if twice:
            raise CatalogueError(f"catalogue {field}s listed twice: {', '.join(twice)}")
    return feeds


def load_catalogue(path: Path = CATALOGUE_FILE) -> list[CatalogueFeed]:
    return parse_catalogue(path.read_text(encoding="utf-8"))


def filtered(
    feeds: list[CatalogueFeed], region: str | None = None, language: str | None = None
) -> list[CatalogueFeed]:
    """The feeds of REGION and LANGUAGE (each None for any)."""
    return [
        feed
        for feed in feeds
        if (region is None or feed.region == region)
        and (language is None or feed.language == language)
    ]


def choose(feeds: list[CatalogueFeed], wanted: str) -> list[CatalogueFeed]:
    """The feeds WANTED names: a region (all its feeds), "all", or one feed's name.
    LookupError saying what may be asked for when it names none."""
    key = wanted.strip().lower()
    if key == "all":
        return list(feeds)
    if key in REGIONS:
        return filtered(feeds, region=key)
    named = [feed for feed in feeds if feed.name == key]
    if named:
        return named
    names = [feed.name for feed in feeds]
    close = [name for name in names if key and key in name][:5] or get_close_matches(
        key, [*REGIONS, *names], n=3
    )
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise LookupError(
        f"{wanted!r} is neither a region ({', '.join(REGIONS)}), 'all', nor a feed of the "
        f"catalogue (`wirewatch feeds catalogue` lists them){hint}"
    )
