"""The student's view of a lesson with its verified outputs: what notes pages and decks render.

Sources come from the exercise notebook (stubs, never solutions); outputs come from the
executed solution notebook, matched by cell id, and only where the cell's source is the
same in both. A cell that differs is either a stub (its output would show the solution's
result) or was edited since the verification (its output is stale): either way, no output.
Each step is one ``nb → nb`` function, like the notebook pipelines in ``transforms.py``.
"""

from __future__ import annotations

import copy
import re

from nbconvert.preprocessors import CoalesceStreamsPreprocessor
from nbformat import NotebookNode

from ..run.terminal import strip_ansi
from ..source.setup_cell import CELL_ID as SETUP_CELL
from ..source.transforms import is_speaker_notes, without_speaker_notes
from .figure_alt import cell_alts
from .safe_outputs import safe_outputs

BADGE_CELL = "colab-badge"  # the page has its own Colab button; the badge image is remote
# cells for the notebook's reader only: the page has its own Colab button (the badge image
# is remote) and its own Setup page (the setup cell installs and checks a runtime)
NOTEBOOK_ONLY = (BADGE_CELL, SETUP_CELL)
# cell metadata the notes template reads: {"solution": true}, {"notes": true}, {"alt": …}
SOLUTION_KEY = "coursekit"
# long logs (a training run prints a line per epoch) keep their head and tail
MAX_LOG_LINES = 30
KEEP_HEAD, KEEP_TAIL = 8, 12
# a label line: "===== temperature 0.6 =====", "--- sample 2 ---"
LABEL = re.compile(r"^\s*(={3,}|-{3,})\s*(\S.*?)\s*\1\s*$")


def ran_cells(executed: NotebookNode | None) -> dict[str, NotebookNode]:
    """The executed notebook's cells by id, its outputs made safe to publish: the one
    door through which outputs reach pages, decks and the bundle (safe_outputs.py)."""
    return {cell.get("id"): cell for cell in safe_outputs(executed).cells} if executed else {}


def merge_outputs(exercise: NotebookNode, executed: NotebookNode | None) -> NotebookNode:
    """Exercise sources + executed outputs where the source is identical.

    A check cell after a stub keeps no output either: it ran against the solution, and
    "Exercise 1 passed." under a stub tells the student something false."""
    ran_by_id = ran_cells(executed)
    nb = copy.deepcopy(exercise)
    nb.cells = [cell for cell in nb.cells if cell.get("id") not in NOTEBOOK_ONLY]
    stub_pending = False  # a stub since the last check cell
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        ran = ran_by_id.get(cell.id)
        same = ran is not None and ran.cell_type == "code" and ran.source == cell.source
        is_check = "check" in cell.metadata.get("tags", [])
        if same and not (is_check and stub_pending):
            cell.outputs = copy.deepcopy(ran.outputs)
            cell.execution_count = ran.get("execution_count")
        else:
            cell.outputs, cell.execution_count = [], None
        stub_pending = (stub_pending or (ran is not None and not same)) and not is_check
    return nb


def with_speaker_notes(exercise: NotebookNode, solution: NotebookNode) -> NotebookNode:
    """The exercise with the solution's speaker-notes cells back in their places (the
    exercise notebooks drop them; ids are positional, so the order is the solution's),
    and the cells only the solution has (the MOOC's ``solution`` tag), marked as
    solutions."""
    nb = copy.deepcopy(exercise)
    by_id = {cell.get("id"): cell for cell in nb.cells}
    badge = [cell for cell in nb.cells if cell.get("id") == BADGE_CELL]
    nb.cells = badge + [by_id[cell.id] if cell.id in by_id else _instructor_only(cell)
                        for cell in solution.cells]
    return nb


def _instructor_only(cell: NotebookNode) -> NotebookNode:
    extra = copy.deepcopy(cell)
    if not is_speaker_notes(cell):
        extra.metadata = {SOLUTION_KEY: {"solution": True}}
    return extra


def mark_speaker_notes(nb: NotebookNode) -> NotebookNode:
    """Instructor pages show each speaker-notes cell as an admonition."""
    for cell in nb.cells:
        if is_speaker_notes(cell):
            cell.metadata.setdefault(SOLUTION_KEY, {})["notes"] = True
    return nb


def drop_speaker_notes(nb: NotebookNode) -> NotebookNode:
    """A copy of ``nb`` for students' eyes (the rule: transforms.without_speaker_notes)."""
    nb = copy.deepcopy(nb)
    nb.cells = without_speaker_notes(nb.cells)
    return nb


def add_figure_alt(nb: NotebookNode) -> NotebookNode:
    """Alt text of each cell's figures, for the notes template."""
    for cell, alt in cell_alts(nb.cells):
        cell.metadata.setdefault(SOLUTION_KEY, {})["alt"] = alt
    return nb


def add_solutions(nb: NotebookNode, solution: NotebookNode,
                  executed: NotebookNode | None) -> NotebookNode:
    """After each cell whose solution differs, the solution cell, marked for a collapsed block.

    Only called when course.yml publishes solutions; its outputs are the verified ones.
    """
    solved = {cell.get("id"): cell for cell in solution.cells}
    ran_by_id = ran_cells(executed)
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        answer = solved.get(cell.get("id"))
        if answer is None or answer.source == cell.source:
            continue
        extra = copy.deepcopy(answer)
        extra.id = f"{cell.id}-solution"
        extra.metadata = {SOLUTION_KEY: {"solution": True}}
        if extra.cell_type == "code":
            ran = ran_by_id.get(cell.id)
            same = ran is not None and ran.source == answer.source
            extra.outputs = copy.deepcopy(ran.outputs) if same else []
            extra.execution_count = ran.get("execution_count") if same else None
        cells.append(extra)
    nb.cells = cells
    return nb


def clean_logs(nb: NotebookNode) -> NotebookNode:
    """Streams merged (nbconvert), progress bars resolved, colours dropped, long logs trimmed."""
    nb, _ = CoalesceStreamsPreprocessor().preprocess(nb, {})
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                output.text = trim_lines(resolve_overwrites(strip_ansi(output.text)))
    return nb


def resolve_overwrites(text: str) -> str:
    """What a terminal shows after ``\\r`` and ``\\b`` (progress bars redraw their line)."""
    lines, line, col = [], [], 0
    for char in text:
        if char == "\n":
            lines.append("".join(line).rstrip())
            line, col = [], 0
        elif char == "\r":
            col = 0
        elif char == "\b":
            col = max(0, col - 1)
        else:
            if col < len(line):
                line[col] = char
            else:
                line.append(char)
            col += 1
    if line:
        lines.append("".join(line).rstrip())
    return "\n".join(lines) + ("\n" if text.endswith("\n") else "")


def trim_lines(text: str) -> str:
    """Long logs keep their head and tail. A labelled block (a line like
    ``===== temperature 0.6 =====`` and what follows it up to the next label) is a result
    the lesson shows on purpose: it is never cut, only an unlabelled stretch is."""
    (label, head), *labelled = labelled_blocks(text)
    if label is not None:
        return text
    return _trim(head) + "".join(label + body for label, body in labelled)


def _trim(text: str) -> str:
    lines = text.split("\n")
    if len(lines) <= MAX_LOG_LINES:
        return text
    hidden = len(lines) - KEEP_HEAD - KEEP_TAIL
    return "\n".join(lines[:KEEP_HEAD] + [f"… ({hidden} lines trimmed) …"]
                     + lines[-KEEP_TAIL:])


def labelled_blocks(text: str) -> list[tuple[str | None, str]]:
    """``text`` cut before each label line: (label line with its newline, the text after
    it). The first block's label is None when the text does not start with a label."""
    # lines gathered in lists and joined once: adding each line to a string made a long
    # log's page cost grow with the square of its length
    gathered: list[tuple[str | None, list[str]]] = [(None, [])]
    for line in text.splitlines(keepends=True):
        if LABEL.match(line):
            gathered.append((line, []))
        else:
            gathered[-1][1].append(line)
    blocks = [(label, "".join(lines)) for label, lines in gathered]
    if blocks[0] == (None, "") and len(blocks) > 1:
        blocks.pop(0)
    return blocks


def notes_notebook(exercise: NotebookNode, solution: NotebookNode,
                   executed: NotebookNode | None, publish_solutions: bool,
                   instructor: bool = False) -> NotebookNode:
    """The page's notebook: the student's never has speaker notes; the instructor's has
    them as admonitions, and always the solutions."""
    if instructor:
        nb = mark_speaker_notes(merge_outputs(with_speaker_notes(exercise, solution),
                                              executed))
    else:
        nb = merge_outputs(drop_speaker_notes(exercise), executed)
    if publish_solutions or instructor:
        nb = add_solutions(nb, solution, executed)
    return add_figure_alt(clean_logs(nb))

