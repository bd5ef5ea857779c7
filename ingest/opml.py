"""Reading and writing OPML subscription lists, the format every feed reader exports.

An OPML file is untrusted input. It is read by defusedxml's expat reader, which refuses
any entity declaration (the billion-laughs bomb, external entities) and never fetches
anything; a file that is not well-formed XML is refused in one line naming where. Inside
a good document every outline is judged alone: a feed (an ``xmlUrl``, in any casing,
with or without ``type``) is kept with the folders above it as its categories; an outline
with only a web page (``htmlUrl``), an empty ``xmlUrl`` or a link to another list is
reported in one line with its line number, and the rest are kept. A URL listed again
(readers export a feed once per folder it is in) is kept once, its repeats counted.

listparser was tried and left aside: it reads OPML with an HTML parser in recovery mode,
so a broken file is accepted without a word, and it drops an outline with an empty
address silently, where each outline left out should be reported.

Writing uses the standard library's ElementTree: OPML 2.0, one outline per feed.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ElementTree
import xml.sax
import xml.sax.handler
from dataclasses import dataclass, field
from email.utils import format_datetime

import defusedxml
import defusedxml.sax

MAX_OPML_BYTES = 5 * 1024 * 1024
MAX_OUTLINES = 20_000
LIST_TYPES = frozenset({"link", "include"})


class OpmlError(ValueError):
    """The whole document is refused (one line, saying why and where)."""


@dataclass(frozen=True)
class OpmlFeed:
    url: str
    title: str | None
    categories: tuple[str, ...]  # the folders it sits in, outermost first
    line: int


@dataclass
class OpmlReading:
    title: str | None = None
    feeds: list[OpmlFeed] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line each, with its line
    # lines where a URL already listed comes again (a feed in several folders): kept once
    repeats: list[int] = field(default_factory=list)


@dataclass
class _Outline:
    line: int
    title: str | None
    html_url: str | None
    is_feed: bool = False
    has_children: bool = False


def _label(title: str | None) -> str:
    return repr(title) if title else "an outline without text"


def shown(value: str) -> str:
    """VALUE for a one-line message: as it is, or quoted with its escapes when it holds
    a character that is not printable (a line break written as ``&#10;``)."""
    return value if value.isprintable() else repr(value)


class _Reader(xml.sax.handler.ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.reading = OpmlReading()
        self.root: str | None = None
        self.in_body = False
        self.saw_body = False
        self.outlines: list[_Outline] = []
        self.count = 0
        self.first_line: dict[str, int] = {}
        self.in_title = False
        self.title_text: list[str] = []
        self.locator: xml.sax.xmlreader.Locator | None = None

    def setDocumentLocator(self, locator) -> None:
        self.locator = locator

    def _line(self) -> int:
        return self.locator.getLineNumber() if self.locator else 0

    def startElement(self, name: str, attrs) -> None:
        tag = name.lower()
        if self.root is None:
            self.root = tag
            if tag != "opml":
                raise OpmlError(f"not an OPML document: its root element is <{name}>")
            return
        if tag == "body" and not self.outlines:
            self.in_body = self.saw_body = True
        elif tag == "title" and not self.in_body:
            self.in_title = True
        elif tag == "outline" and self.in_body:
            self._outline({key.lower(): value for key, value in attrs.items()})

    def characters(self, content: str) -> None:
        if self.in_title:
            self.title_text.append(content)

    def endElement(self, name: str) -> None:
        tag = name.lower()
        if tag == "title" and self.in_title:
            self.in_title = False
            self.reading.title = "".join(self.title_text).strip() or None
        elif tag == "body" and not self.outlines:
            self.in_body = False
        elif tag == "outline" and self.outlines:
            outline = self.outlines.pop()
            if not outline.is_feed and not outline.has_children and outline.html_url:
                self._problem(
                    outline.line,
                    f"{_label(outline.title)} has only a web page address "
                    f"({shown(outline.html_url)}), no feed address (xmlUrl); skipped",
                )

    def _problem(self, line: int, message: str) -> None:
        self.reading.problems.append(f"line {line}: {message}")

    def _outline(self, attrs: dict[str, str]) -> None:
        self.count += 1
        if self.count > MAX_OUTLINES:
            raise OpmlError(f"more than {MAX_OUTLINES} outlines; split the file")
        line = self._line()
        if self.outlines:
            self.outlines[-1].has_children = True
        title = (attrs.get("text") or "").strip() or (attrs.get("title") or "").strip() or None
        outline = _Outline(line, title, (attrs.get("htmlurl") or "").strip() or None)
        categories = tuple(o.title for o in self.outlines if not o.is_feed and o.title)
        self.outlines.append(outline)
        if "xmlurl" in attrs:
            outline.is_feed = True
            url = attrs["xmlurl"].strip()
            if not url:
                self._problem(line, f"{_label(title)} has an empty feed address (xmlUrl); skipped")
            elif url in self.first_line:
                self.reading.repeats.append(line)
            else:
                self.first_line[url] = line
                self.reading.feeds.append(OpmlFeed(url, title, categories, line))
        elif (attrs.get("type") or "").strip().lower() in LIST_TYPES and attrs.get("url"):
            outline.is_feed = True
            self._problem(
                line,
                f"{_label(title)} points to another list ({shown(attrs['url'].strip())}), which is "
                "not fetched; import that file on its own",
            )


def read_opml(data: bytes) -> OpmlReading:
    """The feeds of an OPML document and a line for each outline left out; OpmlError
    when the document itself is refused."""
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(f"larger than {MAX_OPML_BYTES // (1024 * 1024)} MB; not an OPML list")
    if not data.strip():
        raise OpmlError("the file is empty")
    reader = _Reader()
    try:
        defusedxml.sax.parseString(
            data, reader, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except OpmlError:
        raise
    except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden) as error:
        name = getattr(error, "name", None) or "?"
        raise OpmlError(
            f"the document declares the XML entity {name!r}; refused: entities can expand "
            "without bound or read local files, and an OPML list needs none"
        ) from None
    except xml.sax.SAXParseException as error:
        message = " ".join(str(error.getMessage()).split())
        raise OpmlError(
            f"not well-formed XML at line {error.getLineNumber()}, "
            f"column {error.getColumnNumber() + 1}: {message}"
        ) from None
    except (xml.sax.SAXException, ValueError, LookupError) as error:
        message = " ".join(str(error).split())
        raise OpmlError(f"cannot be read as XML: {message}") from None
    if not reader.saw_body:
        raise OpmlError("an OPML document without a <body>: no feeds in it")
    return reader.reading


def write_opml(feeds: list[tuple[str, str | None]], title: str, created: dt.datetime) -> bytes:
    """An OPML 2.0 document listing FEEDS, given as (URL, name) pairs, in order."""
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = title
    ElementTree.SubElement(head, "dateCreated").text = format_datetime(created, usegmt=True)
    body = ElementTree.SubElement(root, "body")
    for url, name in feeds:
        ElementTree.SubElement(
            body, "outline", type="rss", text=name or url, title=name or url, xmlUrl=url
        )
    ElementTree.indent(root, space="  ")
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
