"""An exercise's own minutes (``# %% minutes=5`` on its cell): read with the lesson, checked
(file and line, exit 2, nothing written), and shown by its deck timer; the other
exercises share what the header's ``exercises`` minutes leave."""

from __future__ import annotations

import pytest

from conftest import lesson_source, run_build, snapshot
from coursekit.config import load_course
from coursekit.errors import LessonFormatError
from coursekit.publish.deck_view import lesson_view
from coursekit.source.lesson import read_lesson
from coursekit.source.transforms import exercise_notebook, solution_notebook

HEADER = """\
# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   course:
#     title: Two exercises
#     teaching: 10
#     exercises: {exercises}
# ---
"""
BODY = """
# %% [markdown] slideshow={{"slide_type": "slide"}}
# ## Scale
# Divide by 255.

# %% {first}
x = 255 / 255  # SOLUTION

# %% [markdown] slideshow={{"slide_type": "slide"}}
# ## Build
# Stack the layers.

# %%
y = [1, 2]  # SOLUTION
"""


def lesson(tmp_path, first: str = "minutes=3", exercises: int = 12):
    source = lesson_source(BODY.format(first=first), header=HEADER.format(exercises=exercises))
    path = tmp_path / "01_two.py"
    path.write_text(source, encoding="utf-8")
    return path, source


def line_of(source: str, needle: str) -> int:
    return next(n for n, line in enumerate(source.split("\n"), 1) if needle in line)


def test_an_exercise_keeps_its_own_minutes_and_the_other_gets_the_rest(tmp_path, course):
    path, _ = lesson(tmp_path)
    read = read_lesson(path)
    assert [cell.minutes for cell in read.cells if cell.minutes] == [3]
    config = load_course(course({}) / "course.yml")
    deck = lesson_view(read, exercise_notebook(read, config), solution_notebook(read, config),
                       None)
    timers = [cell.source for cell in deck.cells if cell.id.endswith("-timer")]
    assert len(timers) == 2
    assert 'data-minutes="3"' in timers[0] and "3 min" in timers[0]
    assert 'data-minutes="9"' in timers[1]  # 12 - 3
    # the minutes are the deck's: the notebooks students open do not carry them
    assert all("minutes" not in cell.metadata for cell in exercise_notebook(read, config).cells)


@pytest.mark.parametrize("first, message", [
    ("minutes=0", "'minutes' must be a whole number of minutes (1 or more), not 0"),
    ('minutes="five"', "not 'five'"),
    ("minutes=2.5", "not 2.5"),
])
def test_a_bad_minutes_value_names_the_cells_line(tmp_path, first, message):
    path, source = lesson(tmp_path, first)
    with pytest.raises(LessonFormatError) as info:
        read_lesson(path)
    assert message in str(info.value)
    assert info.value.line == line_of(source, first)


def test_minutes_on_a_cell_that_is_no_exercise_is_an_error(tmp_path):
    source = lesson_source(BODY.format(first="").replace(
        '# %% [markdown] slideshow={"slide_type": "slide"}\n# ## Build',
        '# %% [markdown] slideshow={"slide_type": "slide"} minutes=4\n# ## Build'),
        header=HEADER.format(exercises=12))
    path = tmp_path / "01_two.py"
    path.write_text(source, encoding="utf-8")
    with pytest.raises(LessonFormatError) as info:
        read_lesson(path)
    assert "'minutes' on a cell that is not an exercise" in str(info.value)
    assert info.value.line == line_of(source, "minutes=4")


def test_own_minutes_beyond_the_headers_exercises_fail_the_build_and_write_nothing(course):
    good = lesson_source(BODY.format(first="minutes=3"), header=HEADER.format(exercises=12))
    root = course({"01_two": good})
    assert run_build(root, "notebooks").returncode == 0
    before = snapshot(root)
    bad = good.replace("minutes=3", "minutes=20")
    (root / "content" / "01_two.py").write_text(bad, encoding="utf-8")
    result = run_build(root, "notebooks")
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"01_two.py:{line_of(bad, 'exercises: 12')}" in result.stderr
    assert "add up to 20, more than the header's 'exercises: 12'" in result.stderr
    assert snapshot(root) == before  # the notebooks of the good lesson stay
