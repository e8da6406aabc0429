"""What a reader of a built artifact sees, and where in the artifact each part of it is.

The leak scanner searches this text; when it finds a solution line, the report names the
place a person opens to look at it: a notebook's cell (its source, outputs or metadata), an
HTML page's source line and the section it is under, a text file's line.

HTML is read with its tags stripped and entities decoded (highlighted code splits every
token into its own ``<span>``); notebooks by their strings.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

# copied verbatim from pinned packages (Material's assets, reveal.js): no lesson text in them
VENDORED = ("assets/javascripts/", "assets/stylesheets/", "assets/images/",
            "assets/vendor/", "slides/reveal.js/")
# .pdf: the handouts, printed from pages and decks that are scanned themselves (the
# slides are photographs; read as text, a PDF's compressed streams cost seconds a MB)
BINARY = (".png", ".jpg", ".jpeg", ".gif", ".ico", ".gz", ".woff", ".woff2", ".ttf", ".eot",
          ".zip", ".pdf")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_PERMALINK = "¶"  # the anchor mkdocs appends to every heading


@dataclass
class Reading:
    """An artifact's reader text, with the places its parts start at (ascending)."""

    text: str
    starts: list[int] = field(default_factory=list)  # offsets into text
    names: list[str] = field(default_factory=list)   # the place that starts there

    def place(self, offset: int) -> str:
        """The place the character at ``offset`` is in; by default its line."""
        if not self.starts:
            return f"line {self.text.count(chr(10), 0, offset) + 1}"
        return self.names[max(bisect.bisect_right(self.starts, offset) - 1, 0)]


class _Writer:
    """Builds a :class:`Reading` part by part (joined once: a page has thousands)."""

    def __init__(self):
        self.parts: list[str] = []
        self.size = 0
        self.starts: list[int] = []
        self.names: list[str] = []

    def mark(self, name: str) -> None:
        """The text written from here on is in the place ``name``."""
        self.starts.append(self.size)
        self.names.append(name)

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)

    def reading(self) -> Reading:
        return Reading("".join(self.parts), self.starts, self.names)


def strings(node) -> Iterator[str]:
    """Every string inside a JSON-like value (notebook sources, outputs, metadata)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from strings(value)
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from strings(item)


def notebook_reading(nb: dict) -> Reading:
    """A notebook's strings, each part named by its cell (number and id)."""
    writer = _Writer()
    parts = [("notebook metadata", nb.get("metadata", {}))]
    for number, cell in enumerate(nb.get("cells", []), start=1):
        name = f"cell {number}" + (f" ({cell['id']})" if cell.get("id") else "")
        parts += [(f"{name} source", cell.get("source", "")),
                  (f"{name} outputs", cell.get("outputs", [])),
                  (f"{name} metadata", [cell.get("metadata", {}), cell.get("attachments", {})])]
    for name, value in parts:
        writer.mark(name)
        writer.write("\n".join(strings(value)) + "\n")
    return writer.reading()


class _Text(HTMLParser):
    """Text nodes in order, each recorded with its source line and section heading."""

    def __init__(self, places: bool = False):
        super().__init__(convert_charrefs=True)
        self.writer = _Writer()
        self.places = places
        self.heading: list[str] | None = None  # text of the heading being read
        self.section = ""

    def handle_starttag(self, tag, attrs) -> None:
        if tag in _HEADINGS:
            self.heading = []

    def handle_endtag(self, tag) -> None:
        if tag in _HEADINGS and self.heading is not None:
            self.section = " ".join("".join(self.heading).replace(_PERMALINK, "").split())
            self.heading = None

    def handle_data(self, data: str) -> None:
        if self.heading is not None:
            self.heading.append(data)
        if self.places and data.strip():
            line = f"line {self.getpos()[0]}"
            self.writer.mark(f"{line}, section '{self.section}'" if self.section else line)
        self.writer.write(data)


def html_reading(html: str, places: bool = True) -> Reading:
    parser = _Text(places)
    parser.feed(html)
    parser.close()
    return parser.writer.reading()


def html_text(html: str) -> str:
    return html_reading(html, places=False).text


def read_artifact(path: str, data: bytes) -> Reading | None:
    """What a reader of the artifact sees, with its places; None for vendored and binary
    files."""
    if path.startswith(VENDORED) or path.endswith(BINARY):
        return None
    text = data.decode("utf-8", errors="replace")
    if path.endswith(".ipynb"):
        return notebook_reading(json.loads(text))
    if path.endswith((".html", ".htm", ".xml")):
        return html_reading(text)
    return Reading(text)


def reader_text(path: str, data: bytes) -> str | None:
    reading = read_artifact(path, data)
    return None if reading is None else reading.text
