"""The setup cell every exercise and solution notebook starts with (source/setup_cell.py):
what it installs, how it checks data and the runtime, and that it is a no-op when the
runtime is the verified one. The fresh-venv test is in test_package.py (it reuses that
module's venv): it installs from a local wheelhouse built from a tiny package, no network."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import lesson_source, run_build
from coursekit.config import Project
from coursekit.source.data_record import RECORD, read_record
from coursekit.source.notebooks import generate
from coursekit.source.pins import module_providers, normalized, providers_of
from coursekit.source.setup_cell import CELL_ID, render

NUMPY = importlib.metadata.version("numpy")
LESSON = lesson_source("""
    # %% [markdown]
    # # Sums

    # %% tags=["parameters"]
    data_path = None

    # %%
    import IPython
    import keras
    import numpy as np
    total = int(np.arange(4).sum())  # SOLUTION
""")
DATA_HEADER = "#     title: Sums\n#     data:\n#       words.txt: data_path\n"


def values(**changes) -> dict:
    """The cell's values for a lesson with no pins, no data, on the CPU."""
    base = {"lesson": "01_sums", "version": "1.0", "profile": "full", "backend": "none",
            "packages": {}, "data": {}, "parameters": {}, "gpu": False, "estimates": []}
    return {**base, **changes}


def run_cell(python: str, source: str, cwd: Path, **env) -> subprocess.CompletedProcess:
    """The cell as a kernel runs it: a fresh interpreter, pip forbidden from the network."""
    return subprocess.run([python, "-c", source], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PIP_NO_INDEX": "1",
                                            "PIP_DISABLE_PIP_VERSION_CHECK": "1", **env})


def test_the_cell_pins_what_the_lesson_imports_and_comes_before_the_first_code(course):
    root = course({"01_sums": LESSON})
    (root / "requirements.txt").write_text(f"numpy=={NUMPY}\nkeras==3.15.1\n"
                                           "tensorflow==2.21.0\nipython==9.18.1\nrich==1\n")
    generated = generate(Project(root))
    for folder in ("exercises", "solutions"):
        nb = json.loads(generated.files[root / folder / "01_sums.ipynb"])
        first_code = next(cell for cell in nb["cells"] if cell["cell_type"] == "code")
        assert first_code["id"] == CELL_ID
        source = "".join(first_code["source"])
        # what it imports, and Keras' backend; not the kernel (the runtime's own), not
        # what it does not import
        pins = {"keras": "3.15.1", "numpy": NUMPY, "tensorflow": "2.21.0"}
        assert f"'packages': {pins!r}" in source
        assert first_code["metadata"]["slideshow"] == {"slide_type": "skip"}


def test_it_is_a_no_op_in_the_verified_environment(tmp_path):
    """Nothing to install: no pip (PIP_NO_INDEX would make it fail), a fraction of a second."""
    started = time.perf_counter()
    result = run_cell(sys.executable, render(values(packages={"numpy": NUMPY})), tmp_path)
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    assert "installing" not in result.stdout
    assert "the course's build runs these defaults as profile full on none (course " \
           f"version 1.0; its result is on the lesson page); numpy {NUMPY}" in result.stdout
    assert elapsed < 10  # an interpreter start and importlib.metadata; pip would be slower


def test_a_differing_version_is_installed_and_a_failed_install_stops_the_cell(tmp_path):
    wanted = values(packages={"numpy": "0.0.1"})
    result = run_cell(sys.executable, render(wanted), tmp_path)
    assert f"installing the verified versions: numpy==0.0.1 (found {NUMPY})" in result.stdout
    assert result.returncode != 0 and "CalledProcessError" in result.stderr


def data_values(text: bytes) -> dict:
    return values(data={"words.txt": {"sha256": hashlib.sha256(text).hexdigest(),
                                      "size": len(text)}},
                  parameters={"words.txt": "data_path"})


def test_data_is_found_and_checked_against_the_record(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "words.txt").write_bytes(b"one\ntwo\n")
    # data/ before $COURSE_DATA_DIR: where verify links the file in, so its output names
    # data/, never the machine's folder
    machine = tmp_path / "elsewhere-on-this-machine"
    machine.mkdir()
    (machine / "words.txt").write_bytes(b"one\ntwo\n")
    found = run_cell(sys.executable, render(data_values(b"one\ntwo\n")), tmp_path,
                     COURSE_DATA_DIR=str(machine))
    assert found.returncode == 0, found.stderr
    assert "words.txt: found at data/words.txt, checksum verified; set the lesson's " \
           "data_path = 'data/words.txt'" in found.stdout
    changed = run_cell(sys.executable, render(data_values(b"one\ntwo\nthree\n")), tmp_path)
    assert changed.returncode != 0
    assert "words.txt at data/words.txt: it has 8 bytes, the verified file 14; delete it" \
        in changed.stderr
    same_size = run_cell(sys.executable, render(data_values(b"one\ntwx\n")), tmp_path)
    assert "its sha256 differs from the verified file's" in same_size.stderr
    elsewhere = tmp_path / "away" / "from" / "it"  # not in data/, ../data/ or here
    elsewhere.mkdir(parents=True)
    missing = run_cell(sys.executable, render(data_values(b"x")), elsewhere)
    assert missing.returncode == 0
    assert "words.txt: not here; the lesson downloads it" in missing.stdout
    from_env = run_cell(sys.executable, render(data_values(b"one\ntwo\n")), elsewhere,
                        COURSE_DATA_DIR=str(tmp_path / "data"))
    assert "checksum verified" in from_env.stdout


def test_a_gpu_lesson_on_a_cpu_runtime_says_how_to_switch_and_what_it_costs(tmp_path):
    estimates = ["about 10 min on a free Colab T4 GPU", "about 4 h on a 4-core laptop CPU"]
    result = run_cell(sys.executable, render(values(gpu=True, estimates=estimates)),
                      tmp_path, PATH=str(tmp_path))  # no nvidia-smi on the PATH
    if Path("/proc/driver/nvidia/gpus").is_dir():  # a GPU machine: no warning is right
        assert "WARNING" not in result.stdout
        return
    assert "Runtime -> Change runtime type -> T4 GPU (free). Estimated time: about 10 min " \
           "on a free Colab T4 GPU; about 4 h on a 4-core laptop CPU" in result.stdout
    cpu_lesson = run_cell(sys.executable, render(values(estimates=estimates)), tmp_path)
    assert "WARNING" not in cpu_lesson.stdout


def test_notebooks_records_the_data_and_check_sees_it_change(course, tmp_path):
    root = course({"01_sums": LESSON.replace("#     title: A tiny lesson\n", DATA_HEADER)})
    data = tmp_path / "data"
    data.mkdir()
    (data / "words.txt").write_bytes(b"one\ntwo\n")
    result = run_build(root, "notebooks", "--data-dir", str(data))
    assert result.returncode == 0, result.stderr
    assert f"wrote {RECORD}" in result.stdout
    [recorded] = read_record(root).values()
    assert (recorded.size, recorded.sha256) == (8, hashlib.sha256(b"one\ntwo\n").hexdigest())
    assert recorded.sha256 in (root / "exercises" / "01_sums.ipynb").read_text()
    assert run_build(root, "check", "--data-dir", str(data)).returncode == 0
    (data / "words.txt").write_bytes(b"one\ntwo\nthree\n")
    stale = run_build(root, "check", "--data-dir", str(data))
    assert stale.returncode == 1
    assert f"out of sync: {RECORD} (differs from the data folder's files)" in stale.stdout
    assert run_build(root, "check").returncode == 0  # no data folder: the record stands


def test_verify_runs_the_cell_and_fails_on_data_that_is_not_the_recorded_file(course,
                                                                           tmp_path):
    """verify runs the setup cell like any other: the data it links in is checked against
    the record, so a changed data file fails the lesson at that cell, not later."""
    lesson = lesson_source("""
        # %% tags=["parameters"]
        data_path = None

        # %%
        words = open(data_path).read().split()
    """).replace("#     title: A tiny lesson\n", DATA_HEADER)
    root = course({"01_sums": lesson})
    data = tmp_path / "data"
    data.mkdir()
    (data / "words.txt").write_bytes(b"one\ntwo\n")
    assert run_build(root, "notebooks", "--data-dir", str(data)).returncode == 0
    (data / "words.txt").write_bytes(b"one\ntwx\n")
    result = run_build(root, "verify", "--data-dir", str(data), "--jobs", "1")
    assert result.returncode == 1, result.stdout + result.stderr
    report = json.loads((root / "build" / "report.json").read_text())
    [run] = report["runs"]
    assert run["status"] == "failed"
    assert "words.txt at data/words.txt: its sha256 differs from the verified file's" \
        in json.dumps(run)


@pytest.mark.parametrize("module", ["numpy", "keras", "matplotlib", "IPython", "yaml", "PIL"])
def test_the_quick_distribution_lookup_agrees_with_importlibs_map(module):
    """numpy and matplotlib have no top_level.txt (RECORD says), yaml and PIL are not
    their distributions' names (the whole map says)."""
    assert sorted(map(normalized, providers_of(module))) == \
        sorted(map(normalized, module_providers()[module]))  # importlib's map, built once
