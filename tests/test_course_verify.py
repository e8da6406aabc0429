"""The shipped course, verified for real: every lesson under the smoke profile on
TensorFlow, and lessons 00 and 04 on JAX and PyTorch too (what CI proves on each run).
Lesson 01's training to its target on JAX and PyTorch (about 80 CPU-s each) is run by hand
with three seeds (docs/benchmarks.md); its code on those backends is checked in seconds by
tests/test_lesson01_backends.py.

Slow by nature (it trains the five lessons); it runs in a copy of the course so the
repository's own build/ and cache stay untouched.
"""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, SHARED_DATA, run_build

MULTI_BACKEND = ["00_welcome", "04_lstm"]


@pytest.fixture(scope="module")
def course_copy(real_course, shipped_site):
    # one copy shared by every worker (tests/conftest.py): it trained once, for the site
    # that the deck tests read; after that site is built, no other build touches the copy
    return real_course


def meets(value: float, bounds: dict) -> bool:
    return bounds.get("min", value) <= value <= bounds.get("max", value)


def check_runs(root, backend: str, stems: list[str]) -> None:
    report = json.loads((root / "build" / "report.json").read_text())
    runs = {(r["lesson"], r["backend"]): r for r in report["runs"] if r["profile"] == "smoke"}
    for stem in stems:
        run = runs[(stem, backend)]
        assert (run["status"], run["contract"]) == ("passed", "passed"), run
        assert run["targets"], f"{stem} declares no smoke targets"
        for metric, bounds in run["targets"].items():
            assert meets(run["metrics"][metric], bounds), (stem, metric, run["metrics"])
        assert (root / run["executed"]).is_file()


def test_every_lesson_passes_smoke_on_tensorflow(course_copy):
    # the training was conftest.train_real_course's; again, it is a no-change run
    result = run_build(course_copy, "verify", "--profile", "smoke", "--backend", "tensorflow",
                       "--data-dir", str(SHARED_DATA))
    assert result.returncode == 0, result.stdout + result.stderr
    stems = sorted(p.stem for p in (ROOT / "content").glob("*.py"))
    check_runs(course_copy, "tensorflow", stems)


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_core_lessons_pass_smoke_on_other_backends(real_course_other_backends, backend):
    course_copy = real_course_other_backends
    lessons = [arg for stem in MULTI_BACKEND for arg in ("--lesson", stem)]
    result = run_build(course_copy, "verify", "--profile", "smoke", "--backend", backend,
                       "--data-dir", str(SHARED_DATA), *lessons)
    assert result.returncode == 0, result.stdout + result.stderr
    check_runs(course_copy, backend, MULTI_BACKEND)
