"""One verify at a time per course (issue 23): a second one stops with one clear line
and leaves every output as it was; a lock left by a dead process is taken over."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest

from conftest import lesson_source, make_course
from coursekit.errors import CourseError
from coursekit.run.lock import LOCK_NAME, course_lock
from verify_fixture import build

LESSON = lesson_source("""
    # %%
    print(6 * 7)
""")


def plant(build_dir, pid: int) -> None:
    build_dir.mkdir(parents=True, exist_ok=True)
    (build_dir / LOCK_NAME).write_text(json.dumps(
        {"pid": pid, "host": socket.gethostname(), "started": "2026-12-04T20:00:00+00:00"}))


def test_a_second_verify_names_the_first_and_leaves_the_outputs(tmp_path, capsys):
    root = make_course(tmp_path / "course", {"01_tiny": LESSON})
    assert build(capsys, root, "verify").code == 0
    before = (root / "build" / "report.json").read_bytes()
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        plant(root / "build", other.pid)
        result = build(capsys, root, "verify", "--force")
    finally:
        other.kill()
        other.wait()
    assert result.code == 2
    assert f"another verify of this course is running (pid {other.pid}" in result.err
    assert "build/verify.lock" in result.err and "Traceback" not in result.err
    assert (root / "build" / "report.json").read_bytes() == before
    assert (root / "build" / "executed").is_dir()


def test_a_stale_lock_is_taken_over_and_released(tmp_path, capsys):
    root = make_course(tmp_path / "course", {"01_tiny": LESSON})
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    plant(root / "build", gone.pid)
    assert build(capsys, root, "verify").code == 0
    assert not (root / "build" / LOCK_NAME).exists()


def test_the_lock_is_exclusive_within_one_process_too(tmp_path):
    with course_lock(tmp_path):
        with pytest.raises(CourseError, match="another verify of this course is running"):
            with course_lock(tmp_path):
                pass
    with course_lock(tmp_path):  # released: taken again
        assert (tmp_path / LOCK_NAME).exists()


def test_the_lock_file_appears_whole_or_not_at_all(tmp_path):
    """Created aside and linked into place: another verify never reads it empty, which it
    would take for a crash's leftover and delete while this one holds it."""
    from coursekit.run.lock import _create_whole

    path = tmp_path / "verify.lock"
    _create_whole(path, '{"pid": 1}')
    assert path.read_text() == '{"pid": 1}'
    with pytest.raises(FileExistsError):
        _create_whole(path, '{"pid": 2}')
    assert path.read_text() == '{"pid": 1}' and sorted(tmp_path.iterdir()) == [path]
