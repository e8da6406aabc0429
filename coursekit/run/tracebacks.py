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
from ..source.markers import BEGIN, CODE_STUB, END, has_markers

_LINE_MARKER = re.compile(r"#\s*SOLUTION\s*$")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_FRAME = re.compile(r"Cell In\[(\d+)\], line (\d+)")


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


def _is_block_marker(line: str) -> bool:
    # markers.py only accepts BEGIN/END as a comment alone on its line
    stripped = line.strip()
    return stripped.startswith("#") and (BEGIN in stripped or END in stripped)


def stub_line(cell: Cell) -> int:
    """The file line where the cell's first stub begins (its marker, else the cell)."""
    for offset, line in enumerate(cell.source.split("\n")):
        if (_is_block_marker(line) and BEGIN in line) or _LINE_MARKER.search(line):
            return cell.line + offset
    return cell.line


def line_map(cell: Cell, version: str) -> list[int]:
    """File line (1-based) of every line of the cell's ``version`` ('solution'/'exercise')."""
    lines = cell.source.split("\n")
    stub_len = len(CODE_STUB)
    if "solution" in cell.tags and not has_markers(cell.source):
        # a whole-cell solution: the exercise is only the stub, placed at the cell's start
        if version == "exercise":
            return [cell.line] * stub_len
        return list(range(cell.line, cell.line + len(lines)))
    mapped: list[int] = []
    inside = False
    for offset, line in enumerate(lines):
        number = cell.line + offset
        if _is_block_marker(line):
            if BEGIN in line and version == "exercise":
                mapped += [number] * stub_len  # the stub stands where the block began
            inside = BEGIN in line
        elif not (inside and version == "exercise"):
            mapped.append(number)
    return mapped


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
