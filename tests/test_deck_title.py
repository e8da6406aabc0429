"""A deck's title slide (issue 21 item 6): the course, the lesson, who presents it and on
which day (course.yml's ``instructors`` and ``schedule: date``), and a link back to the
lesson's notes page. The day is validated like the rest of the schedule (line named)."""

from __future__ import annotations

import dataclasses

import pytest

from coursekit.config import load_course
from coursekit.errors import ConfigError
from coursekit.publish.deck_view import lesson_view
from coursekit.source.lesson import load_lessons
from coursekit.source.transforms import exercise_notebook, solution_notebook
from site_fixture import FIXTURE, fake_executed

BASE = (FIXTURE / "course.yml").read_text().split("schedule:")[0]
SCHEDULE_LINE = BASE.count("\n") + 1


def course_with(tmp_path, schedule_yaml: str):
    path = tmp_path / "course.yml"
    path.write_text(BASE + "schedule:\n" + schedule_yaml)
    return load_course(path)


@pytest.mark.parametrize("written", ["2026-12-05", "'2026-12-05'"])
def test_the_schedule_may_name_the_day(tmp_path, written):
    course = course_with(tmp_path, f"  date: {written}\n  start: '09:30'\n")
    assert course.schedule.date == "2026-12-05"
    assert course_with(tmp_path, "  start: '09:30'\n").schedule.date == ""


@pytest.mark.parametrize("written", ["5 December", "'2026-13-01'", "2026-12-05 10:00"])
def test_a_day_that_is_no_date_names_its_line(tmp_path, written):
    with pytest.raises(ConfigError) as info:
        course_with(tmp_path, f"  start: '09:30'\n  date: {written}\n")
    assert "is not a day like 2026-12-05" in str(info.value)
    assert info.value.line == SCHEDULE_LINE + 2


def test_a_date_yaml_itself_cannot_read_is_a_config_error_not_a_crash(tmp_path):
    with pytest.raises(ConfigError, match="invalid YAML: month must be in 1..12"):
        course_with(tmp_path, "  start: '09:30'\n  date: 2026-13-01\n")


def deck(course, stem="01_squares"):
    lesson = next(lesson for lesson in load_lessons(FIXTURE / "content") if lesson.stem == stem)
    solution = solution_notebook(lesson, course)
    return lesson, lesson_view(lesson, exercise_notebook(lesson, course), solution,
                               fake_executed(solution), course=course)


def test_the_title_slide_names_course_lesson_presenter_and_day_and_links_the_notes():
    course = load_course(FIXTURE / "course.yml")
    course = dataclasses.replace(course, schedule=dataclasses.replace(course.schedule,
                                                                      date="2026-12-05"))
    lesson, nb = deck(course)
    title = nb.cells[0]
    assert title.metadata["slideshow"]["slide_type"] == "slide"
    assert title.metadata["slideshow"]["data"]["source"] == "content/01_squares.py"
    assert int(title.metadata["slideshow"]["data"]["line"]) > 0  # the fit check names it
    text = title.source
    assert "Tiny Fixture Course" in text and f"# {lesson.title}" in text
    assert "Ada Example · 5 December 2026" in text
    assert 'href="../lessons/01_squares.html"' in text
    # the lesson's own first slide follows, whole
    assert nb.cells[1].source.startswith("# Squares and a plot")


def test_without_a_day_or_instructors_the_title_slide_says_what_it_knows():
    course = dataclasses.replace(load_course(FIXTURE / "course.yml"), instructors=[],
                                 title="A <b> course")
    _, nb = deck(course)
    text = nb.cells[0].source
    assert "ck-deck-byline" not in text  # no empty line for a presenter or a day
    assert "A &lt;b&gt; course" in text  # course.yml text is text, not HTML
