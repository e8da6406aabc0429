"""Whole conversions against reviewed golden notebooks (tests/golden/<case>/).

A missing golden file fails; `python tests/golden/regen.py CASE` writes them by hand.
"""

from pathlib import Path

import pytest

from coursekit.config import load_course
from coursekit.source.lesson import read_lesson
from coursekit.source.transforms import exercise_notebook, solution_notebook, to_bytes

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.parent.name for p in GOLDEN.glob("*/lesson.py"))


def test_there_are_golden_cases():
    assert CASES, "no golden cases found under tests/golden"


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("variant, build", [("exercise", exercise_notebook),
                                            ("solution", solution_notebook)])
def test_conversion_matches_golden(case, variant, build):
    expected = GOLDEN / case / f"{variant}.ipynb"
    assert expected.is_file(), f"{expected} is missing: review and run tests/golden/regen.py"
    lesson = read_lesson(GOLDEN / case / "lesson.py")
    got = to_bytes(build(lesson, load_course(GOLDEN / "course.yml")))
    assert got.decode() == expected.read_text(encoding="utf-8")
