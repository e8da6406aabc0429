"""`build.py notebooks` (in process) on lessons in every dialect and with near misses:
exit 0 with nothing leaked, or exit 2 naming file:line with nothing written."""

from __future__ import annotations

import json

import pytest

from conftest import lesson_source, make_course, snapshot
from coursekit.cli import main
from coursekit.source.setup_cell import CELL_ID as SETUP_CELL

GOOD = lesson_source('''
    # %%
    def square(x):
        ### BEGIN SOLUTION
        return x * x
        ### END SOLUTION
''')

DIALECTS = lesson_source('''
    # %% [markdown]
    # Why square?
    # BEGIN SOLUTION
    # Because areas grow with the square of a length.
    # END SOLUTION

    # %%
    def cube(x):
        # BEGIN SOLUTION NO PROMPT
        return x * x * x
        # END SOLUTION
        """ # BEGIN PROMPT
        # Return x to the third power.
        pass
        """; # END PROMPT

    # %%
    area = 3.14159 * 2 ** 2  # SOLUTION
    helper = cube(area)  # SOLUTION NO PROMPT

    # %%
    assert cube(2) == 8
    ### BEGIN HIDDEN TESTS
    assert cube(-3) == -27, "negative numbers"
    ### END HIDDEN TESTS
''')


def build(root, capsys) -> tuple[int, str]:
    code = main(["--root", str(root), "notebooks"])
    return code, capsys.readouterr().err


def test_every_dialect_generates_without_leaking(tmp_path, capsys):
    root = make_course(tmp_path / "c", {"01_dialects": DIALECTS})
    code, err = build(root, capsys)
    assert code == 0, err
    exercise = json.loads((root / "exercises/01_dialects.ipynb").read_text())
    solution = json.loads((root / "solutions/01_dialects.ipynb").read_text())
    # the lesson's cells: not the Colab badge, not the setup cell (test_setup_cell.py)
    ex = ["".join(c["source"]) for c in exercise["cells"][1:] if c["id"] != SETUP_CELL]
    sol = ["".join(c["source"]) for c in solution["cells"] if c["id"] != SETUP_CELL]
    assert ex == ["Why square?\nYOUR ANSWER HERE",
                  "def cube(x):\n    # Return x to the third power.\n    pass",
                  "area = ...  # YOUR CODE HERE",
                  "assert cube(2) == 8"]
    assert sol == ["Why square?\nBecause areas grow with the square of a length.",
                   "def cube(x):\n    return x * x * x",
                   "area = 3.14159 * 2 ** 2\nhelper = cube(area)",
                   'assert cube(2) == 8\nassert cube(-3) == -27, "negative numbers"']


NEAR_MISSES = {
    "lower case": "    ### begin solution",
    "title case": "    ### Begin Solution",
    "two spaces": "    ### BEGIN  SOLUTION",
    "no space": "    ### BEGINSOLUTION",
    "typo": "    ### BEGIN SOLUTON",
    "plural": "    ### BEGIN SOLUTIONS",
    "end typo": "    ### END SOLUTON",
    "lower line marker": "    y = x + 1  # solution",
    "line marker plural": "    y = x + 1  # SOLUTIONS",
    "hidden tests singular": "    ### BEGIN HIDDEN TEST",
    "prompt case": "    # begin prompt",
    "no prompt case": "    y = x  # Solution No Prompt",
    "mistake plural": "    ### BEGIN MISTAKES: wrong",
}


@pytest.mark.parametrize("name", sorted(NEAR_MISSES))
def test_near_miss_exits_2_naming_file_line_and_writes_nothing(tmp_path, capsys, name):
    root = make_course(tmp_path / "c", {"01_squares": GOOD})
    assert build(root, capsys)[0] == 0
    before = snapshot(root)
    bad = GOOD.replace("        ### BEGIN SOLUTION\n", "").replace(
        "    ### BEGIN SOLUTION\n", f"{NEAR_MISSES[name]}\n    ### BEGIN SOLUTION\n")
    path = root / "content/01_squares.py"
    path.write_text(bad)
    line = bad.split("\n").index(NEAR_MISSES[name]) + 1
    code, err = build(root, capsys)
    assert code == 2
    assert err.startswith(f"error: {path}:{line}: "), err
    assert "looks like a solution marker" in err and "write '" in err
    assert snapshot(root) == before


def test_marker_words_in_a_string_are_caught_by_the_scanner(tmp_path, capsys):
    """The parser reads strings as code; the independent scanner still refuses the words."""
    bad = GOOD + 'print("### begin solution: spoilers below")\n'
    root = make_course(tmp_path / "c", {"01_squares": bad})
    code, err = build(root, capsys)
    line = bad.split("\n").index('print("### begin solution: spoilers below")') + 1
    assert code == 2
    # the place in the notebook (its third cell, after the Colab badge and the setup
    # cell) and the lesson line
    assert (f"contains marker text 'begin solution' in cell 3 (cell-000) "
            f"({root}/content/01_squares.py:{line})") in err
    assert snapshot(root) == {}


def test_broken_header_yaml_names_its_line(tmp_path, capsys):
    bad = GOOD.replace("#   kernelspec:", "#  kernelspec:")
    root = make_course(tmp_path / "c", {"01_squares": bad})
    code, err = build(root, capsys)
    # the line where YAML notices the bad indentation: the next key at the old depth
    line = bad.split("\n").index("#   course:") + 1
    assert code == 2
    assert err.startswith(f"error: {root}/content/01_squares.py:{line}: cannot read"), err
