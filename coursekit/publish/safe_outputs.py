"""Executed outputs made safe to publish: no script, no machine path.

An output is whatever the run printed, and a run may come from a shared cache written by
someone else (docs/verify.md, "Who can write the cache"). So every executed notebook is
cleaned on its way into the student view (student_view.ran_cells), the one door through
which outputs reach the notes pages, the decks and the bundle:

- ``text/html`` keeps a safe subset of tags and attributes (tables, text formatting,
  images from data: URLs, links to http/https/mailto); ``<script>``, ``<style>``,
  ``on…`` handlers and ``javascript:`` URLs go, and so does every other tag. It is then
  wrapped in one ``<div>``: a notes page is Markdown, and Markdown inside a raw HTML block
  is left alone, so text in the output cannot become a link (``[x](javascript:…)``) or an
  attribute list (``{: onclick=…}``) on the page;
- ``text/markdown`` is rendered to HTML here and cleaned the same way, for the same
  reason; ``text/latex`` is shown as the text it is (a page would pass it on raw);
- JavaScript and widget outputs are dropped (a page has no kernel to run them), and so
  is an SVG that can run script (its file would run at the site's origin);
- machine paths are rewritten (source/machine_paths.py).

A course author's own HTML, in the lesson's Markdown cells, is not an output: it stays
the author's.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import bleach
import markdown
from nbformat import NotebookNode

from ..source.machine_paths import build_paths, rewrite_output_paths

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "ins", "kbd", "li", "ol", "p", "pre", "s", "samp", "small", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var"})
ALLOWED_ATTRIBUTES = {"*": ["class", "title", "lang", "dir"], "a": ["href"],
                      "img": ["src", "alt", "width", "height"],
                      "td": ["colspan", "rowspan", "align"], "th": ["colspan", "rowspan",
                                                                      "align", "scope"],
                      "table": ["border"], "ol": ["start"]}
# data: only for images, and only raster ones (an SVG data URL can carry script)
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "data"})
_RASTER_DATA = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$")
# elements whose content is code, not text: dropped whole before cleaning
_CODE_ELEMENTS = re.compile(r"<(script|style|template|iframe|object|noscript)\b.*?"
                            r"(</\1\s*>|\Z)", re.IGNORECASE | re.DOTALL)
# SVG too: an SVG is a document that can carry script (namespaced elements, entity-encoded
# URLs, ...), which no pattern rules out; figures are PNG (matplotlib's default), and an
# output left with nothing to show says so
DROPPED_TYPES = ("application/javascript", "text/javascript", "application/x-javascript",
                 "application/vnd.jupyter.widget-view+json",
                 "application/vnd.jupyter.widget-state+json", "image/svg+xml")


def _attribute_allowed(tag: str, name: str, value: str) -> bool:
    if name not in ALLOWED_ATTRIBUTES.get(tag, []) + ALLOWED_ATTRIBUTES["*"]:
        return False
    if tag == "img" and name == "src":
        return bool(_RASTER_DATA.match(value)) or value.startswith(("http://", "https://"))
    if name == "href":
        return not value.strip().lower().startswith("data:")
    return True


_HTML = bleach.Cleaner(tags=ALLOWED_TAGS, attributes=_attribute_allowed,
                       protocols=ALLOWED_PROTOCOLS, strip=True, strip_comments=True)


def clean_html(html: str) -> str:
    """``html`` with only the allowed tags and attributes; script and style dropped whole."""
    return _HTML.clean(_CODE_ELEMENTS.sub("", html))


def _joined(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def safe_output(output: dict) -> None:
    """Clean one output's data in place (see the module doc)."""
    data = output.get("data")
    if not isinstance(data, dict):
        return
    for kind in DROPPED_TYPES:
        data.pop(kind, None)
    written = data.pop("text/markdown", None)
    if written is not None and "text/html" not in data:
        data["text/html"] = markdown.markdown(_joined(written))
    if "text/html" in data:
        cleaned = clean_html(_joined(data["text/html"]))
        data["text/html"] = f'<div class="output-html">\n{cleaned}\n</div>'
    latex = data.pop("text/latex", None)
    if latex is not None:
        data.setdefault("text/plain", _joined(latex))
    if not data and output.get("output_type") in ("display_data", "execute_result"):
        data["text/plain"] = "(an output that a page cannot show safely was left out)"


def safe_outputs(nb: NotebookNode | None, root: Path | None = None) -> NotebookNode | None:
    """A copy of the executed notebook ``nb`` that is safe to publish (None stays None)."""
    if nb is None:
        return None
    nb = copy.deepcopy(nb)
    known = build_paths(root)
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        rewrite_output_paths(cell.get("outputs", []), known)
        for output in cell.get("outputs", []):
            safe_output(output)
    return nb
