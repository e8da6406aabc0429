"""``verify --scheduler``: runs on a Dask cluster of worker processes on 127.0.0.1.

The tests start their clusters themselves and stop them at the end: a LocalCluster of two
worker processes (one thread each) for the module, a third worker with the resource GPU=1
where a test needs it, and `dask scheduler`/`dask worker` processes for the tests that
kill the scheduler. The lessons are pure Python; those written here append "stem
worker-pid kernel-pid" to a log file, so a test can tell which worker process ran a
kernel, and kill it.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import ROOT, ctrl_c_reaches_children, make_course
from coursekit.cli import main as cli_main
from coursekit.config import Project
from coursekit.errors import CourseError
from coursekit.run import cluster as cluster_module
from coursekit.run.options import RunOptions
from coursekit.run.verify import verify
from verify_fixture import DATA, build, cell_text, copy_course, executed, runs

HEADER = """\
# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   course:
#     title: A lesson for the cluster
#     accelerator: {accelerator}
# ---
"""

BODY = """
# %%
import os
import pathlib
import time

log = pathlib.Path({log!r})
with open(log, "a") as handle:
    handle.write(f"{stem} {{os.getppid()}} {{os.getpid()}}\\n")
attempt = sum(line.split()[0] == {stem!r} for line in log.read_text().splitlines())
if attempt <= {held}:
    time.sleep(120)  # the test kills this run's worker meanwhile

# %%
answer = 40 + 2  # SOLUTION

# %% tags=["check"]
assert answer == 42, "expected 42"

# %% tags=["metrics"]
from IPython.display import display

display({{"application/json": {{"answer": answer}}}}, raw=True)
"""


def lesson(stem: str, log: Path, *, gpu: bool = False, held: int = 0) -> str:
    """A lesson logging its runs; its first ``held`` attempts wait to be killed."""
    return (HEADER.format(accelerator="gpu" if gpu else "cpu")
            + BODY.format(log=str(log), stem=stem, held=held))


@dataclass
class Cluster:
    address: str
    client: object  # a synchronous distributed.Client, for the tests' questions

    def worker_pids(self) -> dict[str, int]:
        """address → process id of every live worker."""
        return self.client.run(os.getpid)


@pytest.fixture(scope="module")
def cluster():
    import dask
    from distributed import Client, LocalCluster

    # one retry after a worker dies (dask's default is 3): what docs/cluster.md advises
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        local = LocalCluster(n_workers=2, processes=True, host="127.0.0.1",
                             threads_per_worker=1, dashboard_address=None)
    with local, Client(local) as client:
        yield Cluster(local.scheduler_address, client)


def wait_for(predicate, timeout: float = 120, what: str = "the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def log_lines(log: Path) -> list[list[str]]:
    return [line.split() for line in log.read_text().splitlines()] if log.exists() else []


def in_background(target, *args, **kwargs):
    """Run ``target`` in a thread; returns (thread, result list, error list)."""
    result, errors = [], []

    def work():
        try:
            result.append(target(*args, **kwargs))
        except BaseException as exc:  # handed to the test, which re-raises it
            errors.append(exc)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread, result, errors


def finished(thread, result, errors, timeout: float = 180):
    thread.join(timeout)
    assert not thread.is_alive(), "verify did not finish"
    if errors:
        raise errors[0]
    return result[0]


def leftovers(root: Path) -> list[Path]:
    """Half-written files: the atomic writer's temporary files."""
    return [path for path in (root / "build").rglob("*") if path.name.endswith(".tmp")]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@contextlib.contextmanager
def gpu_worker(cluster: Cluster, path: Path = ROOT):
    """A third worker, with the resource GPU=1, as `dask worker` starts it; ``path`` is
    its PYTHONPATH (the checkout, so that coursekit imports)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_worker", cluster.address, "--no-nanny",
         "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard", "--resources", "GPU=1"],
        env={**os.environ, "PYTHONPATH": str(path)}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        yield process
    finally:
        process.terminate()
        process.wait(30)


@contextlib.contextmanager
def dask_processes(folder: Path, path: Path, worker: bool = True):
    """A `dask scheduler` (and a `dask worker`) as processes with PYTHONPATH ``path``;
    yields (the scheduler's address, its process)."""
    env = {**os.environ, "PYTHONPATH": str(path)}
    started = []

    def start(*args):
        started.append(subprocess.Popen([sys.executable, "-m", *args], env=env, cwd=folder,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        return started[-1]

    try:
        info = folder / "scheduler.json"
        scheduler = start("distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port",
                          "0", "--no-dashboard", "--scheduler-file", str(info))
        wait_for(lambda: info.exists() and info.read_text(), what="the scheduler")
        address = json.loads(info.read_text())["address"]
        if worker:
            start("distributed.cli.dask_worker", address, "--no-nanny", "--nthreads", "1",
                  "--host", "127.0.0.1", "--no-dashboard")
        yield address, scheduler
    finally:
        for process in reversed(started):
            process.kill()
            process.wait(30)


# --- without a cluster ------------------------------------------------------------------

def test_a_malformed_scheduler_address_from_the_environment_is_exit_2(tmp_path, capsys,
                                                                      monkeypatch):
    root = copy_course("course", tmp_path)
    monkeypatch.setenv("COURSE_DASK_SCHEDULER", "127.0.0.1")
    result = build(capsys, root, "verify")
    assert result.code == 2
    assert "not a Dask scheduler address: '127.0.0.1'" in result.err
    assert "tcp://" in result.err and not (root / "build" / "report.json").exists()


@pytest.mark.parametrize("address", ["tcp://10.0.0.5:8786", "tls://node-3.example.org:8786",
                                     "tcp://[::1]:8786"])
def test_scheduler_addresses_are_urls_with_a_port(address, monkeypatch):
    monkeypatch.delenv("COURSE_DASK_SCHEDULER", raising=False)
    assert cluster_module.scheduler_address(address) == address
    assert cluster_module.scheduler_address(None) is None  # local kernels
    monkeypatch.setenv("COURSE_DASK_SCHEDULER", address)
    assert cluster_module.scheduler_address(None) == address
    for bad in ("10.0.0.5:8786", "tcp://10.0.0.5", "http://10.0.0.5:8786/"):
        with pytest.raises(CourseError, match="not a Dask scheduler address"):
            cluster_module.scheduler_address(bad)


def test_a_worker_without_the_data_file_refuses_the_run(tmp_path):
    present, missing = tmp_path / "numbers.txt", tmp_path / "gone" / "images.npz"
    present.write_text("1 2 3\n")
    job = SimpleNamespace(lesson=SimpleNamespace(stem="02_images"),
                          data={"numbers.txt": present, "images.npz": missing})
    fingerprint = cluster_module.environment_fingerprint()
    with pytest.raises(CourseError) as raised:
        cluster_module.check_worker(job, "tcp://10.0.0.7:4000", fingerprint)
    text = str(raised.value)
    assert f"the Dask worker tcp://10.0.0.7:4000 has no data file {missing}" in text
    assert "02_images needs images.npz" in text and "same path on every worker" in text
    job.data = {"numbers.txt": present}
    cluster_module.check_worker(job, "tcp://10.0.0.7:4000", fingerprint)  # all there
    with pytest.raises(CourseError, match="runs another environment than the client"):
        cluster_module.check_worker(job, "tcp://10.0.0.7:4000", "0" * 64)


def test_an_unreachable_scheduler_is_exit_2_and_writes_nothing(tmp_path, capsys, monkeypatch):
    root = copy_course("course", tmp_path)
    monkeypatch.setattr(cluster_module, "CONNECT_TIMEOUT_S", 1)
    result = build(capsys, root, "verify", "--scheduler", "tcp://127.0.0.1:9")
    assert result.code == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.err
    assert not (root / "build" / "report.json").exists()
    assert not (root / "build" / "executed").exists()


# --- on a local cluster -----------------------------------------------------------------

def test_runs_go_to_the_workers_and_the_report_names_each_one(cluster, tmp_path, capsys):
    root = copy_course("course", tmp_path)
    result = build(capsys, root, "verify", "--data-dir", str(DATA),
                   "--scheduler", cluster.address)
    assert result.code == 0, result.out + result.err
    workers = cluster.worker_pids()
    first = runs(root)
    for stem in ("01_sound", "02_other"):
        run = first[(stem, "smoke", "tensorflow")]
        assert (run["status"], run["contract"], run["cached"]) == ("passed", "passed", False)
        assert run["worker"] in workers and run["earlier_tries"] == []  # one try each
        assert run["executed"] == f"build/executed/smoke/tensorflow/{stem}.ipynb"
    # the worker saw the data folder at its path, and the run its profile and backend
    sound = first[("01_sound", "smoke", "tensorflow")]
    assert sound["metrics"] == {"total": 10, "mean": 2.5, "backend": "tensorflow"}
    # the kernel ran in a scratch folder of the worker, removed since; its log came back
    env = json.loads(cell_text(executed(root, "01_sound"), "cell-002"))
    assert not Path(env["cwd"]).is_relative_to(root) and not Path(env["cwd"]).exists()
    log = root / "build" / "logs" / "smoke" / "tensorflow" / "01_sound.log"
    assert "C-LEVEL NOISE FROM THE KERNEL" in log.read_text()
    # the cache is the client's: looked up before submitting, so an unchanged course
    # needs no cluster at all (nothing listens on port 9)
    again = build(capsys, root, "verify", "--data-dir", str(DATA),
                  "--scheduler", "tcp://127.0.0.1:9")
    assert again.code == 0, again.out + again.err
    for ident, run in runs(root).items():
        assert run["cached"] and run["worker"] == first[ident]["worker"]


def test_a_gpu_lesson_waits_for_a_worker_with_the_gpu_resource(cluster, tmp_path):
    log = tmp_path / "runs.log"
    root = make_course(tmp_path / "course", {"01_cpu": lesson("01_cpu", log),
                                             "02_gpu": lesson("02_gpu", log, gpu=True)})
    progress = io.StringIO()
    job = in_background(verify, Project(root), RunOptions(scheduler=cluster.address),
                        stream=progress)
    wait_for(lambda: "01_cpu: passed" in progress.getvalue(), what="01_cpu")
    time.sleep(2)  # a free CPU worker had time to take 02_gpu, had it been allowed to
    assert [line[0] for line in log_lines(log)] == ["01_cpu"]
    assert "02_gpu: waiting for a Dask worker with the resource GPU=1" in progress.getvalue()
    with gpu_worker(cluster):
        report = finished(*job)
        gpu_address = next(address for address, info in
                           cluster.client.scheduler_info()["workers"].items()
                           if info["resources"].get("GPU"))
    assert report.ok
    by_lesson = {run.lesson: run for run in report.runs}
    assert by_lesson["02_gpu"].worker == gpu_address
    assert by_lesson["01_cpu"].worker != gpu_address


def test_a_worker_with_another_environment_stops_verify_with_exit_2(cluster, tmp_path,
                                                                    capsys):
    log = tmp_path / "runs.log"
    root = make_course(tmp_path / "course", {"01_gpu": lesson("01_gpu", log, gpu=True)})
    # the GPU worker sees one more distribution than the client: another environment
    other = tmp_path / "other-env"
    shutil.copytree(ROOT / "coursekit", other / "coursekit")
    (other / "extra_package-1.0.dist-info").mkdir()
    with gpu_worker(cluster, other):
        result = build(capsys, root, "verify", "--scheduler", cluster.address)
    assert result.code == 2, result.out + result.err
    assert "the Dask worker tcp://127.0.0.1:" in result.err
    assert "runs another environment than the client" in result.err
    assert "start the workers from the same environment" in result.err
    assert not log.exists()  # no kernel started
    assert not (root / "build" / "report.json").exists() and not leftovers(root)


def test_ctrl_c_on_the_client_stops_the_kernel_on_the_worker(cluster, tmp_path):
    log = tmp_path / "runs.log"
    root = make_course(tmp_path / "course", {"01_slow": lesson("01_slow", log, held=1)})
    with ctrl_c_reaches_children():
        client = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "--root", str(root), "verify",
             "--scheduler", cluster.address], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)
    try:
        _, worker_pid, kernel_pid = wait_for(lambda: log_lines(log), what="the run")[0]
        client.send_signal(signal.SIGINT)
        out, err = client.communicate(timeout=60)
    finally:
        client.kill()
    assert client.returncode == 130, (out, err)
    # the worker lives on, its kernel does not: the run saw it was cancelled
    wait_for(lambda: not alive(int(kernel_pid)), timeout=30, what="the kernel to stop")
    assert alive(int(worker_pid))
    assert not (root / "build" / "report.json").exists() and not leftovers(root)


def test_a_scheduler_that_cannot_import_coursekit_is_exit_2(tmp_path, capsys):
    log = tmp_path / "runs.log"
    root = make_course(tmp_path / "course", {"01_slow": lesson("01_slow", log)})
    with dask_processes(tmp_path, tmp_path / "nowhere", worker=False) as (address, _):
        result = build(capsys, root, "verify", "--scheduler", address)
    assert result.code == 2, result.out + result.err
    assert f"the Dask cluster at {address} could not run 01_slow: RuntimeError: Error " \
        "during deserialization of the task graph" in result.err
    assert "coursekit importable (docs/cluster.md)" in result.err
    assert not (root / "build" / "report.json").exists()


def test_a_scheduler_that_goes_away_stops_verify_at_once_with_exit_2(tmp_path):
    log = tmp_path / "runs.log"
    root = make_course(tmp_path / "course", {"01_slow": lesson("01_slow", log, held=1),
                                             "02_slow": lesson("02_slow", log, held=1)})
    with dask_processes(tmp_path, ROOT) as (address, scheduler):
        client = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "--root", str(root), "verify",
             "--scheduler", address], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)
        try:
            # one worker thread: one lesson runs, the other waits in the queue
            stem, _, kernel_pid = wait_for(lambda: log_lines(log), what="a run")[0]
            scheduler.kill()
            stopped = time.monotonic()
            out, err = client.communicate(timeout=90)
            seconds = time.monotonic() - stopped
        finally:
            client.kill()
    assert client.returncode == 2, (out, err)
    assert f"the Dask cluster at {address} dropped the run of {stem} " \
        "(scheduler-connection-lost)" in err
    assert "Traceback" not in err, err  # the client's reconnection attempts stay quiet
    assert seconds < 20  # neither cancelling the queued run nor closing waits to reconnect
    assert not (root / "build" / "report.json").exists() and not leftovers(root)
    wait_for(lambda: not alive(int(kernel_pid)), timeout=30, what="the kernel to stop")


def test_a_run_whose_worker_dies_passes_on_its_retry(cluster, tmp_path):
    log = tmp_path / "runs.log"
    root = make_course(tmp_path / "course", {"01_slow": lesson("01_slow", log, held=1)})
    job = in_background(verify, Project(root), RunOptions(scheduler=cluster.address),
                        stream=io.StringIO())
    _, worker_pid, kernel_pid = wait_for(lambda: log_lines(log), what="the first run")[0]
    dead = next(a for a, pid in cluster.worker_pids().items() if pid == int(worker_pid))
    os.kill(int(worker_pid), signal.SIGKILL)
    report = finished(*job)
    run = report.runs[0]
    assert (run.status, run.lesson) == ("passed", "01_slow")
    assert run.worker != dead
    attempts = log_lines(log)
    assert len(attempts) == 2 and attempts[1][1] != worker_pid
    assert run.earlier_tries == [dead]  # the report says the run was retried, and where
    [note] = report.retries()
    assert f"01_slow [smoke, tensorflow] ran 2 times: {dead} did not finish it" in note
    assert note.endswith(f"{run.worker} did")
    assert (root / run.executed).is_file() and not leftovers(root)
    # the dead worker's kernel noticed its parent was gone and exited
    wait_for(lambda: not alive(int(kernel_pid)), timeout=30, what="the orphaned kernel")


def test_a_run_whose_workers_keep_dying_fails_clearly_and_leaves_no_files(cluster, tmp_path,
                                                                        capsys):
    log = tmp_path / "runs.log"
    root = make_course(tmp_path / "course", {"01_slow": lesson("01_slow", log, held=99)})
    capsys.readouterr()
    job = in_background(cli_main, ["--root", str(root), "verify",
                                   "--scheduler", cluster.address])
    killed = []
    while job[0].is_alive() and len(killed) < 2:  # allowed-failures=1: two deaths lose it
        wait_for(lambda: len(log_lines(log)) > len(killed), what="an attempt")
        pid = int(log_lines(log)[len(killed)][1])
        killed.append(next(a for a, p in cluster.worker_pids().items() if p == pid))
        os.kill(pid, signal.SIGKILL)
    code = finished(*job)
    out = capsys.readouterr().out
    assert code == 1
    run = runs(root)[("01_slow", "smoke", "tensorflow")]
    assert (run["status"], run["error"]["exception"]) == ("failed", "WorkerDied")
    assert run["worker"] == killed[-1]
    assert f"the Dask worker {killed[-1]} died while running this lesson (2 tries" \
        in run["error"]["message"]
    assert f"content/01_slow.py: WorkerDied: the Dask worker {killed[-1]} died" in out
    # nothing half-written: no executed or failed notebook, no temporary file, no cache
    assert run["executed"] is None
    assert not (root / "build" / "executed").exists()
    assert not (root / "build" / "failed").exists()
    assert not leftovers(root) and not list((root / ".cache").rglob("*.json"))


def test_a_mistake_the_check_misses_fails_on_the_cluster_as_it_fails_locally(cluster,
                                                                             tmp_path, capsys):
    # 03_uncaught declares two MISTAKE blocks its check does not catch: on a worker, as
    # here, the variants must run, fail the lesson and say the same
    results = {}
    for where, extra in (("local", []), ("cluster", ["--scheduler", cluster.address])):
        root = copy_course("variants", tmp_path / where)
        result = build(capsys, root, "verify", "--lesson", "03_uncaught", *extra)
        run = runs(root)[("03_uncaught", "smoke", "tensorflow")]
        assert result.code == 1, result.out + result.err
        assert (run["worker"] is None) == (where == "local")
        said = [line for line in result.out.splitlines() if "content/03_uncaught.py" in line]
        results[where] = (run["status"], run["contract"], run["contract_problems"],
                          run["checks"], said)
    assert results["cluster"] == results["local"]
    status, contract, problems, checks, _ = results["cluster"]
    assert (status, contract, checks["mistakes"]) == ("failed", "failed",
                                                     {"caught": 0, "total": 2})
    assert any("the mistake 'takes the absolute value' passes the check" in problem
               for problem in problems)
