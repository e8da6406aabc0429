"""A check script run on one Keras backend, in an interpreter of its own (Keras picks its
backend once per process): the tests of a lesson's own code on each backend use it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def run_on_backend(check: str, backend: str, saved: Path) -> str:
    """Run ``check`` on ``backend`` with ``BENCH`` (bench/, whose helpers take code from
    the lessons) and ``PATH`` (where to save a model) defined; its last line, which must
    start with "ok", else the test fails with the script's output."""
    script = f"BENCH = {str(ROOT / 'bench')!r}\nPATH = {str(saved)!r}\n" + check
    env = {"KERAS_BACKEND": backend, "PATH": "/usr/bin:/bin", "TF_CPP_MIN_LOG_LEVEL": "3",
           "OMP_NUM_THREADS": "1"}  # one thread: the suite's workers share two cores
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                            text=True, timeout=300)
    lines = result.stdout.strip().splitlines()
    assert result.returncode == 0 and lines and lines[-1].startswith("ok"), (
        result.stdout[-2000:] + result.stderr[-4000:])
    return lines[-1]
