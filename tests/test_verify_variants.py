"""``build.py verify`` proves declared alternatives pass and declared mistakes are caught.

The fixture course (tests/fixtures/verify/variants/) is pure Python: one sound lesson and
one lesson per way a declared variant can fail.
"""

from __future__ import annotations

import contextlib
import io

import nbformat
import pytest

from coursekit import cli
from coursekit.publish.pages import verification_page
from coursekit.run.cache import run_key
from coursekit.run.report import checks_text
from coursekit.source.lesson import read_lesson
from verify_fixture import FIXTURES, copy_course, line_of, runs


@pytest.fixture(scope="module")
def verified(tmp_path_factory):
    root = copy_course("variants", tmp_path_factory.mktemp("variants"))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["--root", str(root), "verify", "--jobs", "2"])
    return root, code, out.getvalue()


def run_of(root, stem):
    return runs(root)[(stem, "smoke", "tensorflow")]


def begin_line(root, stem, label=""):
    marker = f"### BEGIN MISTAKE: {label}" if label else "### BEGIN ALTERNATIVE"
    return line_of(root / "content" / f"{stem}.py", marker)


def test_alternatives_pass_and_mistakes_are_caught_from_a_clean_state(verified):
    root, code, _ = verified
    run = run_of(root, "01_proven")
    # a later cell asserts that no mistake's global or random draw survived, and the
    # second cell's mistakes need the helper the first check defined
    assert run["status"] == "passed", run
    assert run["checks"] == {"alternatives": {"passed": 1, "total": 1},
                             "mistakes": {"caught": 4, "total": 4}, "unhelpful": 0}
    assert code == 1  # the other lessons fail


def test_variants_never_reach_the_exercise_or_the_executed_solution(verified):
    root, _, _ = verified
    exercise = (root / "exercises" / "01_proven.ipynb").read_text()
    executed = root / "build/executed/smoke/tensorflow/01_proven.ipynb"
    for text in (exercise, executed.read_text()):
        assert "x * x" not in text and "x + x" not in text
    cells = nbformat.read(executed, 4).cells
    assert not any(c.get("metadata", {}).get("coursekit") for c in cells)


def test_an_alternative_the_check_rejects_fails_naming_its_line(verified):
    root, _, out = verified
    run = run_of(root, "02_bad_alternative")
    line = begin_line(root, "02_bad_alternative")
    assert run["status"] == "failed"
    assert run["checks"]["alternatives"] == {"passed": 0, "total": 1}
    [problem] = run["contract_problems"]
    assert problem.startswith(f"content/02_bad_alternative.py:{line}: the alternative fails")
    assert "AssertionError: double(3) should be the int 6" in problem
    assert f"content/02_bad_alternative.py:{line}: the alternative fails" in out


def test_a_mistake_that_passes_or_slips_past_the_checks_fails(verified):
    root, _, _ = verified
    run = run_of(root, "03_uncaught")
    assert run["status"] == "failed"
    assert run["checks"]["mistakes"] == {"caught": 0, "total": 2}
    absolute = begin_line(root, "03_uncaught", "takes the absolute value")
    text = begin_line(root, "03_uncaught", "returns text")
    sums = line_of(root / "content" / "03_uncaught.py", "total = sum(")
    problems = run["contract_problems"]
    assert (f"content/03_uncaught.py:{absolute}: the mistake 'takes the absolute value' "
            "passes the check; make the check test what this mistake gets wrong") in problems
    assert (f"content/03_uncaught.py:{text}: the mistake 'returns text' is not caught by a "
            f"check: cell 3 at content/03_uncaught.py:{sums} (not a check) fails first with "
            "TypeError: unsupported operand type(s) for +: 'int' and 'str'") in problems


def test_a_mistake_caught_by_a_raw_library_error_is_unhelpful(verified):
    root, _, _ = verified
    run = run_of(root, "04_unhelpful")
    assert run["status"] == "failed"
    assert run["checks"] == {"alternatives": {"passed": 0, "total": 0},
                             "mistakes": {"caught": 0, "total": 1}, "unhelpful": 1}
    line = begin_line(root, "04_unhelpful", "returns text")
    [problem] = run["contract_problems"]
    assert problem.startswith(f"content/04_unhelpful.py:{line}: the mistake 'returns text' "
                              "is caught with an unhelpful TypeError")


def test_the_counts_reach_the_table_and_the_verification_page(verified):
    root, _, out = verified
    assert "1/1 alternatives pass, 4/4 mistakes caught" in out
    page = verification_page([], [run_of(root, "04_unhelpful")])
    assert "| Checks |" in page
    assert "0/0 alternatives pass, 0/1 mistakes caught, 1 unhelpful" in page
    assert checks_text({}) == "-" and checks_text(None, empty="–") == "–"


def test_editing_only_a_variant_re_runs_the_lesson(tmp_path):
    source = (FIXTURES / "variants" / "content" / "01_proven.py").read_text()
    path = tmp_path / "01_proven.py"
    inputs = dict(parameters={}, profile="smoke", targets={}, backend="tensorflow", data={},
                  python="3.11", code="")
    path.write_text(source)
    before = run_key(read_lesson(path), **inputs)
    assert "return x + x" in source  # only the alternative says it this way
    path.write_text(source.replace("return x + x", "return x * 2"))
    assert run_key(read_lesson(path), **inputs) != before
