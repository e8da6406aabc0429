"""Differential test: coursekit against nbgrader itself, on lessons in nbgrader's syntax.

Hypothesis writes lessons whose cells use nbgrader's markers in every spelling nbgrader
reads (any line containing BEGIN SOLUTION, HIDDEN TESTS regions, empty blocks, cells
marked as solution cells). The same notebook goes through nbgrader's own ClearSolutions
and ClearHiddenTests preprocessors (in process, in the order ``nbgrader generate_assignment``
runs them); coursekit's exercise cells must equal nbgrader's, stub text included. When a
block loses its END or a BEGIN is doubled, nbgrader refuses the notebook, and coursekit
must refuse it too, naming the lesson file and a line.

Inputs where coursekit is stricter on purpose (nbgrader would silently delete code) are
not generated here; ``test_stricter_than_nbgrader`` pins them down.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
from pathlib import Path

import jupytext
import nbformat
import nbgrader
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nbgrader.nbgraderformat import MetadataValidator, ValidationError
from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, ClearSolutions, LockCells

from conftest import ROOT, lesson_source
from coursekit.config import load_course
from coursekit.errors import LessonFormatError, MarkerError
from coursekit.source.leaks import lesson_secrets
from coursekit.source.lesson import read_lesson
from coursekit.source.transforms import exercise_notebook

CODE_MARKERS = ("### {} SOLUTION", "# {} SOLUTION", "## {} SOLUTION", "###{} SOLUTION",
                "#    {} SOLUTION", "# ---- {} SOLUTION ----", "### {} SOLUTION (your turn)")
MARKDOWN_MARKERS = ("### {} SOLUTION", "{} SOLUTION", "**{} SOLUTION**",
                    "<!-- {} SOLUTION -->")
HIDDEN_MARKERS = ("### {} HIDDEN TESTS", "# {} HIDDEN TESTS", "##{} HIDDEN TESTS")
# how a generated block may be broken: nbgrader rejects each of these
BREAKS = ("none", "none", "none", "none", "drop_end", "double_begin")


def _block(begin: str, end: str, body: list[str], indent: str, brk: str) -> list[str]:
    lines = [indent + begin, *body]
    if brk == "double_begin":
        lines.insert(1, indent + begin)
    if brk != "drop_end":
        lines.append(indent + end)
    return lines


@st.composite
def code_cell(draw, counter):
    lines: list[str] = []
    for piece in draw(st.lists(st.sampled_from(["stmt", "comment", "block", "def_block",
                                                "hidden"]), min_size=1, max_size=4)):
        n = next(counter)
        brk = draw(st.sampled_from(BREAKS))
        form = draw(st.sampled_from(CODE_MARKERS))
        body = [f"value_{n}_{k} = {k} * {n}" for k in range(draw(st.integers(0, 3)))]
        if draw(st.booleans()) and body:
            body.insert(1, "")  # a blank line inside the answer
        if piece == "stmt":
            lines.append(f"public_{n} = {n}")
        elif piece == "comment":
            lines.append(f"# step {n}: compute the total")
        elif piece == "block":
            lines += _block(form.format("BEGIN"), form.format("END"), body, "", brk)
        elif piece == "def_block":
            lines.append(f"def helper_{n}(v):")
            lines += _block(form.format("BEGIN"), form.format("END"),
                            ["    " + b if b else b for b in body], "    ", brk)
        else:
            hidden = draw(st.sampled_from(HIDDEN_MARKERS))
            lines += _block(hidden.format("BEGIN"), hidden.format("END"),
                            [f"assert value_{n} == {n}, 'hidden {n}'"], "", brk)
    return "\n".join(lines)


@st.composite
def markdown_cell(draw, counter):
    n = next(counter)
    form = draw(st.sampled_from(MARKDOWN_MARKERS))
    lines = [f"Question {n}: why does the loss fall?"]
    if draw(st.booleans()):
        body = [f"Because answer {n} says so."] * draw(st.integers(0, 2))
        lines += _block(form.format("BEGIN"), form.format("END"), body, "",
                        draw(st.sampled_from(BREAKS)))
        lines.append(f"Follow-up {n}.")
    return "\n".join(lines)


@st.composite
def lessons(draw):
    """(cell type, source, is a solution cell) triples."""
    counter = itertools.count(1)
    cells = []
    for kind in draw(st.lists(st.sampled_from(["code", "markdown", "tagged_code",
                                               "tagged_markdown"]), min_size=1, max_size=5)):
        if kind == "code":
            cells.append(("code", draw(code_cell(counter)), False))
        elif kind == "markdown":
            cells.append(("markdown", draw(markdown_cell(counter)), False))
        elif kind == "tagged_code":  # a solution cell, with or without regions in it
            n = next(counter)
            with_block = draw(st.booleans())
            source = (f"import math\n### BEGIN SOLUTION\nwhole_{n} = math.pi * {n}\n"
                      "### END SOLUTION" if with_block else f"whole_{n} = [{n}, {n}]")
            cells.append(("code", source, True))
        else:
            cells.append(("markdown", f"It overfits, says answer {next(counter)}.", True))
    return cells


def render(cells) -> str:
    parts = []
    for cell_type, source, tagged in cells:
        tags = ' tags=["solution"]' if tagged else ""
        if cell_type == "code":
            parts.append(f"# %%{tags}\n{source}")
        else:
            commented = "\n".join(f"# {line}" if line else "#" for line in source.split("\n"))
            parts.append(f"# %% [markdown]{tags}\n{commented}")
    return lesson_source("\n\n".join(parts) + "\n")


def nbgrader_exercise(text: str) -> list[str]:
    """The notebook jupytext reads from the lesson, through nbgrader's preprocessors;
    RuntimeError when nbgrader refuses it."""
    nb = copy.deepcopy(jupytext.reads(text, fmt="py:percent"))
    for cell in nb.cells:
        if "solution" in cell.metadata.get("tags", []):
            cell.metadata["nbgrader"] = {"solution": True, "grade": False, "locked": False,
                                         "grade_id": cell.get("id", "x"), "schema_version": 3}
        if cell.cell_type == "code":
            cell.source = cell.source.strip("\n")  # jupytext keeps cell-separating blanks
    resources: dict = {}
    for step in (ClearSolutions(enforce_metadata=False),
                 ClearHiddenTests(enforce_metadata=False)):
        nb, resources = step.preprocess(nb, resources)
    return [cell.source for cell in nb.cells]


COURSE = load_course(ROOT / "course.yml")


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=lessons())
def test_exercise_cells_equal_nbgrader_or_both_refuse(tmp_path, cells):
    text = render(cells)
    path = tmp_path / "01_diff.py"
    path.write_text(text, encoding="utf-8")
    try:
        expected = nbgrader_exercise(text)
    except RuntimeError:
        with pytest.raises(MarkerError) as info:
            read_lesson(path)
        err = info.value
        assert err.path == path and err.line is not None
        assert 1 <= err.line <= len(text.split("\n"))
        assert re.search(r"(BEGIN|END) (SOLUTION|HIDDEN TESTS)", text.split("\n")[err.line - 1])
        return
    exercise = exercise_notebook(read_lesson(path), COURSE)
    ours = [cell.source for cell in exercise.cells if cell.id.startswith("cell-")]
    assert ours == expected


def test_generated_lessons_do_hit_both_outcomes():
    """The strategy is worth its name only if it reaches accepted and refused inputs,
    stubs for empty blocks and hidden tests (else the property is vacuous)."""
    seen = set()

    @settings(max_examples=200, deadline=None, database=None, derandomize=True)
    @given(cells=lessons())
    def probe(cells):
        text = render(cells)
        try:
            out = "\n".join(nbgrader_exercise(text))
            seen.add("accepted")
            if "HIDDEN TESTS" in text:
                seen.add("hidden")
            if "raise NotImplementedError()" in out:
                seen.add("stub")
        except RuntimeError:
            seen.add("refused")

    probe()
    assert seen == {"accepted", "refused", "hidden", "stub"}


@pytest.mark.parametrize("source, nbgrader_out", [
    # nbgrader drops the code in front of the marker with the marker
    ("x = 1  ### BEGIN SOLUTION\ny = 2\n### END SOLUTION",
     "# YOUR CODE HERE\nraise NotImplementedError()"),
    # nbgrader reads markers inside string literals too
    ('s = """\n### BEGIN SOLUTION\n"""\nt = 1\n### END SOLUTION',
     's = """\n# YOUR CODE HERE\nraise NotImplementedError()'),
    # a stray END is silently removed
    ("x = 1\n### END SOLUTION", "x = 1"),
    # any word that starts with the phrase counts
    ("### BEGIN SOLUTIONS\nx = 1\n### END SOLUTIONS",
     "# YOUR CODE HERE\nraise NotImplementedError()"),
])
def test_stricter_than_nbgrader(tmp_path, source, nbgrader_out):
    """Where nbgrader silently deletes or keeps code, coursekit refuses with a line."""
    text = lesson_source("# %%\n" + source + "\n")
    assert nbgrader_exercise(text) == [nbgrader_out]
    path = tmp_path / "01_strict.py"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MarkerError) as info:
        read_lesson(path)
    assert info.value.line is not None


# --- nbgrader's cell metadata: what a notebook written for nbgrader carries -----------

def _meta(n: int, solution=False, grade=False, locked=False, task=False) -> dict:
    meta = {"grade": grade, "grade_id": f"cell_{n}", "locked": locked,
            "schema_version": 3, "solution": solution}
    if task:
        meta["task"] = True
    if grade or task:
        meta["points"] = n % 4
    return meta


@st.composite
def metadata_cell(draw, counter):
    """(cell type, source, nbgrader metadata or None): one cell of an nbgrader notebook."""
    n = next(counter)
    kind = draw(st.sampled_from(["solution_code", "solution_code", "solution_markdown",
                                 "test", "locked", "task", "plain"]))
    form = draw(st.sampled_from(CODE_MARKERS))
    if kind == "solution_code":  # marker-less (replaced whole), empty, or with a region
        shape = draw(st.sampled_from(["whole", "whole", "empty", "region"]))
        body = {"whole": f"def answer_{n}(x):\n    return x * {n}",
                "empty": "",
                "region": f"def answer_{n}(x):\n    {form.format('BEGIN')}\n"
                          f"    return x * {n}\n    {form.format('END')}"}[shape]
        return "code", body, _meta(n, solution=True, grade=draw(st.booleans()))
    if kind == "solution_markdown":  # a manually graded written answer
        text = f"The loss falls because of answer {n}."
        if draw(st.booleans()):
            md = draw(st.sampled_from(MARKDOWN_MARKERS))
            text = f"Why?\n{md.format('BEGIN')}\n{text}\n{md.format('END')}"
        return "markdown", text, _meta(n, solution=True, grade=True)
    if kind == "test":  # an autograded test, maybe with hidden tests
        body = f"assert answer_{n}(1) == {n}, 'public {n}'"
        if draw(st.booleans()):
            hidden = draw(st.sampled_from(HIDDEN_MARKERS))
            body += (f"\n{hidden.format('BEGIN')}\nassert answer_{n}(2) == {2 * n}"
                     f"\n{hidden.format('END')}")
        return "code", body, _meta(n, grade=True)
    if kind == "locked":
        cell_type = draw(st.sampled_from(["code", "markdown"]))
        text = f"given_{n} = {n}" if cell_type == "code" else f"Read this first ({n})."
        return cell_type, text, _meta(n, locked=True)
    if kind == "task":  # maybe with a marking scheme, which is for graders only
        text = f"Plot the loss curve and describe it ({n})."
        if draw(st.booleans()):
            scheme = draw(st.sampled_from(("=== {} MARK SCHEME ===", "### {} MARK SCHEME")))
            text += (f"\n{scheme.format('BEGIN')}\nFull marks for naming overfitting ({n})."
                     f"\n{scheme.format('END')}")
        return "markdown", text, _meta(n, task=True)
    return "code", f"plain_{n} = {n}", None


def render_with_metadata(cells) -> str:
    parts = []
    for cell_type, source, meta in cells:
        head = "# %%" + (" [markdown]" if cell_type == "markdown" else "")
        if meta is not None:
            head += " nbgrader=" + json.dumps(meta, sort_keys=True)
        if cell_type == "markdown":
            source = "\n".join(f"# {line}" if line else "#" for line in source.split("\n"))
        parts.append(f"{head}\n{source}" if source else head)
    return lesson_source("\n\n".join(parts) + "\n")


def nbgrader_release(text: str):
    """What ``nbgrader generate_assignment`` gives students, by nbgrader's own
    preprocessors in its order (LockCells, ClearSolutions, ClearHiddenTests,
    ClearMarkScheme)."""
    return release_cells(jupytext.reads(text, fmt="py:percent"))


def release_cells(nb):
    """nbgrader's release of notebook ``nb`` (left as it is), cell by cell."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = cell.source.strip("\n")
    resources: dict = {}
    for step in (LockCells(), ClearSolutions(), ClearHiddenTests(), ClearMarkScheme()):
        nb, resources = step.preprocess(nb, resources)
    return nb.cells


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(metadata_cell(itertools.count(1)), min_size=1, max_size=6))
def test_metadata_cells_equal_nbgrader_release(tmp_path, cells):
    """Cell for cell: the exercise's sources equal nbgrader's release, grade cells are
    check cells with their points, and cells are locked as nbgrader locks them."""
    text = render_with_metadata(cells)
    path = tmp_path / "01_meta.py"
    path.write_text(text, encoding="utf-8")
    expected = nbgrader_release(text)
    lesson = read_lesson(path)
    ours = [c for c in exercise_notebook(lesson, COURSE).cells if c.id.startswith("cell-")]
    assert [c.source for c in ours] == [c.source for c in expected]
    for mine, theirs, (cell_type, _, meta) in zip(ours, expected, cells, strict=True):
        for key in ("deletable", "editable"):
            assert mine.metadata.get(key) == theirs.metadata.get(key), (key, meta)
        is_test = meta is not None and cell_type == "code" and meta["grade"] \
            and not meta["solution"]
        assert ("check" in mine.metadata.get("tags", [])) == is_test
        if meta is not None and meta["grade"]:
            assert mine.metadata["nbgrader"]["points"] == meta["points"]
    # and the answers nbgrader hides are secrets the scanner looks for in the exercise
    secrets = lesson_secrets(lesson)
    answers = re.findall(r"return x \* \d+|Full marks for naming overfitting \(\d+\)\.", text)
    assert all(any(s.text == a for s in secrets) for a in answers)


# --- nbgrader's own notebooks: the instructor versions its test suite ships ------------

NBGRADER_FILES = Path(nbgrader.__file__).parent / "tests"
# instructor (source) notebooks with nbgrader metadata: solution, grade, locked and task
# cells, hidden tests, marking schemes, a manually graded code answer
NBGRADER_SOURCES = ("apps/files/test.ipynb", "apps/files/test-hidden-tests.ipynb",
                    "apps/files/test-v2.ipynb", "preprocessors/files/test.ipynb",
                    "preprocessors/files/test_taskcell.ipynb",
                    "preprocessors/files/manually-graded-code-cell.ipynb")
# notebooks nbgrader's own metadata validator refuses, and why
NBGRADER_REFUSED = {"preprocessors/files/blank-points.ipynb": "needs its points",
                    "preprocessors/files/bad-markdown-cell-1.ipynb": "also be a solution cell"}


def as_lesson(relative: str, tmp_path) -> Path:
    """nbgrader's notebook as ``jupytext --to py:percent`` writes it, with a title."""
    nb = nbformat.read(NBGRADER_FILES / relative, as_version=4)
    nb.metadata["course"] = {"title": "An nbgrader notebook"}
    nb.metadata.setdefault("jupytext", {})["notebook_metadata_filter"] = "course"
    path = tmp_path / "01_nbgrader.py"
    path.write_text(jupytext.writes(nb, "py:percent"), encoding="utf-8")
    return path


@pytest.mark.parametrize("relative", NBGRADER_SOURCES)
def test_nbgraders_own_notebooks_give_nbgraders_release(tmp_path, relative):
    path = as_lesson(relative, tmp_path)
    expected = nbgrader_release(path.read_text(encoding="utf-8"))
    ours = [c for c in exercise_notebook(read_lesson(path), COURSE).cells
            if c.id.startswith("cell-")]
    # a cell's trailing blank lines are dropped here, in every cell, with or without nbgrader
    assert [c.source for c in ours] == [c.source.rstrip("\n") for c in expected]
    assert [(c.metadata.get("deletable"), c.metadata.get("editable")) for c in ours] == \
        [(c.metadata.get("deletable"), c.metadata.get("editable")) for c in expected]
    assert any(c.metadata.get("nbgrader", {}).get("solution") for c in ours)


@pytest.mark.parametrize("relative", sorted(NBGRADER_REFUSED))
def test_notebooks_nbgrader_refuses_are_refused_with_their_line(tmp_path, relative):
    nb = nbformat.read(NBGRADER_FILES / relative, as_version=4)
    with pytest.raises(ValidationError):
        MetadataValidator().validate_nb(nb)
    path = as_lesson(relative, tmp_path)
    with pytest.raises(LessonFormatError) as info:
        read_lesson(path)
    assert NBGRADER_REFUSED[relative] in info.value.message
    assert path.read_text().split("\n")[info.value.line - 1].startswith("# %%")
