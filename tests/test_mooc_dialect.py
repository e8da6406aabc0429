"""The scikit-learn MOOC's marker convention (``markers: scikit-learn-mooc``), against the
MOOC's own files: its exercise, cell for cell, from its solution (fixture pair and its
licence: tests/fixtures/imports/mooc/README.md)."""

from __future__ import annotations

from pathlib import Path

import jupytext
import pytest

from conftest import ROOT, lesson_source
from coursekit.config import load_course
from coursekit.errors import LessonFormatError, MarkerError
from coursekit.source.leaks import lesson_secrets, scan_notebook
from coursekit.source.lesson import read_lesson
from coursekit.source.markers import split_cell
from coursekit.source.transforms import exercise_notebook, solution_notebook

MOOC = Path(__file__).parent / "fixtures" / "imports" / "mooc"
SOL, EX = MOOC / "02_numerical_pipeline_sol_00.py", MOOC / "02_numerical_pipeline_ex_00.py"
COURSE = load_course(ROOT / "course.yml")
DECLARED = "#   course:\n#     title: Exercise M1.02\n#     markers: scikit-learn-mooc\n# ---"


def mooc_lesson(tmp_path: Path, declared: bool = True) -> Path:
    """The MOOC's solution script as it is, plus a course: block."""
    head = DECLARED if declared else DECLARED.replace("#     markers: scikit-learn-mooc\n", "")
    text = SOL.read_text(encoding="utf-8").replace("#     name: python3\n# ---",
                                                   "#     name: python3\n" + head, 1)
    path = tmp_path / "01_knn.py"
    path.write_text(text, encoding="utf-8")
    return path


def lesson_cells(nb) -> list[str]:
    return [cell.source for cell in nb.cells if cell.id.startswith("cell-")]


def test_the_exercise_equals_the_moocs_own_cell_for_cell(tmp_path):
    lesson = read_lesson(mooc_lesson(tmp_path))
    assert lesson_cells(exercise_notebook(lesson, COURSE)) == \
        [cell.source for cell in jupytext.read(EX).cells]


def test_the_solution_keeps_every_cell_and_the_answers_are_secrets(tmp_path):
    path = mooc_lesson(tmp_path)
    lesson = read_lesson(path)
    solution = lesson_cells(solution_notebook(lesson, COURSE))
    assert len(solution) == len(jupytext.read(SOL).cells) == 19
    assert "model = KNeighborsClassifier(n_neighbors=50)" in solution
    assert "We can see that the default value for `n_neighbors` is 5." in solution
    assert solution[0].startswith("# \N{PAGE WITH CURL} Solution for Exercise M1.02")
    # were the stripper to let either kind through, the scanner would name its line
    leaked = {"cells": [{"source": "model.fit(data, target)"},
                        {"source": "first_target_values = target.iloc[:10]"}]}
    found = {leak.secret.line for leak in scan_notebook(lesson_secrets(lesson), leaked, "x")}
    lines = path.read_text(encoding="utf-8").split("\n")
    assert {lines.index("model.fit(data, target)") + 1,
            lines.index("first_target_values = target.iloc[:10]") + 1} <= found


def test_without_the_declaration_the_error_names_the_dialect_not_our_line_marker(tmp_path):
    path = mooc_lesson(tmp_path, declared=False)
    with pytest.raises(MarkerError) as info:
        read_lesson(path)
    err = info.value
    assert path.read_text(encoding="utf-8").split("\n")[err.line - 1] == "# solution"
    assert "scikit-learn MOOC's marker" in err.message
    assert "markers: scikit-learn-mooc" in err.hint and "# SOLUTION (at the end" not in err.hint


def test_an_unknown_dialect_names_its_header_line(tmp_path):
    path = tmp_path / "01_x.py"
    path.write_text(lesson_source("# %%\nx = 1\n").replace(
        "#     title: A tiny lesson", "#     title: A tiny lesson\n#     markers: sklearn-mooc"))
    with pytest.raises(LessonFormatError) as info:
        read_lesson(path)
    lines = path.read_text().split("\n")
    assert lines[info.value.line - 1] == "#     markers: sklearn-mooc"
    assert "did you mean 'scikit-learn-mooc'" in info.value.hint


@pytest.mark.parametrize("source, exercise", [
    # the MOOC's build keeps what comes before the marker, blank lines included
    ("x = 1\n\n# solution\ny = 2", "x = 1\n\n# Write your code here."),
    # 'solution' at the start of the line is the marker, whatever follows it
    ("# solution: a loop\nfor i in range(3):\n    print(i)", "# Write your code here."),
    # our markers still work before the MOOC's line
    ("### BEGIN SOLUTION\na = 1\n### END SOLUTION\n# solution\nb = 2",
     "# YOUR CODE HERE\nraise NotImplementedError()\n# Write your code here."),
])
def test_the_marker_line_as_the_moocs_build_reads_it(source, exercise):
    split = split_cell(source, "code", dialect="scikit-learn-mooc")
    assert split.exercise == exercise
    assert "# solution" not in split.solution


def test_an_indented_marker_is_refused_not_kept():
    """The MOOC's build would keep it, answer and all, in the exercise."""
    with pytest.raises(MarkerError) as info:
        split_cell("def f():\n    # solution\n    return 1", "code", dialect="scikit-learn-mooc")
    assert info.value.line == 1 and "start of a line" in info.value.message


def test_a_tagged_cell_vanishes_from_the_exercise_but_not_from_the_solution():
    for cell_type in ("code", "markdown"):
        split = split_cell("answer = 42", cell_type, solution_tag=True,
                           dialect="scikit-learn-mooc")
        assert (split.solution_only, split.solution) == (True, "answer = 42")
        assert split.secrets == [(0, "answer = 42")]
