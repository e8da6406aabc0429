"""One verify at a time per course (issue 23): a second one stops with one clear line
and leaves every output as it was; the lock ends with the process that holds it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from conftest import lesson_source, make_course
from coursekit.errors import CourseError
from coursekit.run.lock import LOCK_NAME, OWNER_NAME, course_lock
from verify_fixture import build

LESSON = lesson_source("""
    # %%
    print(6 * 7)
""")


HOLD = """
import sys, time
from pathlib import Path
from coursekit.run.lock import course_lock
with course_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold_lock(build_dir, seconds: float = 60) -> subprocess.Popen:
    """Another process holding the course's lock, as a running verify does."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(build_dir), str(seconds)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_verify_names_the_first_and_leaves_the_outputs(tmp_path, capsys):
    root = make_course(tmp_path / "course", {"01_tiny": LESSON})
    assert build(capsys, root, "verify").code == 0
    before = (root / "build" / "report.json").read_bytes()
    other = hold_lock(root / "build")
    try:
        result = build(capsys, root, "verify", "--force")
    finally:
        other.kill()
        other.wait()
    assert result.code == 2
    assert f"another verify of this course is running (pid {other.pid}" in result.err
    assert "build/verify.lock" in result.err and "Traceback" not in result.err
    assert (root / "build" / "report.json").read_bytes() == before
    assert (root / "build" / "executed").is_dir()


def test_a_killed_verify_leaves_no_lock_behind(tmp_path, capsys):
    """The lock ends with its process, however it ends: nothing stale to take over."""
    root = make_course(tmp_path / "course", {"01_tiny": LESSON})
    other = hold_lock(root / "build")
    other.kill()
    other.wait()
    # what it left: the lock file, and a record naming a pid that is gone
    assert (root / "build" / LOCK_NAME).exists()
    assert build(capsys, root, "verify").code == 0
    assert not (root / "build" / OWNER_NAME).exists()
    with course_lock(root / "build"):  # released by the verify: taken again
        pass


def test_the_lock_is_exclusive_within_one_process_too(tmp_path):
    with course_lock(tmp_path):
        with pytest.raises(CourseError, match="another verify of this course is running"):
            with course_lock(tmp_path):
                pass
    with course_lock(tmp_path):  # released: taken again
        assert json.loads((tmp_path / OWNER_NAME).read_text())["pid"] == os.getpid()


RACE = """
import os, sys, time
from pathlib import Path
from coursekit.errors import CourseError
from coursekit.run.lock import course_lock
build, start, racers = Path(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
decided = build.parent / "decided"
time.sleep(max(0.0, start - time.time()))

def report(word):
    print(word, flush=True)
    (decided / str(os.getpid())).touch()

try:
    with course_lock(build):
        report("got")
        # held until every racer has decided: however slowly they start, none comes after
        while len(list(decided.iterdir())) < racers and time.time() < start + 60:
            time.sleep(0.05)
except CourseError:
    report("busy")
"""


def test_verifies_started_together_over_a_dead_ones_lock_run_one_at_a_time(tmp_path):
    """Four verifies start at the same instant where a killed one left its files: exactly
    one runs (the stale-lock takeover let two through: each deleted the other's lock)."""
    build_dir = tmp_path / "build"
    dead = hold_lock(build_dir)
    dead.kill()
    dead.wait()
    (tmp_path / "decided").mkdir()
    start = str(time.time() + 2.0)
    racers = [subprocess.Popen([sys.executable, "-c", RACE, str(build_dir), start, "4"],
                               stdout=subprocess.PIPE, text=True) for _ in range(4)]
    said = sorted(proc.communicate(timeout=60)[0].strip() for proc in racers)
    assert said == ["busy", "busy", "busy", "got"]
