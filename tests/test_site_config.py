"""The course.yml schedule: a start time and breaks, validated with a message that names
course.yml, the line and what to write instead."""

from __future__ import annotations

import pytest

from coursekit.config import Break, Schedule, load_course
from coursekit.errors import ConfigError
from site_fixture import FIXTURE

BASE = (FIXTURE / "course.yml").read_text().split("schedule:")[0]
FIRST_LINE = BASE.count("\n") + 1  # the line of "schedule:"


def course_with(tmp_path, schedule_yaml: str):
    path = tmp_path / "course.yml"
    path.write_text(BASE + schedule_yaml)
    return load_course(path)


def test_a_schedule_has_a_start_and_breaks_after_lessons(tmp_path):
    course = course_with(tmp_path, "schedule:\n  start: '09:30'\n  breaks:\n"
                                   "    - {after: 01_squares, minutes: 15, title: Coffee}\n"
                                   "    - {after: 02_words, minutes: 60}\n")
    assert course.schedule == Schedule(start=9 * 60 + 30, breaks=(
        Break("01_squares", 15, "Coffee", FIRST_LINE + 3),
        Break("02_words", 60, "Break", FIRST_LINE + 4)))


@pytest.mark.parametrize("schedule, message, line", [
    ("  start: 9h30\n", "schedule start '9h30' is not a time like \"09:30\"", 1),
    ("  start: '25:00'\n", "schedule start '25:00' is not a time", 1),
    ("  start: 9:30\n", "schedule start must be quoted", 1),
    ("  start: '09:30'\n  breaks:\n    - {after: 01_squares, minutes: -5}\n",
     "break 1: minutes must be a whole number above 0, not -5", 3),
    ("  start: '09:30'\n  breaks:\n    - {after: 01_squares, minutes: 10}\n"
     "    - {after: 01_squares, minutes: ten}\n",
     "break 2: minutes must be a whole number above 0, not 'ten'", 4),
    ("  start: '09:30'\n  breaks:\n    - {minutes: 10}\n", "break 1 needs 'after'", 3),
    ("  start: '09:30'\n  lunch: 12\n", "unknown schedule setting 'lunch'", 2),
], ids=["not-a-time", "no-such-hour", "unquoted", "negative-minutes", "minutes-not-a-number",
        "no-after", "unknown-key"])
def test_bad_schedules_name_course_yml_and_the_line(tmp_path, schedule, message, line):
    with pytest.raises(ConfigError) as caught:
        course_with(tmp_path, "schedule:\n" + schedule)
    text = str(caught.value)
    assert message in text
    assert f"course.yml:{FIRST_LINE + line}:" in text
    assert "{start: '09:30', breaks: [{after: 01_addition" in text  # what to write


def test_the_old_list_form_says_what_the_schedule_looks_like(tmp_path):
    with pytest.raises(ConfigError) as caught:
        course_with(tmp_path, "schedule:\n  - {when: '9:00', lesson: 01_squares}\n")
    assert f"course.yml:{FIRST_LINE}: 'schedule' must be a dict" in str(caught.value)
    assert "start: '09:30'" in str(caught.value)


def test_a_yaml_alias_bomb_in_course_yml_is_refused_with_its_line(tmp_path):
    from test_lesson import _bomb
    path = tmp_path / "course.yml"
    path.write_text("title: T\nslug: t\nversion: '1'\nsummary: x\n" + _bomb() + "\n",
                    encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_course(path)
    assert "aliases here expand to more than 20,000 values" in str(info.value)
    assert info.value.line == 9  # l4, the first level past the bound


def test_non_utf8_course_yml_names_the_line(tmp_path):
    path = tmp_path / "course.yml"
    path.write_bytes(b"title: T\nslug: t\nversion: '1'\nsummary: caf\xe9\n")
    with pytest.raises(ConfigError) as info:
        load_course(path)
    assert "byte 0xe9 is not UTF-8" in str(info.value) and info.value.line == 4
