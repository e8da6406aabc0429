"""A figure's alt text, one rule for notes pages and decks.

The caption the lesson declares for the cell (``# %% caption="…"``) comes first: the author
wrote it for readers who cannot see the plot. Else the title the cell's code gives its
figure, however matplotlib was told it (``plt.title``, ``ax.set_title``, ``ax.set(title=…)``,
``fig.suptitle``, literal or f-string). Else the heading the figure sits under.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from ..source.syntax import without_magics

# method → the keyword that carries the title when it is not the first argument
AXES_TITLE = {"title": "label", "set_title": "label"}
FIGURE_TITLE = {"suptitle": "t"}
SETTER = "set"  # ax.set(title=…, xlabel=…): only its title keyword names the plot
# Markdown or TeX in alt text would be rendered or typeset: keep the words
_NOISE = re.compile(r"[\\$*_`\[\]{}<>]")
HEADING = re.compile(r"^#+\s+(.+?)\s*#*\s*$", re.M)
UNKNOWN = "…"  # what an f-string's computed part reads as


def cell_alts(cells: list) -> Iterator[tuple[dict, str]]:
    """Each code cell of a page or deck, in order, with the alt text of its figures: the
    heading is the last one above it (a subslide without one continues its section)."""
    heading = ""
    for cell in cells:
        if cell.cell_type == "markdown" and not cell.metadata.get("coursekit", {}).get(
                "continued"):  # a deck's continuation slide names no section of its own
            heading = (headings(cell.source) or [heading])[-1]
        elif cell.cell_type == "code":
            yield cell, figure_alt(cell.metadata.get("caption"), cell.source, heading)


def figure_alt(caption: str | None, source: str, heading: str = "") -> str:
    """The alt text of the figures drawn by a cell with this caption and ``source`` code,
    under ``heading``."""
    titles = figure_titles(source)
    if caption:
        alt = str(caption)
    elif titles:
        alt = "Figure: " + "; ".join(titles)
    elif heading:
        alt = f"Figure: {heading}"
    else:
        alt = "Figure"
    return " ".join(_NOISE.sub(" ", alt).split())


def headings(markdown: str) -> list[str]:
    """The Markdown headings of a cell, in order."""
    return HEADING.findall(markdown)


def figure_titles(source: str) -> list[str]:
    """The figure's own title (``suptitle``) if the code gives one, else its axes' titles,
    in the order of the code, each once."""
    try:
        tree = ast.parse(without_magics(source))
    except SyntaxError:
        return []
    calls = sorted((node for node in ast.walk(tree) if isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)),
                   key=lambda node: (node.lineno, node.col_offset))
    figure = [_title(call, FIGURE_TITLE) for call in calls]
    axes = [_title(call, AXES_TITLE) for call in calls]
    found = [title for title in figure if title] or [title for title in axes if title]
    return list(dict.fromkeys(found))


def _title(call: ast.Call, methods: dict[str, str]) -> str:
    """The title ``call`` sets, if it is one of ``methods`` (or ``set(title=…)`` for an
    axes), as text; "" when it sets none or the title is not written in the code."""
    name = call.func.attr
    if name == SETTER and methods is AXES_TITLE:
        return next((_text(kw.value) for kw in call.keywords if kw.arg == "title"), "")
    if name not in methods:
        return ""
    if call.args:
        return _text(call.args[0])
    return next((_text(kw.value) for kw in call.keywords if kw.arg == methods[name]), "")


def _text(node: ast.expr) -> str:
    """A literal string as written; an f-string with each computed part as "…", kept only
    if its written part has a word (``f"{name}"`` says nothing)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.strip()
    if not isinstance(node, ast.JoinedStr):
        return ""
    parts = [part.value if isinstance(part, ast.Constant) else UNKNOWN for part in node.values]
    written = "".join(part.value for part in node.values if isinstance(part, ast.Constant))
    return " ".join("".join(parts).split()) if re.search(r"[^\W\d_]{2}", written) else ""
