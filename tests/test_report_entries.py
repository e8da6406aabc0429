"""A damaged build/report.json (issue 23): an entry with missing or mistyped fields is
named, never a traceback; a verify of some lessons says which earlier entries it dropped."""

from __future__ import annotations

import json

import pytest

from conftest import lesson_source, make_course
from coursekit.config import Project
from coursekit.errors import CourseError
from coursekit.run.report import load_runs
from verify_fixture import build, runs

LESSONS = {"01_one": lesson_source("# %%\nprint(1)\n"),
           "02_two": lesson_source("# %%\nprint(2)\n")}


@pytest.fixture
def verified(tmp_path, capsys):
    root = make_course(tmp_path / "course", LESSONS)
    assert build(capsys, root, "verify").code == 0
    return root


def rewrite(root, change) -> None:
    path = root / "build" / "report.json"
    report = json.loads(path.read_text())
    change(report["runs"])
    path.write_text(json.dumps(report))


@pytest.mark.parametrize("change, message", [
    (lambda runs: runs[1].pop("status"), "run 2: lesson '02_two' has no 'status'"),
    (lambda runs: runs[0].update(metrics=[0.9]),
     "run 1: lesson '01_one': 'metrics' is [0.9], not dict"),
])
def test_a_damaged_entry_is_named(verified, change, message):
    rewrite(verified, change)
    with pytest.raises(CourseError) as info:
        load_runs(Project(verified))
    assert message in str(info.value) and "report.json" in str(info.value)


def test_a_truncated_report_and_verify_lesson_say_what_was_dropped(verified, capsys):
    path = verified / "build" / "report.json"
    path.write_text(path.read_text()[:200])
    result = build(capsys, verified, "verify", "--lesson", "01_one")
    assert result.code == 0
    assert "note: report.json could not be read" in result.out
    assert "verify the other lessons again" in result.out
    assert {stem for stem, _, _ in runs(verified)} == {"01_one"}


def test_verify_lesson_keeps_good_entries_and_names_a_dropped_one(verified, capsys):
    rewrite(verified, lambda runs: runs[1].pop("profile"))
    result = build(capsys, verified, "verify", "--lesson", "01_one")
    assert "note: report.json: dropped run 2: lesson '02_two' has no 'profile'" in result.out
    rewrite(verified, lambda runs: None)  # well-formed again: 01_one only, so far
    assert build(capsys, verified, "verify", "--lesson", "02_two").code == 0
    result = build(capsys, verified, "verify", "--lesson", "01_one")
    assert "note:" not in result.out
    assert {stem for stem, _, _ in runs(verified)} == {"01_one", "02_two"}
