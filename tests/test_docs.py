"""The README stays a quick start (at most 400 lines) and every relative link in it and
in docs/*.md leads somewhere: a file that exists and, after a `#`, a heading of that
file as GitHub names its anchor. Pure: it reads the Markdown files, nothing else."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
README_MAX_LINES = 400
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]

FENCE = re.compile(r"^(```|~~~)")
CODE_SPAN = re.compile(r"`+[^`]*`+")
# [text](target "title") and ![alt](target); the text may hold one level of brackets
INLINE_LINK = re.compile(
    r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)"
)
REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def _prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks."""
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line.lstrip()):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(line)
    return lines


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: its text lower-cased, punctuation dropped (hyphens
    and underscores kept), each space a hyphen."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link: its text
    text = text.replace("`", "").lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(text: str) -> set[str]:
    """Every heading's anchor; a repeated one gets -1, -2, ... as on GitHub."""
    seen: Counter[str] = Counter()
    found = set()
    for line in _prose_lines(text):
        match = HEADING.match(line)
        if match is None:
            continue
        base = slug(match.group(2))
        found.add(base if seen[base] == 0 else f"{base}-{seen[base]}")
        seen[base] += 1
    return found


def links(text: str) -> list[str]:
    """The link targets of a Markdown text, code left out."""
    targets = []
    for line in _prose_lines(text):
        reference = REFERENCE_LINK.match(line)
        if reference:
            targets.append(reference.group(1))
            continue
        targets.extend(INLINE_LINK.findall(CODE_SPAN.sub("", line)))
    return targets


def broken_links(page: Path) -> list[str]:
    """Each relative link of PAGE whose file or heading does not exist, and why."""
    problems = []
    for target in links(page.read_text(encoding="utf-8")):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):  # http:, mailto:
            continue
        path_part, _, anchor = target.partition("#")
        linked = (page.parent / path_part).resolve() if path_part else page
        if not linked.exists():
            problems.append(f"{target}: no file {path_part} beside {page.name}")
        elif anchor and linked.suffix == ".md":
            if anchor not in anchors(linked.read_text(encoding="utf-8")):
                problems.append(f"{target}: no heading #{anchor} in {linked.name}")
        elif anchor:
            problems.append(f"{target}: an anchor in a file that has no headings")
    return problems


def test_the_readme_is_a_quick_start_of_at_most_400_lines():
    lines = len(README.read_text(encoding="utf-8").splitlines())
    assert lines <= README_MAX_LINES, (
        f"README.md has {lines} lines, more than {README_MAX_LINES}: move reference "
        "material to a file in docs/ and link it"
    )


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_relative_link_leads_to_a_file_and_heading_that_exist(page):
    assert broken_links(page) == []


def test_the_readme_links_every_docs_file():
    readme_targets = {target.partition("#")[0] for target in links(README.read_text())}
    unlinked = [page.name for page in PAGES[1:] if f"docs/{page.name}" not in readme_targets]
    assert unlinked == [], "docs files the README does not link: " + ", ".join(unlinked)


def test_anchors_and_links_are_read_as_github_renders_them(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "# Title\n\n## `make up` and make test\n\n## Kafka SASL and TLS\n\n## Notes\n\n"
        "## Notes\n\n```sh\n# not a heading\nsee [x](missing.md)\n```\n\n"
        "[ok](#notes-1) [code `x`](#make-up-and-make-test) `[no](gone.md)` "
        "![img](page.md) [site](https://example.org/x.md) [bad](#nowhere)\n"
        "[ref]: other.md#kafka\n"
    )
    assert anchors(page.read_text()) == {
        "title",
        "make-up-and-make-test",
        "kafka-sasl-and-tls",
        "notes",
        "notes-1",
    }
    # in the text's order: the reference link is on the last line
    assert broken_links(page) == [
        "#nowhere: no heading #nowhere in page.md",
        "other.md#kafka: no file other.md beside page.md",
    ]
