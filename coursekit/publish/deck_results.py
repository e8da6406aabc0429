"""What a slide's cells produce, and where the deck shows it (issue 21 items 1 and 2).

* **Figures first**: a cell that draws a figure shows the figure on its slide, not the
  plotting code (the notebooks and the notes page have it); ``code_on_slide=true`` on the
  cell's marker line keeps the code on the slide.
* **No empty promises**: what the cells behind a slide print or draw (cells the deck does
  not show: unmarked or ``skip`` code after a shown slide) is on that slide or on the next,
  a continuation under the same heading, never dropped. A long text result shows its last
  lines (the end of a training log is its result; the notes page has every line).

Whether a result still fits beside what the slide has is estimated in lines of slide code
(22 px): a deterministic guess, so that the deck is the same on every build. The fit check
(deck_check.py) measures the real layout and names the lesson line where the guess fails.
"""

from __future__ import annotations

import copy
import math

import nbformat
from nbformat import NotebookNode

IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")
SLIDE_LINES = 18     # lines of 22 px code a 1280×720 slide holds under its heading
FIGURE_BESIDE = 5    # a figure shares its slide with a heading and two lines of prose (or
                     # three of code) at most
FIGURE_LINES = 12    # what a figure takes, counted in lines (≥ 55 % of the slide's height)
RESULT_LINES = 10    # a longer text result shows its last lines on the slide
PROSE_CHARS = 85     # characters of 26 px prose on one line of the slide
PROSE_LINE = 1.25    # a line of prose is this many lines of code high
HEADING_LINES = 1.6
NOT_RESULTS = ("check", "metrics", "parameters")  # tags of cells whose output is no result
CONTINUED = " (continued)"


def figures(cell: NotebookNode) -> list:
    return [output for output in cell.get("outputs", []) if is_figure(output)]


def is_figure(output: dict) -> bool:
    return any(kind in output.get("data", {}) for kind in IMAGE_TYPES)


def results(cell: NotebookNode) -> list:
    """The outputs of a code cell that a slide should show: what it printed (not its
    warnings), displayed or drew; not machine-read JSON (metrics)."""
    if cell.cell_type != "code" or set(cell.metadata.get("tags", [])) & set(NOT_RESULTS):
        return []
    shown = []
    for output in cell.get("outputs", []):
        kind = output.get("output_type")
        if kind == "stream" and output.get("name") == "stdout" and output.text.strip():
            shown.append(output)
        elif kind in ("display_data", "execute_result") and _visible(output):
            shown.append(output)
    return shown


def _visible(output: dict) -> bool:
    data = output.get("data", {})
    if is_figure(output) or "text/html" in data or "text/markdown" in data:
        return True
    return bool(str(data.get("text/plain", "")).strip()) and "application/json" not in data


def figures_first(cell: NotebookNode, code_shown: set) -> None:
    """A cell with a figure shows the figure, not its code (unless the lesson asks)."""
    if figures(cell) and cell.get("id") not in code_shown:
        cell.metadata["transient"] = {"remove_source": True}


def trimmed(output: dict) -> dict:
    """A text output cut to its last RESULT_LINES lines, saying how many went where."""
    output = copy.deepcopy(output)
    if output.get("output_type") != "stream":
        return output
    lines = output.text.rstrip("\n").split("\n")
    if len(lines) > RESULT_LINES + 2:  # (a note in place of a line or two saves nothing)
        left = len(lines) - RESULT_LINES
        output.text = (f"… {left} earlier lines: see the notes page\n"
                       + "\n".join(lines[-RESULT_LINES:]) + "\n")
    return output


def lines_of(cell: NotebookNode) -> float:
    """How much of a slide ``cell`` takes, in lines of slide code (an estimate)."""
    if cell.cell_type == "markdown":
        return _markdown_lines(cell.source)
    total = 0.0
    if not cell.metadata.get("transient", {}).get("remove_source"):
        total += cell.source.count("\n") + 1
    for output in cell.get("outputs", []):
        if is_figure(output):
            total += FIGURE_LINES
        elif output.get("output_type") == "stream":
            total += output.text.rstrip("\n").count("\n") + 1
        else:
            total += str(output.get("data", {}).get("text/plain", "")).count("\n") + 1
    return total


def _markdown_lines(source: str) -> float:
    total, paragraph = 0.0, ""
    for line in source.split("\n") + [""]:
        if line.startswith("#"):
            total += HEADING_LINES
        elif line.strip():
            paragraph += " " + line.strip()
            continue
        if paragraph:
            total += math.ceil(len(paragraph) / PROSE_CHARS) * PROSE_LINE
            paragraph = ""
    return total


def heading_of(cell: NotebookNode | None) -> str:
    """The first heading's text of a markdown cell, or ''."""
    if cell is None or cell.cell_type != "markdown":
        return ""
    line = next((line for line in cell.source.split("\n") if line.startswith("#")), "")
    return line.lstrip("#").strip().removesuffix(CONTINUED)


def chunks(outputs: list) -> list[list]:
    """Outputs in runs of text and single figures: each run is placed on its own."""
    runs: list[list] = []
    for output in outputs:
        if is_figure(output) or not runs or is_figure(runs[-1][-1]):
            runs.append([output])
        else:
            runs[-1].append(output)
    return runs


def shown_cell(cell: NotebookNode, outputs: list, part: int) -> NotebookNode:
    """A copy of ``cell`` with only ``outputs`` (long text trimmed) and no code."""
    shown = copy.deepcopy(cell)
    shown.id = f"{cell.id}-result{part}" if part else cell.id
    shown.outputs = [trimmed(output) for output in outputs]
    shown.metadata = {"transient": {"remove_source": True}}
    if cell.metadata.get("caption"):  # the alt text the lesson wrote for these figures
        shown.metadata["caption"] = cell.metadata["caption"]
    return shown


def continuation(title: str, cell_id: str, part: int) -> NotebookNode:
    text = f"### {title}{CONTINUED}" if title else ""
    # its heading repeats the section's: figures under it keep the section's alt text
    return nbformat.v4.new_markdown_cell(text, id=f"{cell_id}-continued{part}",
                                         metadata={"coursekit": {"continued": True}})
