"""Exercises no program checks: ``tags=["manual"]`` (a person grades it) and
``tags=["open"]`` (no single answer). Declared, they need no check cell, are never paired
with a later exercise's check, and say so to students and instructors."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, lesson_source
from coursekit.config import load_course
from coursekit.errors import LessonFormatError
from coursekit.publish.deck_view import deck_view
from coursekit.publish.pages import render_notes
from coursekit.publish.slides import render_deck
from coursekit.publish.student_view import notes_notebook
from coursekit.run.contract import plan, unchecked
from coursekit.source.lesson import read_lesson
from coursekit.source.transforms import UNCHECKED_NOTES, exercise_notebook, solution_notebook
from test_mooc_dialect import mooc_lesson

COURSE = load_course(ROOT / "course.yml")
LESSON = lesson_source('''
    # %% tags=["manual"]
    def describe(curve):
        ### BEGIN SOLUTION
        return "it falls, then flattens"
        ### END SOLUTION

    # %% tags=["open"]
    favourite = 42  # SOLUTION

    # %%
    def square(x):
        ### BEGIN SOLUTION
        return x * x
        ### END SOLUTION

    # %% tags=["check"]
    assert square(3) == 9
''')


def write(tmp_path: Path, text: str = LESSON) -> Path:
    path = tmp_path / "01_unchecked.py"
    path.write_text(text, encoding="utf-8")
    return path


def test_declared_exercises_get_no_check_and_take_none_from_a_later_one(tmp_path):
    lesson = read_lesson(write(tmp_path))
    probes = plan(lesson)
    assert [(p.stub.index, p.declared, p.check and p.check.index) for p in probes] == [
        (0, "manual", None), (1, "open", None), (2, "", 3)]
    assert unchecked(lesson, probes, tmp_path) == []
    # the same stubs undeclared: the first two would be paired with square's check
    bare = read_lesson(write(tmp_path, LESSON.replace(' tags=["manual"]', "")
                             .replace(' tags=["open"]', "")))
    assert [p.check and p.check.index for p in plan(bare)] == [3, 3, 3]


def test_both_notebooks_say_there_is_no_automatic_check(tmp_path):
    lesson = read_lesson(write(tmp_path))
    for nb in (exercise_notebook(lesson, COURSE), solution_notebook(lesson, COURSE)):
        ids = [cell.id for cell in nb.cells if cell.id.startswith(("cell-", "unchecked-"))]
        assert ids == ["cell-000", "unchecked-cell-000", "cell-001", "unchecked-cell-001",
                       "cell-002", "cell-003"]
        notes = {c.id: c.source for c in nb.cells if c.id.startswith("unchecked-")}
        assert notes == {"unchecked-cell-000": UNCHECKED_NOTES["manual"],
                         "unchecked-cell-001": UNCHECKED_NOTES["open"]}


def test_student_and_instructor_pages_show_the_note(tmp_path):
    lesson = read_lesson(write(tmp_path))
    exercise = exercise_notebook(lesson, COURSE)
    solution = solution_notebook(lesson, COURSE)
    for instructor in (False, True):
        page, _ = render_notes(notes_notebook(exercise, solution, None, False, instructor),
                               "01_unchecked")
        assert "**No automatic check.** A person grades this answer" in page
        assert "more than one good answer" in page
        assert ("it falls, then flattens" in page) == instructor


def test_the_deck_leaves_the_note_out(tmp_path):
    """On a slide the note would pose as the next exercise's task."""
    lesson = read_lesson(write(tmp_path, LESSON.replace(
        "# %%\ndef square", "# %% [markdown]\n# Square a number.\n\n# %%\ndef square")))
    exercise = exercise_notebook(lesson, COURSE)
    deck = render_deck(deck_view(exercise, solution_notebook(lesson, COURSE), None), "x")
    assert "No automatic check" not in deck and "Square a number." in deck


def test_the_moocs_solution_only_cells_reach_instructors_only(tmp_path):
    lesson = read_lesson(mooc_lesson(tmp_path))
    exercise = exercise_notebook(lesson, COURSE)
    solution = solution_notebook(lesson, COURSE)
    pages = {instructor: render_notes(notes_notebook(exercise, solution, None, False,
                                                     instructor), "01_knn")[0]
             for instructor in (False, True)}
    answer = "We can see that the default value for `n_neighbors` is 5."
    assert answer not in pages[False] and answer in pages[True]
    assert pages[False].count("No automatic check.") == 5  # the MOOC's five open stubs


def test_both_tags_are_refused(tmp_path):
    path = write(tmp_path, LESSON.replace('tags=["manual"]', 'tags=["manual", "open"]'))
    with pytest.raises(LessonFormatError) as info:
        read_lesson(path)
    assert "either 'manual' or 'open'" in info.value.message
    assert path.read_text().split("\n")[info.value.line - 1].startswith("# %% tags=")


def test_a_tag_on_a_cell_that_hides_nothing_is_refused(tmp_path):
    path = write(tmp_path, LESSON + '\n# %% tags=["open"]\nprint("no answer here")\n')
    with pytest.raises(LessonFormatError) as info:
        read_lesson(path)
    assert "'open' tag on a cell that is not an exercise" in info.value.message
    assert path.read_text().split("\n")[info.value.line - 1] == '# %% tags=["open"]'
