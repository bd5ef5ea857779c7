"""Reading YAML written by someone else: no aliases, a cap on the size of a file, errors
that name the file and line, and edits that keep the writer's comments.

A YAML alias repeats a node without writing it again, so ten nested levels of ten
aliases make a 500-byte file that expands to ten billion values (the "billion laughs"
of YAML): the probe of issue 14 saw 9.8 s and 2.28 GB for 458 bytes. wirewatch's own
files (feeds, subscriptions, seed and gold front matter) never need an alias, so one is
refused where it appears, with its line. A file over the cap is refused before it is
parsed.

A person who wrote a file wants to hear where it is wrong in one line
(``feeds.yaml, line 4, column 7: ...``), not a parser's traceback: ``describe_error``
says it, ``locate`` finds the line of a field a schema refused. And a file a person
wrote and a command edits (``wirewatch feeds add``) keeps its comments and order: the
edit goes through ruamel.yaml's round trip, after the same guarded read.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken
from ruamel.yaml.util import load_yaml_guess_indent
from yaml.composer import ComposerError

from infra.errors import OperatorError

MAX_YAML_BYTES = 1024 * 1024


class YamlTooLarge(yaml.YAMLError):
    """A YAML file over the size cap (a YAMLError, so callers report it as bad YAML)."""


class InputFileError(OperatorError, ValueError):
    """A file a person wrote (feeds, seeds, gold annotations) is wrong. The message is
    one line naming the file and, where known, the line: the command line prints it as
    it is."""


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


def read_yaml_text(path: Path, max_bytes: int = MAX_YAML_BYTES) -> str:
    """The text of the YAML file at PATH. OSError when it cannot be read; a
    yaml.YAMLError when it is over MAX_BYTES or not UTF-8."""
    with path.open("rb") as handle:
        raw = handle.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise YamlTooLarge(f"larger than the {max_bytes:,} bytes a YAML file may be")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise yaml.YAMLError(f"not UTF-8 text: {error}") from None


def read_yaml(path: Path, max_bytes: int = MAX_YAML_BYTES) -> Any:
    """The file at PATH as YAML's plain data. OSError when it cannot be read; a
    yaml.YAMLError when it is over MAX_BYTES, not YAML, or uses an alias."""
    return parse_yaml(read_yaml_text(path, max_bytes))


# ---- saying where --------------------------------------------------------------------


@dataclass(frozen=True)
class Position:
    """A place in a file, counted from 1 as editors count."""

    line: int
    column: int

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}"


def error_position(error: yaml.YAMLError, line_offset: int = 0) -> Position | None:
    """Where a parse error is, LINE_OFFSET lines further down (front matter); None when
    the error has no place (a file too large, not UTF-8)."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if mark is None:
        return None
    return Position(mark.line + 1 + line_offset, mark.column + 1)


def error_problem(error: yaml.YAMLError, line_offset: int = 0) -> str:
    """What a parse error says, in one line, without its position (but with where the
    construct it was reading began, when that is elsewhere)."""
    problem = getattr(error, "problem", None)
    if problem is None:
        return " ".join(str(error).split())
    context = getattr(error, "context", None)
    if not context:
        return str(problem)
    began = getattr(error, "context_mark", None)
    if began is not None and began is not getattr(error, "problem_mark", None):
        context += f" that began at line {began.line + 1 + line_offset}, column {began.column + 1}"
    return f"{problem} ({context})"


def describe_error(path: Path | str, error: yaml.YAMLError, line_offset: int = 0) -> str:
    """One line: the file, the line and column when known, what is wrong."""
    where = error_position(error, line_offset)
    problem = error_problem(error, line_offset)
    return f"{path}{', ' + str(where) if where else ''}: not valid YAML: {problem}"


def locate(text: str, keys: Sequence[str | int], line_offset: int = 0) -> Position | None:
    """Where the value at KEYS (mapping keys and sequence indexes) is written in TEXT,
    or the nearest enclosing value that is there (a missing field: its mapping); None
    when TEXT is not YAML."""
    try:
        node = yaml.compose(text, Loader=_NoAliasLoader)
    except yaml.YAMLError:
        return None
    if node is None:
        return None
    for key in keys:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == str(key)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            child = node.value[key] if 0 <= key < len(node.value) else None
        if child is None:
            break
        node = child
    mark = node.start_mark
    return Position(mark.line + 1 + line_offset, mark.column + 1)


# ---- front matter --------------------------------------------------------------------


class FrontMatter(frontmatter.YAMLHandler):
    """python-frontmatter's YAML handler, reading the front matter with no alias."""

    def load(self, fm: str, **kwargs: object) -> Any:
        return parse_yaml(fm)


@dataclass(frozen=True)
class FrontMatterText:
    """A Markdown file's front matter as text, its body, and how many lines of the
    file come before the front matter's first line (to name lines in the file)."""

    yaml_text: str
    body: str
    line_offset: int


def split_front_matter(text: str) -> FrontMatterText:
    """TEXT's front matter between its ``---`` lines, as python-frontmatter splits it;
    empty when there is none."""
    stripped = text.strip()
    leading = text.count("\n", 0, len(text) - len(text.lstrip()))
    boundary = FrontMatter.FM_BOUNDARY
    first = boundary.search(stripped)
    pieces = boundary.split(stripped, 2)
    if first is None or len(pieces) != 3:
        return FrontMatterText("", stripped, 0)
    return FrontMatterText(
        pieces[1], pieces[2].strip(), leading + stripped.count("\n", 0, first.end())
    )


# ---- editing, comments kept ----------------------------------------------------------


@dataclass
class EditableYaml:
    """A YAML document loaded for a round trip: its data (ruamel's commented maps and
    lists), and its indentation, to write it back as it was laid out."""

    data: Any
    mapping_indent: int = 2
    sequence_indent: int = 4
    sequence_offset: int = 2


def read_for_edit(path: Path, max_bytes: int = MAX_YAML_BYTES) -> EditableYaml:
    """The file at PATH for a round trip, after the guarded read (size cap, UTF-8, no
    alias): the same errors as read_yaml. A missing or empty file is an empty mapping."""
    text = read_yaml_text(path, max_bytes) if path.exists() else ""
    parse_yaml(text)  # the guards, before ruamel sees the text
    if not text.strip():
        return EditableYaml(CommentedMap())
    data, indent, offset = load_yaml_guess_indent(text)
    if indent is None or offset is None:
        return EditableYaml(data)
    return EditableYaml(data, mapping_indent=2, sequence_indent=indent, sequence_offset=offset)


def write_edited(path: Path, document: EditableYaml) -> None:
    """Write DOCUMENT to PATH, replacing the file at once (a reader never sees half)."""
    writer = YAML()
    writer.indent(
        mapping=document.mapping_indent,
        sequence=document.sequence_indent,
        offset=document.sequence_offset,
    )
    writer.width = 4096  # long URLs stay on their line
    buffer = io.StringIO()
    writer.dump(document.data, buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(buffer.getvalue(), encoding="utf-8")
    temporary.replace(path)


# ruamel keeps a comment written above an item of a list at the end of the item before
# it (or on the list itself, for the first item). The helpers below move those lines so
# that removing an item takes its own comment with it and leaves the next one's, and a
# new item goes after the last one, above the comments that end the list.


def _tail_token(item: Any) -> tuple[Any, Any] | None:
    """The comment slot after ITEM's last value: (owner's comment attribute, key)."""
    if isinstance(item, CommentedMap) and len(item):
        key = list(item)[-1]
        value = item[key]
        if isinstance(value, CommentedMap | CommentedSeq) and len(value):
            return _tail_token(value)
        return item.ca.items, key
    if isinstance(item, CommentedSeq) and len(item):
        last = item[-1]
        if isinstance(last, CommentedMap | CommentedSeq) and len(last):
            return _tail_token(last)
        return item.ca.items, len(item) - 1
    return None


def _gap_after(item: Any) -> str:
    """The whole comment lines after ITEM (its own end-of-line comment excluded)."""
    slot = _tail_token(item)
    if slot is None:
        return ""
    items, key = slot
    entry = items.get(key)
    token = entry[2] if entry and len(entry) > 2 else None
    if token is None:
        return ""
    _, _, rest = token.value.partition("\n")
    return rest


def _set_gap_after(item: Any, gap: str) -> None:
    slot = _tail_token(item)
    if slot is None:
        return
    items, key = slot
    entry = items.setdefault(key, [None, None, None, None])
    while len(entry) < 4:
        entry.append(None)
    token = entry[2]
    own = token.value.partition("\n")[0] if token is not None else ""
    if not own and not gap:
        entry[2] = None
        return
    value = f"{own}\n{gap}"
    if token is None:
        entry[2] = CommentToken(value, CommentMark(0), None)
    else:
        token.value = value


def append_item(sequence: CommentedSeq, value: Any) -> None:
    """Add VALUE at the end of SEQUENCE (written as a block), before the comment lines
    that close it."""
    if sequence.fa.flow_style():
        sequence.fa.set_block_style()
    if isinstance(value, dict) and not isinstance(value, CommentedMap):
        value = CommentedMap(value)
    closing = _gap_after(sequence[-1]) if len(sequence) else ""
    if len(sequence):
        _set_gap_after(sequence[-1], "")
    sequence.append(value)
    if closing:
        _set_gap_after(value, closing)


def remove_item(sequence: CommentedSeq, index: int, parent: Any = None, key: Any = None) -> None:
    """Remove SEQUENCE[INDEX] with the comment lines written above it; the comments
    above the next item stay above it. PARENT[KEY] is the sequence, when it has one
    (ruamel may keep the first item's comment on the parent too)."""
    after = _gap_after(sequence[index])
    if index == 0:
        if after:
            token = CommentToken(after, CommentMark(0), None)
            sequence.ca.comment = [None, [token]]
        else:
            sequence.ca.comment = None
        if parent is not None and hasattr(parent, "ca") and key in parent.ca.items:
            parent.ca.items[key][3] = sequence.ca.comment[1] if sequence.ca.comment else None
    else:
        _set_gap_after(sequence[index - 1], after)
    del sequence[index]
