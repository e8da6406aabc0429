"""``build.py verify`` on lessons that break each rule: every failure names file and line."""

from __future__ import annotations

import nbformat
import pytest

from verify_fixture import build, copy_course, line_of, quiet_build, run_of, runs


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    """The broken fixture course verified once, two lessons at a time."""
    root = copy_course("broken", tmp_path_factory.mktemp("broken"))
    result = quiet_build(root, "verify", "--jobs", "2")
    return root, result.code, result.out


def test_every_broken_lesson_fails_and_the_build_exits_1(broken):
    root, code, out = broken
    assert code == 1
    assert {stem: run["status"] for (stem, _, _), run in runs(root).items()} == {
        "01_broken_solution": "failed", "02_vacuous": "failed", "03_no_check": "failed",
        "04_missed_target": "failed", "05_non_check_first": "passed",
        "06_wrong_stub_error": "failed", "07_no_metrics": "failed", "08_unchecked": "failed"}
    assert "1 passed, 7 failed" in out


def test_a_broken_solution_names_the_source_line_exception_and_message(broken):
    root, _, out = broken
    path = root / "content" / "01_broken_solution.py"
    # the statement that raised sits inside a solution block, in a function a check calls
    line = line_of(path, "return factor * a / (b - b)")
    assert run_of(root, "01_broken_solution")["error"] == {
        "path": "content/01_broken_solution.py", "line": line, "cell": 3,
        "exception": "ZeroDivisionError", "message": "division by zero"}
    assert (f"FAILED 01_broken_solution [smoke, tensorflow]\n"
            f"  content/01_broken_solution.py:{line} (cell 3): ZeroDivisionError: "
            "division by zero\n"
            "  executed notebook: build/failed/smoke/tensorflow/01_broken_solution.ipynb") in out
    kept = nbformat.read(root / "build/failed/smoke/tensorflow/01_broken_solution.ipynb", 4)
    errors = [o for c in kept.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert [e.ename for e in errors] == ["ZeroDivisionError"]
    assert not (root / "build/executed/smoke/tensorflow/01_broken_solution.ipynb").exists()


def test_a_check_that_passes_on_its_stub_is_a_vacuous_check(broken):
    root, _, _ = broken
    path = root / "content" / "02_vacuous.py"
    check, stub = line_of(path, "assert callable(square)"), line_of(path, "BEGIN SOLUTION")
    assert run_of(root, "02_vacuous")["contract_problems"] == [
        f"content/02_vacuous.py:{check}: vacuous check: it passes with the stub at "
        f"content/02_vacuous.py:{stub} in place; make it test what the stub must compute"]
    assert run_of(root, "02_vacuous")["contract"] == "failed"
    probes = nbformat.read(root / "build/failed/smoke/tensorflow/02_vacuous.probes.ipynb", 4)
    assert "raise NotImplementedError()" in probes.cells[0].source


def test_a_stub_without_a_check_after_it_fails(broken):
    root, _, _ = broken
    line = line_of(root / "content" / "03_no_check.py", "half = 21 / 42")
    assert run_of(root, "03_no_check")["contract_problems"] == [
        f"content/03_no_check.py:{line}: the stub in cell 3 has no check cell after it; add "
        "a cell tagged check that fails while the stub is in place, or tag the stub's cell "
        "manual or open if no program can check it"]


def test_missed_and_missing_targets_fail_the_lesson(broken):
    root, _, _ = broken
    run = run_of(root, "04_missed_target")
    assert run["metrics"] == {"score": 0.5, "loss": 2.0}
    assert run["problems"] == [
        "content/04_missed_target.py: metric 'score' = 0.5 is below the smoke target min 0.9",
        "content/04_missed_target.py: metric 'loss' = 2 is above the smoke target max 1.0",
        "content/04_missed_target.py: metric 'accuracy' was not published; the smoke profile "
        "targets it (published: loss, score)"]
    assert run["contract"] == "passed"


def test_a_demo_cell_between_stub_and_check_may_fail_if_the_check_fails(broken):
    """``built = build()`` fails on the stub before the check; the check fails too."""
    root, _, _ = broken
    run = run_of(root, "05_non_check_first")
    assert (run["contract"], run["contract_problems"]) == ("passed", [])


def test_manual_and_open_exercises_need_no_check_but_a_demo_hides_no_vacuous_one(broken):
    """The manual and the open stub have no check after them and are not reported; the
    demo cell ``square(3)`` fails on its stub, and the check after it, which passes on
    the stub, is still found vacuous."""
    root, _, _ = broken
    path = root / "content" / "08_unchecked.py"
    check = line_of(path, "assert callable(square)")
    stub = [n for n, line in enumerate(path.read_text().split("\n"), 1)
            if "BEGIN SOLUTION" in line][1]  # square's
    assert run_of(root, "08_unchecked")["contract_problems"] == [
        f"content/08_unchecked.py:{check}: vacuous check: it passes with the stub at "
        f"content/08_unchecked.py:{stub} in place; make it test what the stub must compute"]


def test_the_first_stub_must_raise_not_implemented_error(broken):
    root, _, _ = broken
    line = line_of(root / "content" / "06_wrong_stub_error.py", "value = 2 * 3")
    assert run_of(root, "06_wrong_stub_error")["contract_problems"] == [
        f"content/06_wrong_stub_error.py:{line}: the exercise's first stub raises TypeError: "
        "unsupported operand type(s) for +: 'ellipsis' and 'int', not NotImplementedError; "
        "a student must meet the stub's own error first"]


def test_targets_without_a_metrics_cell_fail_naming_the_lesson_and_the_metrics(broken):
    root, _, _ = broken
    assert run_of(root, "07_no_metrics")["problems"] == [
        "content/07_no_metrics.py: the smoke profile targets 'seven', 'eight' but the solution "
        "publishes no metrics; add a cell tagged metrics that displays a dict as "
        "application/json (docs/lesson-format.md)"]


def test_failed_runs_are_never_cached(broken, capsys):
    root, _, _ = broken
    # one entry: the only lesson that passed (05, its demo cell before a failing check)
    entries = list((root / ".cache" / "verify").glob("*.json"))
    assert len(entries) == 1
    result = build(capsys, root, "verify", "--lesson", "07_no_metrics")
    assert result.code == 1
    assert run_of(root, "07_no_metrics")["cached"] is False
    assert "07_no_metrics: failed (" in result.err and "cached" not in result.err
