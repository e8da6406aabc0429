"""A full disk, a spent quota, a read-only folder: one line saying what to do, exit 2, and
every earlier output as it was (issue 23, item 11)."""

from __future__ import annotations

import errno
import os

import pytest

import coursekit.fsutil
from conftest import lesson_source, run_build, snapshot

LESSON = """\
# %%
x = 1  # SOLUTION
"""


@pytest.fixture
def built(course):
    root = course({"01_one": lesson_source(LESSON)})
    assert run_build(root, "notebooks").returncode == 0
    (root / "content" / "01_one.py").write_text(lesson_source(LESSON.replace("1", "2")))
    return root


@pytest.mark.parametrize("code, advice", [(errno.ENOSPC, "free some space"),
                                          (errno.EROFS, "build in a writable folder")])
def test_a_refusal_of_the_machine_is_one_line_and_keeps_the_outputs(built, monkeypatch,
                                                                    code, advice):
    before = snapshot(built)

    def refuse(src, dst):
        raise OSError(code, os.strerror(code), str(dst))

    monkeypatch.setattr(coursekit.fsutil.os, "replace", refuse)
    result = run_build(built, "notebooks")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().split("\n")
    assert line.startswith("error: ") and "01_one.ipynb" in line and os.strerror(code) in line
    assert advice in line and "earlier outputs are left as they were" in line
    assert snapshot(built) == before


def test_any_other_os_error_is_a_bug_and_keeps_its_traceback(built, monkeypatch):
    def fail(src, dst):
        raise OSError(errno.EIO, os.strerror(errno.EIO), str(dst))

    monkeypatch.setattr(coursekit.fsutil.os, "replace", fail)
    with pytest.raises(OSError):
        run_build(built, "notebooks")
