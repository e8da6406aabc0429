"""``build.py verify`` proves declared alternatives pass and declared mistakes are caught.

The fixture course (tests/fixtures/verify/variants/) is pure Python: one sound lesson and
one lesson per way a declared variant can fail.
"""

from __future__ import annotations

import shutil

import nbformat
import pytest

from conftest import add_project_files
from coursekit.publish.pages import LessonLinks, lesson_page, render_notes, verification_page
from coursekit.publish.student_view import notes_notebook
from coursekit.publish.variant_view import NO_MESSAGE, add_variants
from coursekit.run.cache import run_key
from coursekit.run.report import checks_text
from coursekit.run.verify import Verified
from coursekit.source.lesson import read_lesson
from verify_fixture import FIXTURES, copy_course, line_of, quiet_build, run_of


@pytest.fixture(scope="module")
def verified(tmp_path_factory):
    root = copy_course("variants", tmp_path_factory.mktemp("variants"))
    result = quiet_build(root, "verify", "--jobs", "2")
    return root, result.code, result.out


def counts(run):
    """The report's counts, without the per-variant details."""
    return {k: v for k, v in run["checks"].items() if k != "variants"}


def begin_line(root, stem, label=""):
    marker = f"### BEGIN MISTAKE: {label}" if label else "### BEGIN ALTERNATIVE"
    return line_of(root / "content" / f"{stem}.py", marker)


def test_alternatives_pass_and_mistakes_are_caught_from_a_clean_state(verified):
    root, code, _ = verified
    run = run_of(root, "01_proven")
    # a later cell asserts that no mistake's global or random draw survived, and the
    # second cell's mistakes need the helper the first check defined
    assert run["status"] == "passed", run
    assert counts(run) == {"alternatives": {"passed": 1, "total": 1},
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
    assert counts(run) == {"alternatives": {"passed": 0, "total": 0},
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


def test_each_variant_is_in_the_report_with_its_line_status_and_message(verified):
    root, _, _ = verified
    stem = "01_proven"
    expected = [
        ("alternative", "", "passed", ""),
        ("mistake", "squares instead of doubling", "caught", "double(3) should be 6, got 9"),
        ("mistake", "forgets to return", "caught", "double(3) should be 6, got None"),
        ("mistake", "doubles", "caught", "triple(2) should be 6, got 4"),
        ("mistake", "adds three", "caught", "triple(2) should be 6, got 5")]
    assert run_of(root, stem)["checks"]["variants"] == [
        {"kind": kind, "label": label, "line": begin_line(root, stem, label),
         "status": status, "message": message}
        for kind, label, status, message in expected]
    statuses = [(v["label"], v["status"], v["message"])
                for v in run_of(root, "03_uncaught")["checks"]["variants"]]
    assert statuses == [("takes the absolute value", "missed", ""),
                        ("returns text", "missed", "")]
    [unhelpful] = run_of(root, "04_unhelpful")["checks"]["variants"]
    assert unhelpful["status"] == "unhelpful"


def test_a_cached_run_keeps_the_variant_details(verified):
    root, _, _ = verified
    before = run_of(root, "01_proven")
    quiet_build(root, "verify", "--lesson", "01_proven")
    after = run_of(root, "01_proven")
    assert after["cached"] is True
    assert after["checks"] == before["checks"]
    assert len(after["checks"]["variants"]) == 5


def instructor_and_student_pages(root, stem):
    """The notes page of ``stem`` as the instructor's and the student's site render it."""
    lesson = read_lesson(root / "content" / f"{stem}.py")
    exercise = nbformat.read(root / "exercises" / f"{stem}.ipynb", 4)
    solution = nbformat.read(root / "solutions" / f"{stem}.ipynb", 4)
    run = run_of(root, stem)
    executed = nbformat.read(root / run["executed"], 4)
    verified = Verified(run=run, executed=executed, current=True)
    links = LessonLinks(colab="c", notebook="n", slides="s")
    pages = []
    for instructor in (True, False):
        view = notes_notebook(exercise, solution, executed, False, instructor)
        if instructor:
            view = add_variants(view, lesson, run)
        pages.append(lesson_page(lesson, view, links, verified, instructor=instructor)[0])
    return pages


def test_the_instructor_page_shows_alternatives_and_mistakes_with_their_messages(verified):
    root, _, _ = verified
    instructor, student = instructor_and_student_pages(root, "01_proven")
    # each block sits under its own solution: the alternative and the first two mistakes
    # after double's, the other two after triple's
    double_solution = instructor.index("return 2 * x")
    triple_solution = instructor.index("return 3 * x")
    alternatives = instructor.index('??? tip "Other ways to solve it"')
    assert double_solution < alternatives < triple_solution
    assert instructor.count('??? tip "Other ways to solve it"') == 1
    assert instructor.count('??? bug "Mistakes to expect"') == 2
    assert double_solution < instructor.index("return x + x") < triple_solution
    squares = instructor.index("**squares instead of doubling**")
    assert alternatives < squares < triple_solution
    assert "The check says:" in instructor[squares:triple_solution]
    assert "double(3) should be 6, got 9" in instructor[squares:triple_solution]
    adds = instructor.index("**adds three**")
    assert triple_solution < adds
    assert "triple(2) should be 6, got 5" in instructor[adds:]
    for secret in ("return x + x", "squares instead of doubling", "got 9", "adds three",
                   "Other ways to solve it", "Mistakes to expect"):
        assert secret not in student


def test_a_mistake_without_a_recorded_message_says_so(verified):
    root, _, _ = verified
    lesson = read_lesson(root / "content" / "01_proven.py")
    solution = nbformat.read(root / "solutions" / "01_proven.ipynb", 4)
    page = render_notes(add_variants(solution, lesson, None), "01_proven")[0]
    assert page.count(NO_MESSAGE) == 4
    assert "The check says:" not in page
    # no solution cell shown: the blocks follow the cell itself
    assert page.index("return 2 * x") < page.index("**forgets to return**")


def test_the_built_instructor_site_has_them_collapsed_and_the_student_site_does_not(tmp_path):
    """End to end: mkdocs renders the blocks as collapsed admonitions; the student's site
    (leak-scanned as it is built) has none of it."""
    root = tmp_path / "course"
    shutil.copytree(FIXTURES / "variants", root)
    for failing in (root / "content").glob("0[234]_*.py"):
        failing.unlink()
    add_project_files(root)
    for args in (["notebooks"], ["site", "--instructor"], ["site"]):
        assert quiet_build(root, *args).code == 0, args
    instructor = (root / "build/instructor-site/lessons/01_proven.html").read_text()
    student = (root / "build/site/lessons/01_proven.html").read_text()
    assert instructor.count('<details class="tip">') == 1
    assert instructor.count('<details class="bug">') == 2
    assert "double(3) should be 6, got 9" in instructor
    for text in ("Mistakes to expect", "Other ways to solve it", "squares instead",
                 "got 9", "x + x"):
        assert text not in student
