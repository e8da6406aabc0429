"""Solutions too long for one slide: the instructor's deck continues them on the next.

An exercise's slide has room for its heading, the solution and the countdown; a longer
solution (a whole function, a seven-item answer list) is cut into parts that each fit a
slide (an estimate of the room it takes at the deck's sizes, deck.css), at a place that
leaves every part readable on its own: before a statement, a paragraph or a list item. The
first part takes the stub's place on the exercise's slide, the others follow on slides of
their own, each hidden as the first is until the answer key (``A``) shows it; a solution
shown when the presenter moves on stays shown on its continuation (deck.js). The fit check
measures every part. The speaker notes keep the whole solution.
"""

from __future__ import annotations

import ast
import copy
import re

import nbformat
from nbformat import NotebookNode

from ..source.slide_room import CODE_LINE_PX, line_px

# room for a solution on a slide, in slide pixels (1280×720 less the padding, the
# heading, the "Solution" label and the countdown: deck.css); what a line takes is
# source/slide_room.py's
ROOM_PX = 440
CONTINUES = "ck-solution-continues"  # deck.js carries a shown answer onto such a slide
_BLOCK_START = re.compile(r"^ {0,3}(\d{1,9}[.)]|[-+*]) |^ {0,3}#")
_ORDERED = re.compile(r"^( {0,3})(\d{1,9})([.)]) ")


def room_beside(cells: list) -> int:
    """The room a solution has on a slide that also shows ``cells`` (its first heading
    and what the answer key hides aside), in slide pixels; at least a few lines."""
    used, heading = 0, True
    for cell in cells:
        if cell.get("metadata", {}).get("coursekit", {}).get("swap") == "out":
            continue
        code = cell.cell_type == "code"
        for line in cell.source.split("\n"):
            if heading and line.startswith("#") and not code:
                heading = False  # the slide's heading is counted in ROOM_PX
            elif line.strip():
                used += line_px(line, code)
    return max(ROOM_PX - used, 4 * CODE_LINE_PX)


def split_solution(answer: NotebookNode, room: int = ROOM_PX) -> list[NotebookNode]:
    """``answer`` (a deck cell) as one cell per slide, the first in ``room`` pixels;
    one cell when it fits."""
    code = answer.cell_type == "code"
    lines = answer.source.split("\n")
    cuts = _code_cuts(answer.source) if code else _text_cuts(lines)
    parts, start, used = [], 0, 0
    for number, line in enumerate(lines):
        height = line_px(line, code)
        if used + height > room and number > start:
            cut = _best_cut(cuts, start, number, lines)
            parts.append(lines[start:cut])
            start, used = cut, sum(line_px(x, code) for x in lines[cut:number])
            room = ROOM_PX  # a continuation has the slide to itself
        used += height
    parts.append(lines[start:])
    return [_part(answer, part, n, lines[:sum(len(p) for p in parts[:n])])
            for n, part in enumerate(parts)]


def _best_cut(cuts: set[int], start: int, end: int, lines: list[str]) -> int:
    """The line the part after ``start`` ends before, no later than ``end``: in the window's
    second half, the least indented place to cut (between a function's statements rather
    than inside a loop), the latest of those; else the latest place; else ``end``."""
    window = [c for c in cuts if start < c <= end]
    late = [c for c in window if c >= (start + end) / 2] or window
    if not late:
        return end
    return max(late, key=lambda c: (-(len(lines[c]) - len(lines[c].lstrip())), c))


def continuation(number: int, part: int, ident: str) -> NotebookNode:
    """The visible line that opens a continuation slide (its solution stays hidden)."""
    return nbformat.v4.new_markdown_cell(
        f'<p class="{CONTINUES}">Solution to exercise {number}, continued ({part + 1})</p>',
        id=f"{ident}-continues{part}")


def _part(answer: NotebookNode, lines: list[str], number: int,
          before: list[str]) -> NotebookNode:
    cell = copy.deepcopy(answer)
    text = "\n".join(lines).strip("\n")
    if number:
        cell.id = f"{answer.id}-part{number}"
        if answer.cell_type == "markdown":
            text = _keep_numbering(text, before)
    cell.source = text
    return cell


def _code_cuts(source: str) -> set[int]:
    """0-based lines before which a part may start: where a statement starts (at any
    depth, so a long function is cut between its statements), else at blank lines."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {n for n, line in enumerate(source.split("\n")) if not line.strip()}
    starts = {node.lineno - 1 for node in ast.walk(tree) if isinstance(node, ast.stmt)}
    for node in ast.walk(tree):  # a decorator goes with its function
        for decorator in getattr(node, "decorator_list", []):
            starts.discard(node.lineno - 1)
            starts.add(decorator.lineno - 1)
    return starts


def _text_cuts(lines: list[str]) -> set[int]:
    """Where a paragraph, a list item or a heading starts; never inside fenced code."""
    cuts, fenced = set(), False
    for number, line in enumerate(lines):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            if fenced:
                cuts.add(number)
            continue
        after_blank = number and not lines[number - 1].strip()
        if not fenced and line.strip() and (after_blank or _BLOCK_START.match(line)):
            cuts.add(number)
    return cuts


def _keep_numbering(text: str, before: list[str]) -> str:
    """A numbered list cut in two goes on counting: its items keep their numbers (as
    an HTML list, since Markdown renumbers a list from its first item)."""
    first = _ORDERED.match(text)
    if not first or not any(_ORDERED.match(line) for line in before):
        return text
    count = sum(1 for line in before if _ORDERED.match(line))
    items, rest = [], text.split("\n")
    for line in rest:
        if _ORDERED.match(line):
            items.append(line[_ORDERED.match(line).end():])
        elif items and line.strip():
            items[-1] += " " + line.strip()
        elif line.strip():
            return text  # more than a list: left as it is
    listed = "\n".join(f'<li markdown="1">{item}</li>' for item in items)
    return f'<ol start="{count + 1}" markdown="1">\n{listed}\n</ol>'
