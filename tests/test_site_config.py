"""The course.yml settings the website reads: the schedule, validated with a message each."""

from __future__ import annotations

import pytest

from coursekit.config import load_course
from coursekit.errors import ConfigError
from site_fixture import FIXTURE

BASE = (FIXTURE / "course.yml").read_text().split("schedule:")[0]


def course_with(tmp_path, schedule_yaml: str):
    path = tmp_path / "course.yml"
    path.write_text(BASE + schedule_yaml)
    return load_course(path)


def test_a_schedule_mixes_lessons_and_free_text(tmp_path):
    course = course_with(tmp_path, "schedule:\n  - {when: '9:00', lesson: 01_squares}\n"
                                   "  - {when: '10:00', what: Lunch}\n")
    assert course.schedule == [{"when": "9:00", "lesson": "01_squares"},
                               {"when": "10:00", "what": "Lunch"}]


@pytest.mark.parametrize("entry, message", [
    ("just text", "schedule entry 1: unexpected shape"),
    ("{when: '9:00', what: Talk, room: B}", "schedule entry 1: unexpected shape"),
    ("{what: Talk}", "schedule entry 1 needs 'when' and 'what' or 'lesson'"),
    ("{when: '9:00'}", "schedule entry 1 needs 'when' and 'what' or 'lesson'"),
    ("{when: '9:00', what: 12}", "schedule entry 1: 'what' must be text"),
], ids=["not-a-mapping", "unknown-key", "no-when", "no-what", "what-not-text"])
def test_bad_schedule_entries_are_named(tmp_path, entry, message):
    with pytest.raises(ConfigError) as caught:
        course_with(tmp_path, f"schedule:\n  - {entry}\n")
    assert message in str(caught.value)
    assert "course.yml" in str(caught.value)
    assert "{when: 'Day 1, 09:00', lesson: 01_addition}" in str(caught.value)
