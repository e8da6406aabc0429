"""The instructor's "Other ways to solve it" and "Mistakes to expect", under each solution.

The variants come from the lesson source (``cell.split.variants``: never in a notebook a
student gets); what each mistake's check said comes from the verification report
(``checks.variants``, run/variants.py), matched by kind, label and the file line of the
block's BEGIN marker. Only the instructor's pages call this: the student's never do.
"""

from __future__ import annotations

import copy
import re

import nbformat
from nbformat import NotebookNode

from ..source.lesson import Lesson
from ..source.transforms import cell_id
from .pages import fenced, indent

ALTERNATIVE, MISTAKE = "alternative", "mistake"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")
NO_MESSAGE = "The last verification recorded no check message for this mistake."


def add_variants(nb: NotebookNode, lesson: Lesson, run: dict | None) -> NotebookNode:
    """After the solution of each cell that declares variants (or after the cell, where
    no solution is shown), one Markdown cell with the two collapsed admonitions."""
    recorded = recorded_variants(run)
    blocks = {cell_id(cell.index): variants_markdown(cell, recorded)
              for cell in lesson.cells if cell.cell_type == "code" and cell.split.variants}
    nb = copy.deepcopy(nb)
    ids = [cell.get("id") for cell in nb.cells]
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        origin = cell.get("id", "").removesuffix("-solution")
        shown = f"{origin}-solution" in ids
        if origin in blocks and (cell.get("id") != origin or not shown):
            cells.append(nbformat.v4.new_markdown_cell(blocks.pop(origin),
                                                       id=f"{origin}-variants"))
    nb.cells = cells
    return nb


def recorded_variants(run: dict | None) -> dict[tuple, dict]:
    """(kind, label, line) → the report's entry for that variant."""
    entries = ((run or {}).get("checks") or {}).get("variants") or []
    return {(e.get("kind"), e.get("label"), e.get("line")): e
            for e in entries if isinstance(e, dict)}


def variants_markdown(cell, recorded: dict[tuple, dict]) -> str:
    alternatives = [v for v in cell.split.variants if v.kind == ALTERNATIVE]
    mistakes = [v for v in cell.split.variants if v.kind == MISTAKE]
    blocks = []
    if alternatives:
        body = "\n\n".join(fenced(v.solution, "python") for v in alternatives)
        blocks.append(f'??? tip "Other ways to solve it"\n{indent(body)}')
    if mistakes:
        body = "\n\n".join(mistake_markdown(v, recorded.get((MISTAKE, v.label,
                                                               cell.line + v.line)))
                           for v in mistakes)
        blocks.append(f'??? bug "Mistakes to expect"\n{indent(body)}')
    return "\n\n".join(blocks)


def mistake_markdown(variant, entry: dict | None) -> str:
    label = _MARKDOWN_SPECIAL.sub(r"\\\1", variant.label)
    message = (entry or {}).get("message") or ""
    said = (f"The check says:\n\n{fenced(message, 'text')}" if message.strip()
            else NO_MESSAGE)
    return f"**{label}**\n\n{fenced(variant.solution, 'python')}\n\n{said}"
