"""``build.py verify`` on a sound fixture course: profiles, data, backends, cache, jobs."""

from __future__ import annotations

import io
import json
import os
import sys

import pytest

from coursekit import cli
from coursekit.config import Project
from coursekit.run.options import RunOptions
from coursekit.run.verify import verify
from verify_fixture import DATA, build, cell_text, copy_course, executed, line_of, run_log, runs


@pytest.fixture(scope="module")
def verified(tmp_path_factory):
    """The fixture course verified once (smoke, TensorFlow, with the data folder)."""
    tmp = tmp_path_factory.mktemp("verified")
    log = tmp / "runs.log"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VERIFY_FIXTURE_LOG", str(log))
        root = copy_course("course", tmp)
        code = cli.main(["--root", str(root), "verify", "--data-dir", str(DATA)])
        yield root, log, code


def test_sound_lessons_pass_with_profile_parameters_and_data(verified):
    root, log, code = verified
    assert code == 0
    sound, other = runs(root)[("01_sound", "smoke", "tensorflow")], \
        runs(root)[("02_other", "smoke", "tensorflow")]
    assert (sound["status"], sound["contract"], sound["cached"]) == ("passed", "passed", False)
    # n = 4 from the smoke profile; the numbers 1..4 from the data file, not the fallback
    assert sound["metrics"] == {"total": 10, "mean": 2.5, "backend": "tensorflow"}
    assert sound["parameters"] == {"n": 4, "data_path": "data/numbers.txt"}
    assert sound["data"] == {"numbers.txt": "data-dir"}
    assert sound["targets"] == {"total": {"min": 10}}
    assert sound["seconds"] > 0 and sound["device"]["cores"] >= 1
    assert {"python", "keras", "tensorflow", "papermill"} <= set(sound["packages"])
    assert sound["executed"] == "build/executed/smoke/tensorflow/01_sound.ipynb"
    assert (root / sound["executed"]).is_file()
    # a lesson without profiles runs its defaults
    assert (other["status"], other["parameters"], other["metrics"]) == ("passed", {},
                                                                       {"answer": 42})
    assert sorted(run_log(log)) == ["01_sound", "02_other"]


def test_executed_notebook_ran_in_this_python_with_quiet_kernel_logs(verified):
    root, _, _ = verified
    nb = executed(root, "01_sound")
    env = json.loads(cell_text(nb, "cell-002"))
    # stored without machine paths (source/machine_paths.py): this environment's Python,
    # the kernel's working folder in the project
    assert env["executable"] == "<venv>" + sys.executable.removeprefix(sys.prefix)
    assert (env["backend"], env["tf_log"]) == ("tensorflow", "3")
    assert env["cwd"] == "./build/work/smoke/tensorflow/01_sound"
    # C-level writes (TensorFlow's C++ logs) go to the kernel log, not the notebook
    outputs = [c.outputs for c in nb.cells if c.cell_type == "code"]
    assert "C-LEVEL NOISE" not in json.dumps(outputs)
    log = root / "build" / "logs" / "smoke" / "tensorflow" / "01_sound.log"
    assert "C-LEVEL NOISE FROM THE KERNEL" in log.read_text()
    injected = next(c for c in nb.cells if c.id == "injected-parameters")
    assert "n = 4" in injected.source and 'data_path = "data/numbers.txt"' in injected.source
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))  # the probes' runs do not show


def test_second_verify_starts_no_kernel_and_marks_every_run_cached(verified, capsys):
    root, log, _ = verified
    before_log = run_log(log)
    before_nb = (root / "build/executed/smoke/tensorflow/01_sound.ipynb").read_bytes()
    result = build(capsys, root, "verify", "--data-dir", str(DATA))
    assert result.code == 0, result.out
    assert run_log(log) == before_log
    assert all(run["cached"] for run in runs(root).values() if run["profile"] == "smoke")
    assert (root / "build/executed/smoke/tensorflow/01_sound.ipynb").read_bytes() == before_nb
    assert "01_sound: passed (cached)" in result.err
    header = result.out.splitlines()[0].split()
    assert header == ["lesson", "profile", "backend", "status", "contract", "checks",
                      "cached", "seconds", "metrics"]


def test_force_runs_again(verified, capsys):
    root, log, _ = verified
    before = run_log(log)
    result = build(capsys, root, "verify", "--data-dir", str(DATA), "--force",
                   "--lesson", "02_other")
    assert result.code == 0, result.out
    assert run_log(log) == before + ["02_other"]
    assert runs(root)[("02_other", "smoke", "tensorflow")]["cached"] is False
    assert ("01_sound", "smoke", "tensorflow") in runs(root)  # other entries are kept


def test_full_profile_sets_its_parameters_and_targets(verified, capsys):
    root, _, _ = verified
    result = build(capsys, root, "verify", "--profile", "full", "--data-dir", str(DATA))
    assert result.code == 0, result.out
    full = runs(root)[("01_sound", "full", "tensorflow")]
    assert full["metrics"]["total"] == 15 and full["parameters"]["n"] == 5
    assert full["targets"] == {"total": {"min": 15, "max": 1000}}
    assert runs(root)[("02_other", "full", "tensorflow")]["status"] == "passed"
    assert ("01_sound", "smoke", "tensorflow") in runs(root)
    assert (root / "build/executed/full/tensorflow/02_other.ipynb").is_file()


def test_changing_one_lesson_reruns_only_that_lesson(tmp_path, capsys, monkeypatch):
    log = tmp_path / "runs.log"
    monkeypatch.setenv("VERIFY_FIXTURE_LOG", str(log))
    root = copy_course("course", tmp_path)
    assert build(capsys, root, "verify", "--data-dir", str(DATA)).code == 0
    other, sound = root / "content/02_other.py", root / "content/01_sound.py"
    other.write_text(other.read_text().replace("expected 42, got", "the answer is 42, not"))
    sound.write_text(sound.read_text().replace("# # Adding up numbers", "# # Summing up"))
    assert build(capsys, root, "notebooks").code == 0
    result = build(capsys, root, "verify", "--data-dir", str(DATA))
    assert result.code == 0, result.out
    assert sorted(run_log(log)[:2]) == ["01_sound", "02_other"]
    assert run_log(log)[2:] == ["02_other"]
    assert runs(root)[("01_sound", "smoke", "tensorflow")]["cached"] is True
    # prose is not part of the key: the cached outputs are poured into the new notebook
    nb = executed(root, "01_sound")
    assert nb.cells[0].source == "# Summing up"
    assert json.loads(cell_text(nb, "cell-010")) == {"total": 10, "mean": 2.5,
                                                     "backend": "tensorflow"}


def test_data_files_feed_parameters_and_their_content_keys_the_cache(tmp_path, capsys,
                                                                      monkeypatch):
    log = tmp_path / "runs.log"
    monkeypatch.setenv("VERIFY_FIXTURE_LOG", str(log))
    data = tmp_path / "data"
    data.mkdir()
    (data / "numbers.txt").write_text("5 5 5 5 5\n")
    monkeypatch.setenv("COURSE_DATA_DIR", str(data))
    root = copy_course("course", tmp_path)
    assert build(capsys, root, "verify", "--lesson", "01_sound").code == 0
    assert runs(root)[("01_sound", "smoke", "tensorflow")]["metrics"]["total"] == 20
    (data / "numbers.txt").write_text("3 3 3 3\n")
    # a changed file is refused by the setup cell until the course records it again
    assert build(capsys, root, "notebooks", "--data-dir", str(data)).code == 0
    assert build(capsys, root, "verify", "--lesson", "01_sound").code == 0
    assert runs(root)[("01_sound", "smoke", "tensorflow")]["metrics"]["total"] == 12
    monkeypatch.delenv("COURSE_DATA_DIR")
    result = build(capsys, root, "verify", "--lesson", "content/01_sound.py")
    assert result.code == 0, result.out
    offline = runs(root)[("01_sound", "smoke", "tensorflow")]
    assert offline["data"] == {"numbers.txt": "download"} and "data_path" not in \
        offline["parameters"]
    assert offline["metrics"]["total"] == 100  # what the lesson's "download" gives
    assert run_log(log) == ["01_sound"] * 3


def test_each_backend_gets_its_own_run_and_the_report_keeps_them_all(tmp_path, capsys):
    root = copy_course("course", tmp_path)
    for backend in ("jax", "torch"):
        result = build(capsys, root, "verify", "--backend", backend, "--lesson", "01_sound",
                       "--data-dir", str(DATA))
        assert result.code == 0, result.out
        run = runs(root)[("01_sound", "smoke", backend)]
        assert run["metrics"]["backend"] == backend and run["packages"][backend]
        assert (root / f"build/executed/smoke/{backend}/01_sound.ipynb").is_file()
    assert {key[2] for key in runs(root)} == {"jax", "torch"}


def test_jobs_two_runs_two_kernels_side_by_side_sharing_the_cores(tmp_path, capsys,
                                                                 monkeypatch):
    meeting = tmp_path / "meeting"
    meeting.mkdir()
    # each lesson waits for the other's kernel to start: one at a time, both would fail
    monkeypatch.setenv("VERIFY_FIXTURE_RENDEZVOUS", str(meeting))
    root = copy_course("course", tmp_path)
    result = build(capsys, root, "verify", "--jobs", "2", "--data-dir", str(DATA))
    assert result.code == 0, result.out
    share = str(max(1, len(os.sched_getaffinity(0)) // 2))
    assert {p.name: p.read_text() for p in meeting.iterdir()} == {"01_sound": share,
                                                                 "02_other": share}


def test_a_cell_over_its_timeout_fails_naming_the_cell_and_its_kernel_stops(tmp_path,
                                                                           monkeypatch):
    pidfile = tmp_path / "kernel.pid"
    monkeypatch.setenv("VERIFY_FIXTURE_PIDFILE", str(pidfile))
    monkeypatch.setenv("VERIFY_FIXTURE_SLEEP", "120")
    root = copy_course("course", tmp_path)
    report = verify(Project(root), RunOptions(lessons=("02_other",), cell_timeout=2),
                    stream=io.StringIO())
    run = report.runs[0]
    assert not report.ok and run.status == "failed"
    path = root / "content" / "02_other.py"
    # the statement running at the limit, not the cell's first line (issue 23)
    line = line_of(path, 'time.sleep(float(os.environ.get("VERIFY_FIXTURE_SLEEP"')
    assert run.error == {"path": "content/02_other.py", "line": line, "cell": 3,
                         "exception": "TimeoutError",
                         "message": "the cell ran longer than 2 s (the lesson's timeout: "
                                    "or verify --timeout)"}
    assert not os.path.exists(f"/proc/{pidfile.read_text()}")


def test_a_backend_runs_its_own_parameters_against_the_same_targets(tmp_path, capsys):
    root = copy_course("course", tmp_path)
    path = root / "content/01_sound.py"
    path.write_text(path.read_text().replace(
        "parameters: {n: 4}\n",
        "parameters: {n: 4}\n#         backends:\n"
        "#           tensorflow: {parameters: {n: 5}}\n#           jax: {parameters: {n: 3}}\n"))
    assert build(capsys, root, "notebooks").code == 0
    result = build(capsys, root, "verify", "--lesson", "01_sound", "--data-dir", str(DATA))
    assert result.code == 0, result.out
    sound = runs(root)[("01_sound", "smoke", "tensorflow")]
    # tensorflow's own n replaced the profile's 4; jax's 3 stays with jax
    assert sound["parameters"] == {"n": 5, "data_path": "data/numbers.txt"}
    assert sound["metrics"]["total"] == 15 and sound["targets"] == {"total": {"min": 10}}


def test_profile_of_lays_the_backend_parameters_over_the_profile(tmp_path):
    from coursekit.run.verify import profile_of
    from coursekit.source.lesson import read_lesson
    from verify_fixture import FIXTURES
    path = tmp_path / "01_sound.py"
    path.write_text((FIXTURES / "course/content/01_sound.py").read_text().replace(
        "parameters: {n: 4}\n",
        "parameters: {n: 4}\n#         backends:\n#           jax: {parameters: {n: 3}}\n"))
    lesson = read_lesson(path)
    assert profile_of(lesson, "smoke", "jax") == ({"n": 3}, {"total": {"min": 10}})
    assert profile_of(lesson, "smoke", "torch") == ({"n": 4}, {"total": {"min": 10}})
    assert profile_of(lesson, "full", "jax") == ({"n": 5}, {"total": {"min": 15, "max": 1000}})
