"""Reading YAML written by someone else: no aliases, and a cap on the size of a file.

A YAML alias repeats a node without writing it again, so ten nested levels of ten
aliases make a 500-byte file that expands to ten billion values (the "billion laughs"
of YAML): the probe of issue 14 saw 9.8 s and 2.28 GB for 458 bytes. wirewatch's own
files (feeds, subscriptions, seed and gold front matter) never need an alias, so one is
refused where it appears, with its line. A file over the cap is refused before it is
parsed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import frontmatter
import yaml
from yaml.composer import ComposerError

MAX_YAML_BYTES = 1024 * 1024


class YamlTooLarge(yaml.YAMLError):
    """A YAML file over the size cap (a YAMLError, so callers report it as bad YAML)."""


class _NoAliasLoader(yaml.SafeLoader):
    """The safe loader, refusing every alias (``*name``) as it is met."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise ComposerError(
                None,
                None,
                "an alias (*name) is not accepted: write the value out",
                event.start_mark,
            )
        return super().compose_node(parent, index)


def parse_yaml(text: str) -> Any:
    """TEXT as YAML's plain data; a yaml.YAMLError (with its line) when it is not, or
    when it uses an alias."""
    return yaml.load(text, Loader=_NoAliasLoader)


def read_yaml(path: Path, max_bytes: int = MAX_YAML_BYTES) -> Any:
    """The file at PATH as YAML's plain data. OSError when it cannot be read; a
    yaml.YAMLError when it is over MAX_BYTES, not YAML, or uses an alias."""
    with path.open("rb") as handle:
        raw = handle.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise YamlTooLarge(f"larger than the {max_bytes:,} bytes a YAML file may be")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise yaml.YAMLError(f"not UTF-8 text: {error}") from None
    return parse_yaml(text)


class FrontMatter(frontmatter.YAMLHandler):
    """python-frontmatter's YAML handler, reading the front matter with no alias."""

    def load(self, fm: str, **kwargs: object) -> Any:
        return parse_yaml(fm)
