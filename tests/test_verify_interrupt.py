"""Ctrl-C during ``verify``: every kernel stops and nothing is left half-written."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT, ctrl_c_reaches_children
from verify_fixture import DATA, build, copy_course


def files_under(root):
    return {p.relative_to(root): p.read_bytes() for folder in ("build", ".cache")
            for p in sorted((root / folder).rglob("*")) if p.is_file()}


# SIGTERM (a cancelled CI job, `kill`) unwinds as Ctrl-C does (issue 23); 128 + signal
@pytest.mark.parametrize("stop, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_ctrl_c_stops_the_kernel_and_leaves_report_cache_and_notebooks_as_they_were(
        tmp_path, capsys, stop, code):
    root = copy_course("course", tmp_path)
    assert build(capsys, root, "verify", "--data-dir", str(DATA)).code == 0
    before = files_under(root)
    pidfile = tmp_path / "kernel.pid"
    env = dict(os.environ, VERIFY_FIXTURE_PIDFILE=str(pidfile), VERIFY_FIXTURE_SLEEP="300")
    with ctrl_c_reaches_children():
        build_py = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "--root", str(root), "verify", "--force",
             "--data-dir", str(DATA), "--jobs", "2"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(600):  # until 02_other's kernel is busy in its long cell
            if pidfile.exists() and pidfile.read_text():
                break
            assert build_py.poll() is None, build_py.communicate()
            time.sleep(0.1)
        kernel = int(pidfile.read_text())
        build_py.send_signal(stop)
        out, err = build_py.communicate(timeout=60)
    finally:
        build_py.kill()
    assert build_py.returncode == code, (out, err)
    assert "interrupted; earlier outputs are left as they were" in err
    assert not os.path.exists(f"/proc/{kernel}")  # the busy kernel is gone, not orphaned
    after = files_under(root)
    # 01_sound may have finished first (whole new files, a run that passed); nothing else
    # changed, no temporary file remains, and the report is the one from before
    assert set(after) == set(before)  # no new file: no temporary, no partial entry
    changed = {p.as_posix() for p in after if after[p] != before[p]}
    # an entry names no lesson (lessons with one code share it): 01_sound's is the one
    # with its metric
    sound_entry = {p.as_posix() for p in after if p.parts[:2] == (".cache", "verify")
                   and '"total"' in json.dumps(json.loads(after[p])["outputs"])}
    assert changed <= {"build/executed/smoke/tensorflow/01_sound.ipynb",
                       "build/logs/smoke/tensorflow/01_sound.log",
                       "build/logs/smoke/tensorflow/02_other.log", *sound_entry}
    assert "build/report.json" not in changed
