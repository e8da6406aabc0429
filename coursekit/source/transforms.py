"""Lesson → notebooks. Each step is one named ``nb → nb`` function; the two pipelines
at the bottom are ordered lists of them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import nbformat
from nbformat import NotebookNode

from ..config import Course, instructors_markdown
from ..errors import LessonFormatError
from .lesson import Lesson
from .run_values import citations, mark_citations
from .setup_cell import setup_cell

Transform = Callable[[NotebookNode, Lesson, Course], NotebookNode]

KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
_PLACEHOLDER = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")


def cell_id(index: int) -> str:
    """Ids are positional, so a cell has the same id in the exercise and the solution."""
    return f"cell-{index:03d}"


def _base(lesson: Lesson, version: str) -> NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.nbformat, nb.nbformat_minor = 4, 5
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"},
                   "course": {"lesson": lesson.stem, "title": lesson.title, "variant": version}}
    for cell in lesson.cells:
        if cell.split.ignored:  # otter's '# IGNORE' cell: in neither notebook
            continue
        if cell.split.solution_only and version == "exercise":  # the MOOC's tag
            continue
        source = cell.split.exercise if version == "exercise" else cell.split.solution
        nb.cells.append(_cell(cell.cell_type, cell_id(cell.index), source, cell.metadata))
    return nb


def _cell(cell_type: str, ident: str, source: str, metadata: dict) -> NotebookNode:
    """A code or markdown cell, as nbformat's ``new_*_cell`` makes it, minus the schema
    check those run per cell (jsonschema: most of a no-change verify's time at hundreds
    of lessons, docs/benchmarks.md); :func:`to_bytes` validates the whole notebook."""
    fields = {"cell_type": cell_type, "id": ident, "source": source,
              "metadata": json.loads(json.dumps(metadata))}
    if cell_type == "code":
        fields.update(execution_count=None, outputs=[])
    return nbformat.from_dict(fields)


def drop_solution_tags(nb: NotebookNode, lesson: Lesson, course: Course) -> NotebookNode:
    """The ``solution`` tag is solution-only metadata: students never see it."""
    for cell in nb.cells:
        tags = [t for t in cell.metadata.get("tags", []) if t != "solution"]
        if tags:
            cell.metadata["tags"] = tags
        else:
            cell.metadata.pop("tags", None)
    return nb


def mark_run_values(nb: NotebookNode, lesson: Lesson, course: Course) -> NotebookNode:
    """``{{ full.test_accuracy:.1% }}``: checked against the lesson's profiles and
    metrics, then written in the form the site fills with the run's value."""
    citations(lesson)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = mark_citations(cell.source)
    return nb


def lock_nbgrader_cells(nb: NotebookNode, lesson: Lesson, course: Course) -> NotebookNode:
    """As nbgrader releases them: a solution cell cannot be deleted, a grade or locked
    cell can be neither deleted nor edited (Jupyter's ``deletable``/``editable``)."""
    for cell in nb.cells:
        grader = cell.metadata.get("nbgrader", {})
        if grader.get("solution"):
            cell.metadata["deletable"] = False
        elif grader.get("grade") or grader.get("locked"):
            cell.metadata.update(deletable=False, editable=False)
    return nb


def fill_placeholders(nb: NotebookNode, lesson: Lesson, course: Course) -> NotebookNode:
    """``{{ course.title }}`` and friends in markdown cells, from course.yml."""
    values = {"course.title": course.title, "course.version": course.version,
              "course.repository": course.repository, "instructors": instructors_markdown(course),
              "lesson.title": lesson.title}
    origin = {cell_id(c.index): c for c in lesson.cells}
    for cell in nb.cells:
        if cell.cell_type != "markdown" or cell.id not in origin:
            continue
        for match in _PLACEHOLDER.finditer(cell.source):
            if match.group(1) not in values:
                line = origin[cell.id].line + cell.source[: match.start()].count("\n")
                raise LessonFormatError(f"unknown placeholder '{match.group(0)}'",
                                        path=lesson.path, line=line,
                                        hint=f"known: {', '.join(values)}")
        cell.source = _PLACEHOLDER.sub(lambda m: values[m.group(1)], cell.source)
    return nb


def add_colab_badge(nb: NotebookNode, lesson: Lesson, course: Course) -> NotebookNode:
    url = course.colab_url(f"exercises/{lesson.stem}.ipynb")
    badge = nbformat.v4.new_markdown_cell(f"[![Open In Colab]({BADGE_IMAGE})]({url})")
    badge.id = "colab-badge"
    nb.cells.insert(0, badge)
    return nb


def is_speaker_notes(cell) -> bool:
    """A ``slide_type: notes`` cell (a lesson's cell or a notebook's): the instructor's."""
    return cell.metadata.get("slideshow", {}).get("slide_type") == "notes"


def without_speaker_notes(cells: list) -> list:
    """Speaker notes are for the instructor: students never get them (their notebooks,
    pages and decks all drop them here)."""
    return [cell for cell in cells if not is_speaker_notes(cell)]


def drop_speaker_notes(nb: NotebookNode, lesson: Lesson, course: Course) -> NotebookNode:
    """The exercise pipeline's step: ``without_speaker_notes``."""
    nb.cells = without_speaker_notes(nb.cells)
    return nb


# Colab's own notebook metadata for "Runtime → Change runtime type → T4 GPU": a notebook
# that carries it opens on a GPU runtime (the free tier's GPU is a T4)
COLAB_GPU = {"accelerator": "GPU", "colab": {"gpuType": "T4", "provenance": []}}


def request_colab_gpu(nb: NotebookNode, lesson: Lesson, course: Course) -> NotebookNode:
    """A lesson whose header says ``accelerator: gpu`` opens on a GPU runtime in Colab:
    on its default CPU runtime minutes of training take hours."""
    if lesson.accelerator == "gpu":
        nb.metadata.update(json.loads(json.dumps(COLAB_GPU)))
    return nb


def add_setup_cell(nb: NotebookNode, lesson: Lesson, course: Course) -> NotebookNode:
    """The cell that sets the notebook up (setup_cell.py), before the first code cell."""
    first = next((i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"),
                 len(nb.cells))
    nb.cells.insert(first, setup_cell(lesson, course))
    return nb


# what students and instructors read under an exercise that no check cell proves
UNCHECKED_NOTES = {
    "manual": "**No automatic check.** A person grades this answer: compare yours with the "
              "solution when it is published, or ask your instructor.",
    "open": "**No automatic check.** This question has more than one good answer: discuss "
            "yours with your neighbours or your instructor.",
}


def is_unchecked_note(cell) -> bool:
    """The note :func:`note_unchecked` adds: for pages and notebooks, not for slides."""
    return "unchecked" in cell.metadata.get("coursekit", {})


def note_unchecked(nb: NotebookNode, lesson: Lesson, course: Course) -> NotebookNode:
    """Under each code exercise that declares no automatic check (``manual``, ``open``;
    nbgrader's manually graded answers, the MOOC's stubs), a note saying so, in both
    notebooks (so pages for students and instructors show it). Its id is not a
    ``cell-`` id: it maps to no lesson cell."""
    unchecked = {cell_id(c.index): c.unchecked for c in lesson.cells
                 if c.cell_type == "code" and c.split.has_stub and c.unchecked}
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        kind = unchecked.get(cell.get("id"))
        if kind:
            cells.append(_cell("markdown", f"unchecked-{cell.id}", UNCHECKED_NOTES[kind],
                               {"coursekit": {"unchecked": kind}}))
    nb.cells = cells
    return nb


def clear_outputs(nb: NotebookNode, lesson: Lesson, course: Course) -> NotebookNode:
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


EXERCISE_PIPELINE: list[Transform] = [drop_solution_tags, drop_speaker_notes, lock_nbgrader_cells,
                                      note_unchecked, mark_run_values, fill_placeholders,
                                      add_colab_badge, request_colab_gpu, add_setup_cell,
                                      clear_outputs]
SOLUTION_PIPELINE: list[Transform] = [note_unchecked, mark_run_values, fill_placeholders,
                                      request_colab_gpu, add_setup_cell, clear_outputs]


def exercise_notebook(lesson: Lesson, course: Course) -> NotebookNode:
    nb = _base(lesson, "exercise")
    for step in EXERCISE_PIPELINE:
        nb = step(nb, lesson, course)
    return nb


def solution_notebook(lesson: Lesson, course: Course) -> NotebookNode:
    nb = _base(lesson, "solution")
    for step in SOLUTION_PIPELINE:
        nb = step(nb, lesson, course)
    return nb


def to_bytes(nb: NotebookNode) -> bytes:
    """Canonical serialisation: validated, sorted keys, one trailing newline."""
    nbformat.validate(nb)
    text = nbformat.writes(nb)
    return (text if text.endswith("\n") else text + "\n").encode("utf-8")
