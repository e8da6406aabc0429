"""nbgrader's cell metadata (``# %% nbgrader={...}``, as jupytext writes it): solution
cells hidden as nbgrader hides them, grade cells as check cells, and metadata that would
hide nothing refused with the file and line of the cell."""

from __future__ import annotations

import json

import pytest

from conftest import lesson_source, make_course, snapshot
from coursekit.cli import main
from coursekit.errors import MarkerError
from coursekit.source.leaks import lesson_secrets, scan_notebook
from coursekit.source.lesson import read_lesson
from coursekit.source.markers import split_cell

SOLUTION = '{"grade": false, "grade_id": "squares", "locked": false, "schema_version": 3, ' \
    '"solution": true}'
TEST = '{"grade": true, "grade_id": "test_squares", "locked": false, "points": 2, ' \
    '"schema_version": 3, "solution": false}'
ANSWER = '{"grade": true, "grade_id": "why", "locked": false, "points": 1, ' \
    '"schema_version": 3, "solution": true}'

LESSON = lesson_source(f'''
    # %% nbgrader={SOLUTION}
    def squares(n):
        return [i * i for i in range(1, n + 1)]

    # %% nbgrader={TEST}
    assert squares(3) == [1, 4, 9]

    # %% [markdown] nbgrader={ANSWER}
    # The list grows quadratically with its last element.
''')


def build(root, capsys) -> tuple[int, str]:
    code = main(["--root", str(root), "notebooks"])
    return code, capsys.readouterr().err


def test_marker_less_answers_never_reach_the_exercise(tmp_path, capsys):
    root = make_course(tmp_path / "c", {"01_squares": LESSON})
    code, err = build(root, capsys)
    assert code == 0, err
    exercise = json.loads((root / "exercises/01_squares.ipynb").read_text())
    solution = json.loads((root / "solutions/01_squares.ipynb").read_text())
    # the lesson's own cells (ids cell-NNN), not coursekit's badge and setup cell
    cells = [c for c in exercise["cells"] if c["id"].startswith("cell-")]
    solved = [c for c in solution["cells"] if c["id"].startswith("cell-")]
    assert ["".join(c["source"]) for c in cells] == [
        "# YOUR CODE HERE\nraise NotImplementedError()",
        "assert squares(3) == [1, 4, 9]",
        "YOUR ANSWER HERE"]
    assert "return [i * i for i in range(1, n + 1)]" in "".join(solved[0]["source"])
    test = cells[1]["metadata"]
    assert test["tags"] == ["check"] and test["nbgrader"]["points"] == 2
    assert (test["deletable"], test["editable"]) == (False, False)


def test_the_scanner_knows_the_hidden_answers(tmp_path):
    """Were the stripper to let a marker-less answer through, the scanner would see it."""
    path = tmp_path / "01_squares.py"
    path.write_text(LESSON)
    secrets = lesson_secrets(read_lesson(path))
    assert {s.text for s in secrets} >= {"return [i * i for i in range(1, n + 1)]",
                                         "The list grows quadratically with its last element."}
    leaked = {"cells": [{"source": "    return [i * i for i in range(1, n + 1)]"}]}
    assert [leak.secret.line for leak in scan_notebook(secrets, leaked, "x.ipynb")] == [
        LESSON.split("\n").index("    return [i * i for i in range(1, n + 1)]") + 1]


def test_regions_in_a_solution_cell_keep_the_rest(tmp_path):
    source = LESSON.replace("    return [i * i", "    ### BEGIN SOLUTION\n    return [i * i"
                            ).replace("n + 1)]\n", "n + 1)]\n    ### END SOLUTION\n", 1)
    path = tmp_path / "01_squares.py"
    path.write_text(source)
    cell = read_lesson(path).cells[0]
    assert cell.split.exercise == ("def squares(n):\n    # YOUR CODE HERE\n"
                                   "    raise NotImplementedError()")


def test_an_empty_solution_cell_gets_the_stub_as_in_nbgrader(tmp_path):
    source = LESSON.replace("def squares(n):\n    return [i * i for i in range(1, n + 1)]\n",
                            "")
    path = tmp_path / "01_squares.py"
    path.write_text(source)
    cell = read_lesson(path).cells[0]
    assert (cell.split.exercise, cell.split.solution) == (
        "# YOUR CODE HERE\nraise NotImplementedError()", "")


BAD = {
    "typo in a key": ('"solution": true', '"soluton": true', "unknown nbgrader metadata key "
                      "'soluton'"),
    "flag as text": ('"solution": true', '"solution": "yes"', "must be true or false"),
    "grade without points": ('"points": 2, ', "", "needs its points"),
    "negative points": ('"points": 2', '"points": -1', "points must be a number"),
    "task on code": ('"points": 2, ', '"points": 2, "task": true, ', "task cell must be a "
                     "markdown cell"),
    "markdown grade only": ('"points": 1, "schema_version": 3, "solution": true',
                            '"points": 1, "schema_version": 3, "solution": false',
                            "must also be a solution cell"),
    "not a dict": (f"nbgrader={SOLUTION}", "nbgrader=true", "must be a dict"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_metadata_that_would_hide_nothing_exits_2_naming_the_cell(tmp_path, capsys, name):
    root = make_course(tmp_path / "c", {"01_squares": LESSON})
    assert build(root, capsys)[0] == 0
    before = snapshot(root)
    old, new, words = BAD[name]
    line_of = next(i for i, text in enumerate(LESSON.split("\n"), 1) if old in text)
    bad = LESSON.split("\n")
    bad[line_of - 1] = bad[line_of - 1].replace(old, new, 1)
    path = root / "content/01_squares.py"
    path.write_text("\n".join(bad))
    code, err = build(root, capsys)
    assert code == 2
    assert err.startswith(f"error: {path}:{line_of}: "), err
    assert words in err
    assert snapshot(root) == before


def test_a_task_cells_marking_scheme_is_for_graders_only():

    cell = split_cell("Plot the loss and describe it.\n=== BEGIN MARK SCHEME ===\n"
                      "Two points for naming overfitting.\n=== END MARK SCHEME ===", "markdown")
    assert cell.exercise == "Plot the loss and describe it."
    assert (2, "Two points for naming overfitting.") in cell.secrets
    with pytest.raises(MarkerError) as info:
        split_cell("Describe it.\n### begin mark scheme\nTwo points.", "markdown")
    assert info.value.line == 1 and "### BEGIN MARK SCHEME" in info.value.hint


def test_nbgrader_autotest_comments_are_refused_not_kept_as_empty_checks():
    """nbgrader expands '### AUTOTEST a' into asserts by running a kernel; kept as a
    comment it would make a check cell that tests nothing."""
    with pytest.raises(MarkerError) as info:
        split_cell("a = answer()\n### AUTOTEST a; type(a)", "code")
    assert info.value.line == 1 and "AUTOTEST" in info.value.message
    assert split_cell("# autotests run on CI", "code").exercise == "# autotests run on CI"
