"""``coursekit import``: real material from other tools becomes a lesson whose exercise is
what that tool gives students, cell for cell (fixtures and their licences:
tests/fixtures/imports/*/README.md)."""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat

from conftest import ROOT
from coursekit.cli import main
from coursekit.config import load_course
from coursekit.run.contract import plan, unchecked
from coursekit.source.lesson import read_lesson
from coursekit.source.transforms import exercise_notebook
from test_differential_nbgrader import release_cells

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
PROBLEM = FIXTURES / "nbgrader" / "problem1.ipynb"
SOL = FIXTURES / "mooc" / "02_numerical_pipeline_sol_00.py"
EX = FIXTURES / "mooc" / "02_numerical_pipeline_ex_00.py"
COURSE = load_course(ROOT / "course.yml")


def run_import(root: Path, *args) -> int:
    return main(["--root", str(root), "import", *map(str, args)])


def exercise_sources(lesson_path: Path) -> list[str]:
    """The lesson's exercise cells, without coursekit's own (badge, setup, notes)."""
    nb = exercise_notebook(read_lesson(lesson_path), COURSE)
    return [cell.source for cell in nb.cells if cell.id.startswith("cell-")]


def test_nbgraders_problem_set_gives_nbgraders_release(tmp_path, capsys):
    (tmp_path / "content").mkdir()
    assert run_import(tmp_path, PROBLEM) == 0, capsys.readouterr().err
    lesson_path = tmp_path / "content" / "01_problem1.py"
    assert f"wrote {lesson_path}" in capsys.readouterr().out
    expected = release_cells(nbformat.read(PROBLEM, as_version=4))
    # a cell's trailing blank lines are dropped in every lesson cell
    assert exercise_sources(lesson_path) == [c.source.rstrip("\n") for c in expected]
    lesson = read_lesson(lesson_path)
    assert lesson.title == "Problem1"
    # the contract takes nbgrader's layout: a demo cell (squares(10)) between each stub and
    # its tests; Part D, a manually graded code answer, needs no check and takes none
    probes = [(p.stub.split.solution.split("\n")[0], p.declared,
               p.check and p.check.metadata["nbgrader"]["grade_id"]) for p in plan(lesson)]
    assert probes == [("def squares(n):", "", "correct_squares"),
                      ("def sum_of_squares(n):", "", "correct_sum_of_squares"),
                      ("def pyramidal_number(n):", "manual", None)]
    assert unchecked(lesson, plan(lesson), tmp_path) == []


def test_the_mooc_pair_gives_the_moocs_exercise(tmp_path, capsys):
    (tmp_path / "content").mkdir()
    assert run_import(tmp_path, SOL, EX) == 0, capsys.readouterr().err
    lesson_path = tmp_path / "content" / "01_numerical_pipeline_00.py"
    theirs = [c.source for c in jupytext.read(EX).cells]
    assert exercise_sources(lesson_path) == theirs
    lesson = read_lesson(lesson_path)
    assert (lesson.title, lesson.markers) == ("Exercise M1.02", "scikit-learn-mooc")
    # the MOOC reads its data up from its folder: verify's folder has no ../datasets
    err = capsys.readouterr().err
    assert (f"warning: {SOL}: the lesson reads '../datasets/adult-census-numeric.csv' (its "
            "line 24)") in err
    assert "(data: {adult-census-numeric.csv: adult_census_numeric_path})" in err
    assert "line 101" in err and err.count("warning:") == 2
    assert lesson_path.read_text().count('read_csv("../datasets/') == 2  # as the MOOC has it


def test_the_mooc_solution_alone_imports_and_a_stale_exercise_is_refused(tmp_path, capsys):
    (tmp_path / "content").mkdir()
    assert run_import(tmp_path, SOL, "--out", tmp_path / "content" / "07_knn.py") == 0
    assert exercise_sources(tmp_path / "content" / "07_knn.py") == \
        [c.source for c in jupytext.read(EX).cells]
    edited = tmp_path / "02_numerical_pipeline_ex_00.py"
    edited.write_text(EX.read_text().replace("# Write your code here.",
                                             "# Write your code here: fit it.", 1))
    capsys.readouterr()
    assert run_import(tmp_path, SOL, edited) == 2
    err = capsys.readouterr().err
    assert f"{edited}: cell 7 of this exercise differs" in err
    assert "'# Write your code here: fit it.' here" in err
    assert sorted(p.name for p in (tmp_path / "content").iterdir()) == ["07_knn.py"]


def test_files_no_importer_reads_are_named_with_the_kinds_known(tmp_path, capsys):
    other = tmp_path / "notes.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]),
                   other)
    assert run_import(tmp_path, other) == 2
    err = capsys.readouterr().err
    assert f"error: {other}: no importer reads these files" in err
    for kind in ("nbgrader source notebook", "scikit-learn MOOC exercise",
                 "Carpentries episode"):
        assert kind in err
    assert not (tmp_path / "content").exists()
    assert run_import(tmp_path, tmp_path / "missing.ipynb") == 2
    assert "missing.ipynb: no such file" in capsys.readouterr().err


def test_an_existing_lesson_is_never_replaced(tmp_path, capsys):
    target = tmp_path / "content" / "03_mine.py"
    target.parent.mkdir()
    target.write_text("mine\n")
    assert run_import(tmp_path, PROBLEM, "--out", target) == 2
    assert f"{target}: a file is already there" in capsys.readouterr().err
    assert target.read_text() == "mine\n"
    # the default name takes the number after the last lesson
    assert run_import(tmp_path, PROBLEM) == 0
    assert (tmp_path / "content" / "04_problem1.py").is_file()


def test_files_the_lesson_names_beside_the_source_come_along(tmp_path, capsys):
    """nbgrader's ps1 shows jupyter.png, which sits beside problem1.ipynb."""
    source = tmp_path / "ps1"
    source.mkdir()
    (source / "problem1.ipynb").write_bytes(PROBLEM.read_bytes())
    (source / "jupyter.png").write_bytes(b"\x89PNG stand-in")
    (source / "unnamed.png").write_bytes(b"not named by the lesson")
    content = tmp_path / "course" / "content"
    content.mkdir(parents=True)
    assert run_import(tmp_path / "course", source / "problem1.ipynb") == 0
    assert sorted(p.name for p in content.iterdir()) == ["01_problem1.py", "jupyter.png"]
    assert (content / "jupyter.png").read_bytes() == b"\x89PNG stand-in"
    assert f"wrote {content / 'jupyter.png'}" in capsys.readouterr().out
    # a file of that name already in content/ is the course's own: left as it is
    (content / "jupyter.png").write_bytes(b"the course's")
    assert run_import(tmp_path / "course", source / "problem1.ipynb") == 0
    assert (content / "jupyter.png").read_bytes() == b"the course's"


def test_a_conversion_that_does_not_read_as_a_lesson_writes_nothing(tmp_path, capsys):
    nb = nbformat.read(PROBLEM, as_version=4)
    nb.cells[2].metadata["nbgrader"]["soluton"] = True  # a typo nbgrader would not catch
    broken = tmp_path / "problem1.ipynb"
    nbformat.write(nb, broken)
    (tmp_path / "content").mkdir()
    assert run_import(tmp_path, broken) == 2
    err = capsys.readouterr().err
    assert f"{broken}: the lesson converted from it does not read: unknown nbgrader " \
        "metadata key 'soluton'" in err and "did you mean 'solution'?" in err
    assert list((tmp_path / "content").iterdir()) == []


def test_a_released_nbgrader_notebook_is_refused(tmp_path, capsys):
    nb = nbformat.read(PROBLEM, as_version=4)
    nb.cells[0].metadata["nbgrader"]["checksum"] = "abc"
    released = tmp_path / "problem1.ipynb"
    nbformat.write(nb, released)
    assert run_import(tmp_path, released) == 2
    assert "released to students" in capsys.readouterr().err
    assert not (tmp_path / "content").exists()
