"""otter-grader's assign format beyond its solution markers: ``# IGNORE`` lines and
``# BEGIN IGNORE`` … ``# END IGNORE`` blocks reach neither notebook, a cell whose first
line is ``# IGNORE`` neither, ``# SEED`` lines only the solution; otter's own comment
``## solution ##`` is kept. (Rules read from otter's otter/assign/solutions.py and
utils.is_ignore_cell.)"""

from __future__ import annotations

import json
import textwrap

import pytest

from conftest import lesson_source, make_course, snapshot
from coursekit.cli import main
from coursekit.errors import MarkerError
from coursekit.source.leaks import lesson_secrets, scan_marker_text, scan_notebook
from coursekit.source.lesson import read_lesson
from coursekit.source.markers import split_cell

LESSON = lesson_source('''
    # %%
    import random

    # %%
    def cube(x):
        y = x * x * x  # SOLUTION
        # BEGIN IGNORE
        # a scratch check for the author only
        assert cube_reference(2) == 8
        # END IGNORE
        print_debug_table(y)  # IGNORE
        return y  # SOLUTION

    # %%
    random.seed(20260)  # SEED
    rolls = [random.randint(1, 6) for _ in range(10)]  # SOLUTION
    rolls

    # %%
    # IGNORE
    print("the author's notes on grading")

    # %%
    ## solution ##
    total = sum(rolls)  # SOLUTION
''')
IGNORED = ["# a scratch check for the author only", "assert cube_reference(2) == 8",
           "print_debug_table(y)", "print(\"the author's notes on grading\")"]


def build(root, capsys) -> tuple[int, str]:
    code = main(["--root", str(root), "notebooks"])
    return code, capsys.readouterr().err


def sources(path) -> list[str]:
    """The lesson's cells (ids cell-NNN), without coursekit's own (badge, setup cell)."""
    return ["".join(c["source"]) for c in json.loads(path.read_text())["cells"]
            if c["id"].startswith("cell-")]


def test_ignored_lines_and_cells_reach_neither_notebook(tmp_path, capsys):
    root = make_course(tmp_path / "c", {"01_dice": LESSON})
    code, err = build(root, capsys)
    assert code == 0, err
    exercise = sources(root / "exercises/01_dice.ipynb")
    solution = sources(root / "solutions/01_dice.ipynb")
    assert exercise == ["import random",
                        "def cube(x):\n    y = ...  # YOUR CODE HERE\n    ...  # YOUR CODE HERE",
                        "rolls = ...  # YOUR CODE HERE\nrolls",
                        "## solution ##\ntotal = ...  # YOUR CODE HERE"]
    assert solution == ["import random",
                        "def cube(x):\n    y = x * x * x\n    return y",
                        "random.seed(20260)\nrolls = [random.randint(1, 6) for _ in range(10)]"
                        "\nrolls",
                        "## solution ##\ntotal = sum(rolls)"]
    text = (root / "exercises/01_dice.ipynb").read_text()
    assert not any(line in text for line in IGNORED + ["IGNORE", "SEED", "random.seed"])


def test_the_scanner_flags_an_ignored_line_that_got_through(tmp_path):
    path = tmp_path / "01_dice.py"
    path.write_text(LESSON)
    lesson = read_lesson(path)
    assert len(lesson.cells) == 5 and lesson.cells[3].split.ignored
    secrets = {s.text: s.line for s in lesson_secrets(lesson)}
    assert set(IGNORED) | {"random.seed(20260)"} <= set(secrets)
    leaked = {"cells": [{"source": "def cube(x):\n    print_debug_table(y)\n"}]}
    [leak] = scan_notebook(lesson_secrets(lesson), leaked, "exercises/01_dice.ipynb")
    assert leak.secret.line == LESSON.split("\n").index("    print_debug_table(y)  # IGNORE") + 1
    assert [m.text for m in scan_marker_text("x = 1  # IGNORE\nrandom.seed(1) # SEED", "a")] \
        == ["# IGNORE", "# SEED"]


def test_a_lowercase_seed_comment_is_the_authors_own():
    cell = split_cell("rng = make_rng(0)  # seed", "code")
    assert cell.exercise == cell.solution == "rng = make_rng(0)  # seed"
    assert scan_marker_text(cell.exercise, "a") == []


def test_ignore_inside_a_solution_block_goes_with_it():
    cell = split_cell(textwrap.dedent("""\
        # BEGIN SOLUTION
        answer = 42
        check_answer_locally(answer)  # IGNORE
        # END SOLUTION"""), "code")
    assert cell.solution == "answer = 42"
    assert "check_answer_locally(answer)" in [text for _, text in cell.secrets]


@pytest.mark.parametrize("source, line, words", [
    ("x = 1\n# BEGIN IGNORE\ny = 2", 1, "'# BEGIN IGNORE' is never closed"),
    ("x = 1\n# END IGNORE", 1, "without a matching '# BEGIN IGNORE'"),
    ("# BEGIN IGNORE\ny = 2\n# end ignore", 2, "looks like a solution marker"),
    ("x = 1\ny = peek(x)  #IGNORE", 1, "looks like a solution marker"),
    ("x = 1\ny = peek(x)  # Ignore", 1, "looks like a solution marker"),
    ("x = 1\n# begin-ignore\ny = 2", 1, "looks like a solution marker"),
])
def test_malformed_ignore_names_its_line(source, line, words):
    with pytest.raises(MarkerError) as info:
        split_cell(source, "code")
    assert info.value.line == line and words in info.value.message


def test_unclosed_ignore_block_exits_2_and_writes_nothing(tmp_path, capsys):
    root = make_course(tmp_path / "c", {"01_dice": LESSON})
    assert build(root, capsys)[0] == 0
    before = snapshot(root)
    bad = LESSON.replace("    # END IGNORE\n", "")
    path = root / "content/01_dice.py"
    path.write_text(bad)
    code, err = build(root, capsys)
    assert code == 2
    line = bad.split("\n").index("    # BEGIN IGNORE") + 1
    assert err.startswith(f"error: {path}:{line}: '# BEGIN IGNORE' is never closed"), err
    assert snapshot(root) == before
