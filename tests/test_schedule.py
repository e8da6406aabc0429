"""The day's schedule (clock times from the lessons' minutes, the start and the breaks)
and the objectives/keypoints page: units, golden pages, and the checks on bad values."""

from __future__ import annotations

import dataclasses

import pytest

from conftest import lesson_source, run_build
from coursekit.config import Break, Schedule, load_course
from coursekit.errors import ConfigError, LessonFormatError
from coursekit.publish.pages import home_page
from coursekit.publish.schedule import (
    check_breaks,
    clock_text,
    outcomes_page,
    schedule_table,
    timetable,
    untimed_warnings,
)
from coursekit.source.lesson import load_lessons, read_lesson
from golden_files import golden_text
from site_fixture import FIXTURE, GOLDEN, golden_renderings

COURSE = load_course(FIXTURE / "course.yml")
LESSONS = load_lessons(FIXTURE / "content")

TIMED_HEADER = """\
# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   course:
#     title: Timed
#     teaching: {teaching}
#     exercises: 5
#     objectives: {objectives}
# ---
"""


def timed(teaching="10", objectives="[Do a thing.]") -> str:
    return lesson_source("# %%\nx = 1\n",
                         header=TIMED_HEADER.format(teaching=teaching, objectives=objectives))


def spans(course, lessons) -> list[tuple[str, str, str]]:
    return [(slot.title, clock_text(slot.start), clock_text(slot.end))
            for slot in timetable(course, lessons)]


def test_clock_times_follow_minutes_and_breaks():
    assert spans(COURSE, LESSONS) == [("Squares and a plot", "09:00", "09:30"),
                                      ("Coffee break", "09:30", "09:45"),
                                      ("Counting words", "09:45", "10:15")]


def test_the_shipped_course_runs_from_half_past_nine_to_ten_past_five():
    from conftest import ROOT
    course, lessons = load_course(ROOT / "course.yml"), load_lessons(ROOT / "content")
    assert [row[1:] for row in spans(course, lessons)] == [
        ("09:30", "10:10"), ("10:10", "11:25"), ("11:25", "11:40"), ("11:40", "13:10"),
        ("13:10", "14:10"), ("14:10", "15:30"), ("15:30", "15:45"), ("15:45", "17:00"),
        ("17:00", "17:10")]
    assert all(lesson.objectives and lesson.keypoints for lesson in lessons)


def test_an_untimed_lesson_leaves_the_clock_unknown_after_it():
    untimed = dataclasses.replace(LESSONS[0], teaching=None, exercises=None)
    assert spans(COURSE, [untimed, LESSONS[1]]) == [("Squares and a plot", "09:00", "?"),
                                                    ("Coffee break", "?", "?"),
                                                    ("Counting words", "?", "?")]
    assert untimed_warnings([untimed, LESSONS[1]]) == [
        f"{untimed.path}: warning: no 'teaching' and 'exercises' minutes in the header; "
        "the schedule cannot give clock times from here on"]


def test_without_a_start_time_the_table_shows_elapsed_time():
    table = schedule_table(dataclasses.replace(COURSE, schedule=None), LESSONS)
    assert table.split("\n") == ["| Elapsed | What | Minutes |", "|---|---|---|",
                                 "| 00:00–00:30 | [Squares and a plot](01_squares) | 20 + 10 |",
                                 "| 00:30–01:00 | [Counting words](02_words) | 15 + 15 |"]


def test_the_home_page_shows_the_timed_schedule_and_links_the_outcomes():
    page = home_page(COURSE, LESSONS, "tiny-course-1.0.zip")
    assert "| 09:00–09:30 | [Squares and a plot](lessons/01_squares.md) | 20 + 10 |" in page
    assert "| 09:30–09:45 | *Coffee break* | 15 |" in page
    assert "[objectives and keypoints](outcomes.md)" in page


def test_a_break_after_an_unknown_lesson_names_course_yml_and_its_line():
    course = dataclasses.replace(COURSE, schedule=Schedule(540, (Break("09_nope", 15, "Tea", 17),)))
    with pytest.raises(ConfigError) as caught:
        check_breaks(course, LESSONS, FIXTURE / "course.yml")
    assert str(caught.value).startswith(
        f"{FIXTURE / 'course.yml'}:17: the break 'Tea' comes after lesson '09_nope', which "
        "content/ does not have. lessons: 01_squares, 02_words")


RENDERINGS = golden_renderings()


@pytest.mark.parametrize("name", ["schedule.md", "outcomes.md"])
def test_schedule_and_outcomes_match_golden(name):
    assert RENDERINGS[name] == golden_text(GOLDEN / name)


def test_outcomes_list_every_lessons_objectives_and_keypoints():
    page = outcomes_page(LESSONS, lambda stem: f"lessons/{stem}.md")
    squares = page.index("## [Squares and a plot](lessons/01_squares.md)")
    words = page.index("## [Counting words](lessons/02_words.md)")
    assert squares < page.index("- Write a function that squares a number.") < words
    assert words < page.index("- str.split() splits at any whitespace.")


@pytest.mark.parametrize("teaching, objectives, message, line", [
    ("-5", "[Do a thing.]", "'teaching' must be a whole number of minutes (0 or more), not -5", 9),
    ("ten", "[Do a thing.]", "'teaching' must be a whole number of minutes (0 or more), not 'ten'",
     9),
    ("10", "Do a thing.", "'objectives' must be a list of sentences", 11),
], ids=["negative", "not-a-number", "objectives-not-a-list"])
def test_bad_lesson_timings_name_the_lesson_file_and_line(tmp_path, teaching, objectives,
                                                          message, line):
    path = tmp_path / "01_timed.py"
    path.write_text(timed(teaching, objectives))
    with pytest.raises(LessonFormatError) as caught:
        read_lesson(path)
    assert str(caught.value).startswith(f"{path}:{line}: {message}")


def test_check_warns_about_an_untimed_lesson_and_fails_on_an_unknown_break(course):
    root = course({"01_timed": timed(), "02_untimed": lesson_source("# %%\nx = 1\n")})
    config = root / "course.yml"
    config.write_text(config.read_text().split("schedule:")[0] + "schedule:\n  start: '09:00'\n"
                      "  breaks:\n    - {after: 01_timed, minutes: 10}\n")
    assert run_build(root, "notebooks").returncode == 0
    result = run_build(root, "check")
    assert result.returncode == 0, result.stderr
    assert "content/02_untimed.py: warning: no 'teaching' and 'exercises' minutes" in result.stderr
    assert "01_timed.py: warning" not in result.stderr
    config.write_text(config.read_text().replace("after: 01_timed", "after: 07_gone"))
    result = run_build(root, "check")
    assert result.returncode == 2
    assert "course.yml:" in result.stderr and "after lesson '07_gone'" in result.stderr
