"""Whole conversions against reviewed golden notebooks (tests/golden/<case>/).

A missing golden file fails; `python tests/regen_golden.py` writes them, by hand only.
"""

import pytest

from golden_files import CASES, CONVERSIONS, MISSING, conversion


def test_there_are_golden_cases():
    assert CASES, "no golden cases found under tests/golden"


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("variant", ["exercise", "solution"])
def test_conversion_matches_golden(case, variant):
    expected = CONVERSIONS / case / f"{variant}.ipynb"
    assert expected.is_file(), f"{expected} {MISSING}"
    assert conversion(case, variant) == expected.read_text(encoding="utf-8")
