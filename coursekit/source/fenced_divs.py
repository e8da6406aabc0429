"""Carpentries (Pandoc) fenced divs in Markdown cells: ``::: challenge`` … ``:::``.

The Carpentries Workbench writes a lesson's exercises, answers and instructor notes as
Pandoc fenced divs: a line of three or more colons with a class opens a div (``:::
challenge``, ``:::: solution``, ``::: {.callout}``), a line of colons alone closes the
innermost open one, and divs nest (the solution inside its challenge). Read here:

- ``solution`` is the answer: it reaches the solution notebook and instructors only;
- ``instructor`` is an instructor's note: at the top of a cell it becomes a speaker-notes
  cell of its own (:func:`cell_pieces`), inside another div it is hidden like an answer;
- every other known class (``challenge``, ``callout``, …) is a visible box.

Notebooks, pages and decks do not read Pandoc's syntax, but all three read an HTML
``<div>`` around Markdown (CommonMark's HTML blocks, Python-Markdown's ``md_in_html``), so
each div is written as one, keeping its class for the site's styles. An unknown class is
an error, not a visible box: a misspelt ``::: soluton`` would show the answer.
"""

from __future__ import annotations

import copy
import difflib
import re
from dataclasses import dataclass, field

import nbformat

from ..errors import MarkerError
from .marker_forms import markdown_mark

HIDDEN = ("solution", "instructor")
# the Workbench's other div classes: all shown to everyone
VISIBLE = ("challenge", "callout", "discussion", "caution", "checklist", "prereq",
           "testimonial", "hint", "spoiler", "keypoints", "objectives", "questions", "tab",
           "group-tab")
KNOWN = (*HIDDEN, *VISIBLE)
# an opening fence: colons, then a class word or a Pandoc attribute block, then
# optionally more colons (``::: challenge :::``); a closing fence is colons alone
_OPEN = re.compile(r"^ {0,3}(:{3,})\s*(\{[^}]*\}|[\w-]+)\s*:*\s*$")
_CLOSE = re.compile(r"^ {0,3}:{3,}\s*$")
_CODE_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def div_class(line: str, lineno: int) -> str | None:
    """The class of an opening fence (None: not one); an unknown class is an error."""
    match = _OPEN.match(line)
    if not match:
        return None
    words = match.group(2)
    classes = re.findall(r"\.([\w-]+)", words) if words.startswith("{") else [words]
    known = [name for name in classes if name in KNOWN]
    if not known:
        name = classes[0] if classes else words
        close = difflib.get_close_matches(name, KNOWN, n=1)
        raise MarkerError(f"unknown fenced div class '{name}'", line=lineno,
                          hint=(f"did you mean '{close[0]}'? " if close else "")
                          + f"(known: {', '.join(KNOWN)})")
    hidden = [name for name in known if name in HIDDEN]
    return hidden[0] if hidden else known[0]


def has_divs(lines: list[str]) -> bool:
    return any(_OPEN.match(line) or _CLOSE.match(line) for line in lines)


def fences(lines: list[str]) -> list[tuple[str, str | None]]:
    """Each line read as ``("open", class)``, ``("close", None)`` or ``("text", None)``;
    colons inside a fenced code block are code, not a fence."""
    found, code = [], None
    for i, line in enumerate(lines):
        fence = _CODE_FENCE.match(line)
        if code is not None:
            if fence and fence.group(1)[0] == code[0] and len(fence.group(1)) >= len(code):
                code = None
            found.append(("text", None))
        elif fence:
            code = fence.group(1)
            found.append(("text", None))
        elif (name := div_class(line, i)) is not None:
            found.append(("open", name))
        elif _CLOSE.match(line):
            found.append(("close", None))
        else:
            found.append(("text", None))
    return found


def open_tag(name: str) -> list[str]:
    """``admonition``: mkdocs-material draws the box; notebooks ignore the class."""
    return [f'<div class="admonition {name}" markdown="1">', ""]


CLOSE_TAG = ["", "</div>"]


def cell_pieces(source: str) -> list[tuple[int, str, bool]]:
    """A Markdown cell cut around its top-level ``::: instructor`` divs: (first line of
    the piece in the cell, its text, whether it is an instructor's note). A cell without
    one, or with unbalanced fences (:func:`split_divs` reports them), is one piece."""
    lines = source.split("\n")
    pieces: list[tuple[int, list[str], bool]] = [(0, [], False)]
    depth = 0
    for i, ((kind, name), line) in enumerate(zip(fences(lines), lines, strict=True)):
        if kind == "close" and depth == 0:
            return [(0, source, False)]
        if kind == "open" and depth == 0 and name == "instructor":
            pieces.append((i + 1, [], True))
        elif kind == "close" and depth == 1 and pieces[-1][2]:
            pieces.append((i + 1, [], False))
        else:
            pieces[-1][1].append(line)
        depth += {"open": 1, "close": -1}.get(kind, 0)
    if depth:
        return [(0, source, False)]
    return [_trimmed(start, body, notes) for start, body, notes in pieces
            if any(line.strip() for line in body)]


def _trimmed(start: int, body: list[str], notes: bool) -> tuple[int, str, bool]:
    """Blank lines around a piece belong to no cell."""
    while not body[0].strip():
        body, start = body[1:], start + 1
    while not body[-1].strip():
        body = body[:-1]
    return start, "\n".join(body), notes


@dataclass
class DivSplit:
    """A Markdown cell's two versions (see ``markers.SplitCell``, which it becomes)."""

    exercise: list[str] = field(default_factory=list)
    solution: list[str] = field(default_factory=list)
    exercise_lines: list[int] = field(default_factory=list)
    solution_lines: list[int] = field(default_factory=list)
    secrets: list[tuple[int, str]] = field(default_factory=list)
    public: list[str] = field(default_factory=list)

    def add(self, new: list[str], origin: int, student: bool, tag: bool = False) -> None:
        """``new`` lines from cell line ``origin``; ``tag``: lines of an HTML tag, whose
        blank line is left out after another blank line."""
        versions = [(self.solution, self.solution_lines)]
        if student:
            versions.append((self.exercise, self.exercise_lines))
        for lines, origins in versions:
            for line in new:
                if not (tag and not line and (not lines or not lines[-1])):
                    lines.append(line)
                    origins.append(origin)


def split_divs(lines: list[str]) -> DivSplit:
    """A Markdown cell with fenced divs: the answers and nested instructor notes go to
    the solution only; every div becomes an HTML ``<div>`` in the version that shows it."""
    out, stack = DivSplit(), []  # stack: (class, line) of each open div
    for i, ((kind, name), line) in enumerate(zip(fences(lines), lines, strict=True)):
        hidden = any(open_name in HIDDEN for open_name, _ in stack)
        if kind == "open":
            stack.append((name, i))
            out.add(open_tag(name), i, student=not hidden and name not in HIDDEN, tag=True)
        elif kind == "close":
            if not stack:
                raise MarkerError(f"'{line.strip()}' closes no open fenced div", line=i,
                                  hint="remove it, or open the div above with e.g. "
                                       "'::: challenge'")
            stack.pop()
            out.add(CLOSE_TAG, i, student=not hidden, tag=True)
        else:
            _no_marker(line, i)
            out.add([line], i, student=not hidden)
            if hidden and line.strip():
                out.secrets.append((i, line.strip()))
            elif not hidden:
                out.public.append(line.strip())
    if stack:
        name, line = stack[-1]
        raise MarkerError(f"fenced div '{lines[line].strip()}' is never closed", line=line,
                          hint="close it with a line of colons, ':::', after its text")
    return out


def _no_marker(line: str, lineno: int) -> None:
    """A cell reads one dialect: BEGIN/END SOLUTION among fenced divs is refused."""
    if markdown_mark(line, lineno) is not None:
        raise MarkerError(f"'{line.strip()}' in a cell with fenced divs", line=lineno,
                          hint="put the answer in a '::: solution' div instead")


NOTES = {"slideshow": {"slide_type": "notes"}}


def with_instructor_cells(cells: list, starts: list[int], path) -> list[tuple[object, int]]:
    """(cell, its first file line) for each jupytext cell, a Markdown cell's top-level
    ``::: instructor`` divs made speaker-notes cells of their own: instructor-only
    everywhere speaker notes are (exercises, student pages and decks never show them).
    The cell's own metadata goes with its first piece that is no note."""
    found = []
    for raw, start in zip(cells, starts, strict=False):
        pieces = cell_pieces(raw.source) if raw.cell_type == "markdown" else []
        if not any(notes for _, _, notes in pieces):
            found.append((raw, start))
            continue
        if {"tags", "nbgrader"} & set(raw.metadata):
            fence = next(offset for offset, _, notes in pieces if notes) - 1
            raise MarkerError("'::: instructor' in a tagged cell: the note would take the "
                              "tag's meaning", path=path, line=start + fence,
                              hint="move the instructor div to a Markdown cell of its own")
        metadata = dict(raw.metadata)
        for offset, text, notes in pieces:
            meta = NOTES if notes else metadata
            metadata = metadata if notes else {}
            found.append((nbformat.v4.new_markdown_cell(text, metadata=copy.deepcopy(meta)),
                          start + offset))
    return found
