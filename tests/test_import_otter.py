"""Differential test: ``coursekit import`` of otter-grader's own example assignment against
what ``otter assign`` itself gives students (fixture and licence:
tests/fixtures/imports/otter/README.md).

otter runs in this process (its Python API, no PDFs, no test run: nothing needs network or
docker). What legitimately differs is normalised away, each for a stated reason
(``OTTER_FURNITURE``, ``_normal``); everything else must be equal, cell for cell:
question text, stripped solutions, prompts, IGNORE/SEED lines, ``## solution ##``.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
import types
from pathlib import Path

import nbformat
import pytest

from conftest import make_course
from coursekit.cli import main
from coursekit.run.contract import plan
from coursekit.source.leaks import Secret, scan_text
from coursekit.source.lesson import read_lesson
from test_import import FIXTURES, exercise_sources, run_import

EXAMPLE = FIXTURES / "otter" / "example.ipynb"
FULL_EXAMPLE = FIXTURES / "otter" / "assign-full-example-v1.ipynb"  # otter's docs'
CHECK = "<a check: otter's grader.check(...), coursekit's check cell>"
ANSWER = "<the stub of a written answer>"
# otter's own cells, which coursekit has no use for: its grader's set-up first (coursekit
# has its own setup cell, left out by exercise_sources) and the submission section at the
# end (from its "## Submission" cell on: the export and a blank cell after it)
OTTER_SETUP = re.compile(r"# Initialize Otter\n")
OTTER_SUBMISSION = re.compile(r"## Submission\n")


def _otter_student(tmp_path: Path, master: Path) -> list[str]:
    """Sources of the student notebook ``otter assign`` writes for ``master``."""
    work = tmp_path / "otter"
    work.mkdir()
    for path in (master, FIXTURES / "otter" / "data.csv"):
        shutil.copy(path, work / path.name)
    import otter.assign
    otter.assign.main(str(work / master.name), str(work / "dist"), no_pdfs=True,
                      no_run_tests=True)
    nb = nbformat.read(work / "dist" / "student" / master.name, as_version=4)
    sources = [c.source for c in nb.cells]
    assert OTTER_SETUP.match(sources[0])
    [end] = [i for i, source in enumerate(sources) if OTTER_SUBMISSION.match(source)]
    return sources[1:end]


@pytest.fixture
def otter_without_pkg_resources(monkeypatch):
    """otter 5.7.1 imports ``pkg_resources`` for one function, ``resource_filename`` (its
    templates' folder); setuptools 81+ (torch needs >=77; the venv has 84) no longer
    ships the module. Give otter that one function, nothing else of setuptools."""
    def resource_filename(package: str, name: str) -> str:
        return str(Path(importlib.util.find_spec(package).origin).parent / name)
    monkeypatch.setitem(sys.modules, "pkg_resources",
                        types.SimpleNamespace(resource_filename=resource_filename))


def _normal(source: str, ours: bool) -> str | None:
    """A cell's source with what legitimately differs made equal; None: no cell.
    - otter's PDF-export comments (``<!-- BEGIN/END QUESTION -->``, for Gradescope) and its
      ``_Points:_`` line (points are otter's grading; coursekit grades nothing) are dropped,
      and a cell left blank by that is none (otter puts some in cells of their own);
    - stubs: otter writes ``...`` for a block and ``x = ...`` for a line; coursekit writes
      ``# YOUR CODE HERE`` + ``raise NotImplementedError()`` (so verify proves the stub
      fails) and ``x = ...  # YOUR CODE HERE``; a written answer's stub is otter's
      ``_Type your answer here…_`` and coursekit's ``YOUR ANSWER HERE``;
    - a check: otter's ``grader.check("q1")`` runs tests kept in its metadata; coursekit's
      check cell holds the public tests themselves (test_public_tests_are_the_check).
    A blank cell is "" (the example's last, " ", reads back from the lesson as "")."""
    if ours:
        source = re.sub(r"^([ \t]*)# YOUR CODE HERE\n\1raise NotImplementedError\(\)$",
                        r"\1...", source, flags=re.M)
        source = re.sub(r"  # YOUR CODE HERE$", "", source, flags=re.M)
        source = ANSWER if source == "YOUR ANSWER HERE" else source
    else:
        exported = re.sub(r"<!-- (BEGIN|END) QUESTION -->\n*", "", source)
        if exported != source and not exported.strip():
            return None
        source = re.sub(r"\n*_Points:_ [\d.]+$", "", exported).strip("\n")
        source = ANSWER if source == "_Type your answer here, replacing this text._" \
            else source
        source = CHECK if re.fullmatch(r'grader\.check\("\w+"\)', source) else source
    return source if source.strip() else ""


def _imported(tmp_path: Path, master: Path = EXAMPLE) -> Path:
    root = tmp_path / "course"
    (root / "content").mkdir(parents=True)
    assert run_import(root, master) == 0
    [lesson_path] = (root / "content").glob("*.py")
    return lesson_path


def _ours(lesson_path: Path) -> list[str]:
    lesson = read_lesson(lesson_path)
    checks = {c.split.exercise for c in lesson.cells if "check" in c.metadata.get("tags", [])}
    return [CHECK if s in checks else s for s in exercise_sources(lesson_path)]


@pytest.mark.parametrize("master, cells", [(EXAMPLE, 31), (FULL_EXAMPLE, 17)])
def test_otters_examples_give_otters_student_notebooks(tmp_path, otter_without_pkg_resources,
                                                        master, cells):
    otter_cells = [s for s in (_normal(c, False) for c in _otter_student(tmp_path, master))
                   if s is not None]
    our_cells = [_normal(c, True) for c in _ours(_imported(tmp_path, master))]
    assert len(our_cells) == cells
    assert our_cells == otter_cells


def test_the_example_keeps_and_drops_what_issue_19_names(tmp_path):
    our_cells = [_normal(c, True) for c in _ours(_imported(tmp_path))]
    text = "\n".join(our_cells)
    assert "## solution ##\nplt.plot(...);" in our_cells
    assert "z = ...\nz" in our_cells  # the SEED line is gone, the answer stubbed
    assert not re.search(r"IGNORE|SEED|np\.cos|neither will this|np\.random\.seed", text)
    assert "This markdown should be removed" not in text and "Having equal side" not in text


def test_a_question_without_tests_takes_no_later_check(tmp_path):
    lesson = read_lesson(_imported(tmp_path))
    # question 2 (graded by hand, no tests) shows a prompt instead of a stub: declared
    # manual, it is no stub to probe
    [q2] = [c for c in lesson.cells if c.metadata.get("tags") == ["manual"]]
    assert q2.split.exercise == "## solution ##\nplt.plot(...);"
    probes = [(p.stub.split.solution.split("\n")[0], p.declared,
               p.check and p.check.split.solution.split("\n")[0]) for p in plan(lesson)]
    assert probes == [
        ("x = 2", "", "assert isinstance(x, int)"),
        ("def square(x):", "", "assert repr(nine) == '9'"),
        ("pi = 3.14", "open", None),  # question 5: no tests; q8's check is not its own
        ("np.random.seed(42)", "", "assert len(z) == 10"),
        ("def add(a, b):", "", "assert add(3, 4) == 7"),
        ("s = add(1, 2)", "", "assert add(3, 4) == 7")]


def test_public_tests_are_the_check_and_hidden_ones_stay_hidden(tmp_path):
    lesson = read_lesson(_imported(tmp_path))
    [q1, q3, q8, q9] = [c for c in lesson.cells if "check" in c.metadata.get("tags", [])]
    # otter compares what a test shows with its output in the master notebook
    assert q1.split.exercise == "assert isinstance(x, int)\nNone\nassert 0 < x < 100"
    assert q1.split.solution.endswith(
        "assert repr(x) == '2'\nassert repr(str(print(x))) == \"'None'\"")
    assert q3.split.exercise == "assert repr(nine) == '9'\nassert repr(square(16)) == '256'"
    assert "np.allclose" not in q8.split.exercise and "assert not (np.allclose(" in \
        q8.split.solution  # the master notebook showed False: otter expects False
    assert q9.split.exercise == "assert add(3, 4) == 7\nassert s == 3"


def _drop(text: str):
    def edit(cells):
        return [c for c in cells if c.source.strip() != text]
    return edit


def _insert(at: int, new_cell):
    def edit(cells):
        return [*cells[:at], new_cell, *cells[at:]]
    return edit


@pytest.mark.parametrize("edit, cell, words", [
    # q1's END TESTS gone: its END QUESTION (now cell 14) finds TESTS still open
    (_drop("# END TESTS"), 14, "'# END QUESTION' closes no open block"),
    # every END QUESTION gone: q2 begins (cell 15) inside q1
    (_drop("# END QUESTION"), 15, "'# BEGIN QUESTION' inside another block"),
    # a solution block before "This cell is not part of a question." (cell 22)
    (_insert(21, nbformat.v4.new_raw_cell("# BEGIN SOLUTION")), 22,
     "'# BEGIN SOLUTION' outside a question, or inside another of its blocks"),
    # two BEGIN SOLUTION cells in a row in q1: the second (cell 6) is inside the first
    (_insert(4, nbformat.v4.new_raw_cell("# BEGIN SOLUTION")), 6,
     "'# BEGIN SOLUTION' outside a question, or inside another of its blocks"),
    # a note as the first cell of q1's tests block (cell 9)
    (_insert(8, nbformat.v4.new_markdown_cell("A note")), 9,
     "a markdown cell in a tests block"),
    (_insert(23, nbformat.v4.new_raw_cell("# BEGIN QUESTION\nname: [q3")), 24,
     "the question's configuration is not YAML"),
    # the notebook ends inside q9's tests block (its cells after the first test cut off)
    (lambda cells: cells[:80], None, "'# BEGIN TESTS' is never closed"),
])
def test_a_malformed_assign_notebook_names_the_cell_and_writes_nothing(tmp_path, capsys, edit,
                                                                       cell, words):
    nb = nbformat.read(EXAMPLE, as_version=4)
    nb.cells = edit(nb.cells)
    bad = tmp_path / "broken.ipynb"
    nbformat.write(nb, bad)
    root = tmp_path / "course"
    (root / "content").mkdir(parents=True)
    assert run_import(root, bad) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and words in err, err
    assert f" (cell {cell})." in err if cell else "(cell" not in err
    assert list((root / "content").iterdir()) == []


def test_the_seed_variable_takes_the_students_value_and_the_autograders(tmp_path):
    """otter's ``seed: {variable: rng_seed, student_value: 90, autograder_value: 42}``."""
    setup = read_lesson(_imported(tmp_path, FULL_EXAMPLE)).cells[0]
    assert setup.split.exercise.endswith("%matplotlib inline\nrng_seed = 90")
    assert setup.split.solution.endswith("%matplotlib inline\nrng_seed = 42")


def test_otters_documentation_example_builds_without_a_false_leak(tmp_path, capsys):
    """Its answer line ``return b`` is in no student cell; coursekit's setup cell has
    ``return bool(tool)``, which a plain substring search took for it."""
    root = make_course(tmp_path / "c", {})
    assert run_import(root, FULL_EXAMPLE) == 0
    assert main(["--root", str(root), "notebooks"]) == 0, capsys.readouterr().err
    secret = Secret("return b", FULL_EXAMPLE, 1)
    assert scan_text([secret], "return bool(tool)\nreturn b_value", "a") == []
    assert [leak.secret for leak in scan_text([secret], "x = 1\n    return b  # here", "a")] \
        == [secret]


def test_test_functions_are_called_so_the_check_is_not_vacuous(tmp_path):
    """otter's docs example writes tests as ``def test_…(sieve):`` and calls them only on
    ``# IGNORE`` lines; as otter 5.7.1's doctest they define a function and pass whatever
    the answer (coursekit's verify called them vacuous). The check calls them."""
    lesson = read_lesson(_imported(tmp_path, FULL_EXAMPLE))
    q1 = next(c for c in lesson.cells if "check" in c.metadata.get("tags", []))
    assert q1.split.exercise.endswith("    assert sieve(3) == {2, 3}\n\ntest_low_primes(sieve)")
    assert "test_higher_primes(sieve)" in q1.split.solution.split("\n")  # hidden: verify's
    assert "test_higher_primes" not in q1.split.exercise
