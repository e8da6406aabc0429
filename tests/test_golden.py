"""Whole conversions against reviewed golden notebooks (tests/golden/<case>/).

A missing golden file fails; `python tests/regen_golden.py` writes them, by hand only.
"""

import pytest

from golden_files import CASES, CONVERSIONS, conversion, golden_text


def test_there_are_golden_cases():
    assert CASES, "no golden cases found under tests/golden"


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("variant", ["exercise", "solution"])
def test_conversion_matches_golden(case, variant):
    assert conversion(case, variant) == golden_text(CONVERSIONS / case / f"{variant}.ipynb")
