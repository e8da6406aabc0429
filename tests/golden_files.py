"""Every golden file and what the code now makes of it, for the golden tests and for
``tests/regen_golden.py``, the one script that rewrites them (by hand only).

Two sets: whole conversions of tests/golden/<case>/lesson.py to exercise and solution
notebooks, and the fixture site's pages and decks (site_fixture.golden_renderings).
"""

from __future__ import annotations

from pathlib import Path

from coursekit.config import load_course
from coursekit.source.lesson import read_lesson
from coursekit.source.transforms import exercise_notebook, solution_notebook, to_bytes
from site_fixture import GOLDEN as SITE_GOLDEN
from site_fixture import golden_renderings

CONVERSIONS = Path(__file__).parent / "golden"
CASES = sorted(p.parent.name for p in CONVERSIONS.glob("*/lesson.py"))
BUILDERS = {"exercise": exercise_notebook, "solution": solution_notebook}
MISSING = "is missing: review and run `python tests/regen_golden.py`"


def golden_text(path: Path) -> str:
    """What the reviewed golden file ``path`` holds; a missing one fails, never created."""
    assert path.is_file(), f"{path} {MISSING}"
    return path.read_text(encoding="utf-8")


def conversion(case: str, variant: str) -> str:
    """The ``variant`` notebook of golden case ``case``, as the code makes it now."""
    lesson = read_lesson(CONVERSIONS / case / "lesson.py")
    return to_bytes(BUILDERS[variant](lesson, load_course(CONVERSIONS / "course.yml"))).decode()


def every_golden() -> dict[Path, str]:
    """Golden file → what it should hold."""
    found = {CONVERSIONS / case / f"{variant}.ipynb": conversion(case, variant)
             for case in CASES for variant in BUILDERS}
    found.update((SITE_GOLDEN / name, text) for name, text in golden_renderings().items())
    return found
