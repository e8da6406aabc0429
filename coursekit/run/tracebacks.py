"""Map an error in an executed notebook back to the line of ``content/NN_slug.py``.

IPython names the frames of cell code ``Cell In[N], line L``: ``N`` is the kernel's
execution count, ``L`` the line inside the executed source. The executed source is the
solution or the exercise version of a lesson cell, which differ from the lesson text
(markers removed, stubs inserted), so each version gets a line map back to the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..source.lesson import Cell
from ..source.markers import LINE_STUB_COMMENT
from .terminal import strip_ansi

_FRAME = re.compile(r"Cell In\[(\d+)\], line (\d+)")


def stub_line(cell: Cell) -> int:
    """The file line where the cell's first stub stands (its marker, else the cell)."""
    split = cell.split
    for text, origin in zip(split.exercise.split("\n"), split.exercise_lines, strict=False):
        if text.rstrip().endswith(LINE_STUB_COMMENT):  # a block's stub or a line stub
            return cell.line + origin
    return cell.line


def line_map(cell: Cell, version: str) -> list[int]:
    """File line (1-based) of every line of the cell's ``version`` ('solution'/'exercise').

    The marker parser records where each line of either version comes from, whatever the
    dialect (nbgrader, otter, hidden tests, prompts): a stub maps to its BEGIN marker."""
    origins = cell.split.exercise_lines if version == "exercise" else cell.split.solution_lines
    return [cell.line + origin for origin in origins]


@dataclass(frozen=True)
class Executed:
    """What the kernel ran under one execution count."""

    cell: Cell | None  # None: code the lesson file does not contain (injected parameters)
    version: str


@dataclass(frozen=True)
class Location:
    cell: Cell | None
    line: int | None


def locate(error: dict, ran: dict[int, Executed], failing: Executed) -> Location:
    """The innermost lesson frame of ``error`` (an nbformat error output).

    ``ran`` maps execution counts to what ran; ``failing`` is the cell that raised, the
    fallback when no frame points into the lesson (a SyntaxError, an error in the kernel).
    """
    text = strip_ansi("\n".join(error.get("traceback", [])))
    for count, line in reversed(_FRAME.findall(text)):
        executed = ran.get(int(count))
        if executed is None or executed.cell is None:
            continue
        lines = line_map(executed.cell, executed.version)
        index = int(line) - 1
        if 0 <= index < len(lines):
            return Location(executed.cell, lines[index])
    if failing.cell is None:
        return Location(None, None)
    return Location(failing.cell, failing.cell.line)
