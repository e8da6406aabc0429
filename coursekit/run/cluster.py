"""``verify --scheduler``: each lesson × profile × backend run is one task on a Dask cluster.

The client (this process) plans the runs, looks the cache up and writes every output, as
a local verify does. A worker only runs the kernel, in a scratch folder of its own, and
sends back the executed notebook, the probes as they ran, the kernel's log and its own
address and machine. So build/ and the cache stay on the client, and a worker that dies
leaves nothing half-written: the client writes a run's files, atomically, once it holds
them all. A lesson with ``accelerator: gpu`` asks for the worker resource ``GPU=1``.

Workers need this environment (same packages, same coursekit execution code: checked,
since the cache key is computed here) and the data folder at the same path (docs/cluster.md).
``distributed`` is imported only when a cluster is used: a local verify does not pay for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import CourseError
from ..fsutil import write_atomic
from .cache import code_hash, installed_versions
from .execute import Execution
from .report import RunRecord, device_info
from .runner import Job, Ran, Settings, prepare_workdir, run_all, run_kernel

SCHEDULER_ENV = "COURSE_DASK_SCHEDULER"
CONNECT_TIMEOUT_S = 30
CLOSE_TIMEOUT_S = 5
GPU_RESOURCE = {"GPU": 1}  # what a lesson with accelerator: gpu needs from its worker
# a task that raises (the kernel did not start on that worker) runs once more; a worker's
# death is the scheduler's to retry: its distributed.scheduler.allowed-failures setting
TASK_RETRIES = 1
# each try of a run announces itself here, so the report can say a run was retried
TRIES_TOPIC = "coursekit-tries"
WATCH_S = 1.0  # how often a worker's run checks that the client still wants it
_CLIENT_LOGGERS = ("distributed", "distributed.client")  # each has its own level and handler
_ADDRESS = re.compile(r"^(tcp|tls|ws|wss|ucx)://[^\s/]+:\d+$")


def scheduler_address(value: str | None) -> str | None:
    """The scheduler to use: ``value``, else ``$COURSE_DASK_SCHEDULER``, else None (local)."""
    value = value if value is not None else os.environ.get(SCHEDULER_ENV) or None
    if value is not None and not _ADDRESS.match(value):
        raise CourseError(f"not a Dask scheduler address: '{value}'",
                          hint=f"--scheduler (or ${SCHEDULER_ENV}) takes the address "
                               "`dask scheduler` prints, e.g. tcp://10.0.0.5:8786")
    return value


_PRINT_PATH = "import json, sys; print(json.dumps(sys.path))"


def environment_fingerprint() -> str:
    """What the cache key assumes of the machine that runs a kernel, as one hash.

    The distributions are those a fresh interpreter with this process's environment sees
    (PYTHONPATH included), as a kernel would: not this process's own ``sys.path``, which
    a host program (a test runner, a notebook) may have extended."""
    probe = subprocess.run([sys.executable, "-c", _PRINT_PATH], capture_output=True,
                           text=True, timeout=120, check=True)
    installed = installed_versions(json.loads(probe.stdout))
    text = "\n".join([sys.version, code_hash(),
                      *(f"{name}=={installed[name]}" for name in sorted(installed))])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def run_on_cluster(jobs: list[Job], settings: Settings, address: str) -> list[RunRecord]:
    """:func:`runner.run_all` with every kernel on the cluster at ``address``."""
    levels = {name: logging.getLogger(name).level for name in _CLIENT_LOGGERS}
    try:
        return asyncio.run(_run_all(jobs, settings, address))
    finally:
        for name, level in levels.items():  # DaskExecutor.close quietened them
            logging.getLogger(name).setLevel(level)


async def _run_all(jobs: list[Job], settings: Settings, address: str) -> list[RunRecord]:
    executor = DaskExecutor(address)
    settings.executor = executor
    try:
        return await run_all(jobs, settings)
    finally:
        await executor.close()


@dataclass
class Remote:
    """What a worker sends back for one run."""

    execution: Execution
    log: bytes      # the kernel's own output (C++ logs), written under build/logs/
    worker: str     # its address
    device: dict
    seconds: float  # the kernel's time, without the wait in the scheduler's queue


class DaskExecutor:
    """``Settings.executor`` for a cluster: submit, await, turn a dead worker into a result.

    It connects on the first run the cache could not answer, so a verify whose every run
    is cached never contacts the cluster.
    """

    def __init__(self, address: str):
        self.address = address
        self.client = None
        self._connecting = asyncio.Lock()
        self._fingerprint = environment_fingerprint()

    async def __call__(self, job: Job, settings: Settings) -> Ran:
        from distributed import KilledWorker

        client = await self._connect(job, settings)
        gpu = job.lesson.accelerator == "gpu"
        if gpu and not await _workers_with(client, "GPU"):
            settings.progress.note(job.lesson.stem, "waiting for a Dask worker with the "
                                   "resource GPU=1 (start one with --resources GPU=1)")
        key = _task_key(job)
        future = client.submit(run_remote, job, settings.project.root, settings.cell_timeout,
                               self._fingerprint, key=key, pure=False,
                               retries=TASK_RETRIES, resources=GPU_RESOURCE if gpu else None)
        try:
            remote = await future
        except KilledWorker as exc:
            return lost(job, settings, exc)
        except asyncio.CancelledError:  # Ctrl-C, or another run failed: leave none queued
            if client.status == "running":  # not when the scheduler is gone: it would wait
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(client.cancel([future]), CLOSE_TIMEOUT_S)
            raise
        except Exception as exc:
            raise self._failure(job, exc) from None
        write_atomic({settings.project.build / job.part("logs", ".log"): remote.log})
        return Ran(remote.execution, worker=remote.worker, device=remote.device,
                   seconds=remote.seconds, lost=await _earlier_tries(client, key))

    def _failure(self, job: Job, exc: Exception) -> CourseError:
        """A run that could not happen, as the error that stops verify (exit 2)."""
        from distributed.client import FutureCancelledError

        if isinstance(exc, CourseError):  # raised on the worker, which it names
            return exc
        if isinstance(exc, FutureCancelledError):  # not by us: the scheduler went away
            return CourseError(f"the Dask cluster at {self.address} dropped the run of "
                               f"{job.lesson.stem} ({exc.reason})",
                               hint="check that its scheduler is up, then verify again")
        # anything else: the scheduler could not unpickle the task, a worker's bug, ...
        first = " ".join(str(exc).split())[:240]
        return CourseError(f"the Dask cluster at {self.address} could not run "
                           f"{job.lesson.stem}: {type(exc).__name__}: {first}",
                           hint="the scheduler and the workers need this environment, with "
                                "coursekit importable (docs/cluster.md)")

    async def _connect(self, job: Job, settings: Settings):
        async with self._connecting:
            if self.client is None:
                self.client = await connect(self.address)
                if not await client_workers(self.client):
                    settings.progress.note(job.lesson.stem, f"the cluster at {self.address} "
                                           "has no workers yet; waiting for one")
        return self.client

    async def close(self) -> None:
        if self.client is None:
            return
        # a client whose scheduler is gone logs its cancelled reconnection as a traceback,
        # up to the end of the event loop; verify has already said what happened
        for name in _CLIENT_LOGGERS:
            logging.getLogger(name).setLevel(logging.CRITICAL)
        with contextlib.suppress(asyncio.TimeoutError, OSError):
            await self.client.close(timeout=CLOSE_TIMEOUT_S)
        self.client = None


async def connect(address: str):
    try:  # an optional dependency: a local verify never needs it
        from distributed import Client
    except ImportError:
        raise CourseError(f"--scheduler {address} needs Dask's distributed package, which is "
                          "not installed", hint="pip install 'coursekit[cluster]'") from None
    try:
        return await Client(address, asynchronous=True, timeout=CONNECT_TIMEOUT_S)
    except (TimeoutError, OSError) as exc:
        raise CourseError(f"cannot reach the Dask scheduler at {address}: {exc}",
                          hint="start one (`dask scheduler`, docs/cluster.md) or fix "
                               f"--scheduler / ${SCHEDULER_ENV}") from None


async def client_workers(client) -> dict:
    """address → info of every worker (an asynchronous client caches none of them)."""
    return (await client.scheduler.identity(n_workers=-1)).get("workers", {})


async def _workers_with(client, resource: str) -> list[str]:
    return [address for address, info in (await client_workers(client)).items()
            if info.get("resources", {}).get(resource, 0) >= 1]


def _task_key(job: Job) -> str:
    # readable on the dashboard, unique so that two verifies never share a result
    return f"verify-{job.lesson.stem}-{job.profile}-{job.backend}-{uuid.uuid4().hex[:8]}"


async def _earlier_tries(client, key: str) -> tuple[str, ...]:
    """The workers that started ``key`` before the try that finished it (a worker that
    died, or a kernel that did not start): the scheduler retries them silently."""
    try:
        events = await client.get_events(TRIES_TOPIC)
    except Exception:  # noqa: BLE001 - an older scheduler: the run stands, unannotated
        return ()
    workers = [event["worker"] for _, event in events if event.get("task") == key]
    return tuple(workers[:-1])


def lost(job: Job, settings: Settings, exc: Exception) -> Ran:
    """A run whose worker died (every try): failed, with what happened, and no files."""
    worker = getattr(exc.args[1], "address", str(exc.args[1])) if len(exc.args) > 1 else None
    tries = exc.args[2] + 1 if len(exc.args) > 2 else 1
    path = job.lesson.path
    rel = path.relative_to(settings.project.root) if path.is_relative_to(settings.project.root) \
        else path
    message = (f"the Dask worker {worker} died while running this lesson ({tries} "
               f"{'try' if tries == 1 else 'tries'}, each on a worker that died): killed, or "
               "out of memory? That worker's log says why; verify again to retry")
    error = {"path": str(rel), "line": None, "cell": None, "exception": "WorkerDied",
             "message": message}
    return Ran(None, worker=worker, error=error)


# --- on the worker ---------------------------------------------------------------------

def run_remote(job: Job, root: Path, cell_timeout: int, fingerprint: str) -> Remote:
    """The Dask task: run ``job``'s kernel here, in a scratch folder removed afterwards."""
    from distributed import get_worker

    worker = get_worker()
    worker.log_event(TRIES_TOPIC, {"task": worker.get_current_task(), "worker": worker.address})
    check_worker(job, worker.address, fingerprint)
    device = device_info()
    threads = max(1, device["cores"] // max(1, worker.state.nthreads))
    # in the worker's own folder (dask worker --local-directory), removed afterwards
    with tempfile.TemporaryDirectory(prefix=f"coursekit-{job.lesson.stem}-",
                                     dir=worker.local_directory) as scratch:
        workdir = prepare_workdir(Path(scratch) / "work", job.data)
        log = Path(scratch) / "kernel.log"
        started = time.monotonic()
        try:
            execution = asyncio.run(_execute(job, workdir, log, threads, root, cell_timeout,
                                             _wanted(worker)))
        except CourseError as exc:  # the kernel did not start: its log goes with the error
            raise CourseError(f"on the Dask worker {worker.address}: {exc.message}",
                              hint=f"the kernel's log: {_tail(log)}") from None
        seconds = round(time.monotonic() - started, 2)
        return Remote(execution, log.read_bytes(), worker.address, device, seconds)


def _tail(log: Path, lines: int = 5) -> str:
    text = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
    return " | ".join(text.strip().splitlines()[-lines:]) or "(empty)"


def check_worker(job: Job, address: str, fingerprint: str) -> None:
    """The worker can run ``job`` as this client would: same environment, same data."""
    if environment_fingerprint() != fingerprint:
        raise CourseError(f"the Dask worker {address} runs another environment than the "
                          "client (other packages or another coursekit)",
                          hint="start the workers from the same environment as `verify` "
                               "(pip install -r requirements.txt, the same checkout)")
    for name, path in job.data.items():
        if not Path(path).is_file():
            raise CourseError(f"the Dask worker {address} has no data file {path} "
                              f"({job.lesson.stem} needs {name})",
                              hint="the data folder must be at the same path on every worker "
                                   "(shared storage, or a copy at that path)")


class Abandoned(Exception):
    """The client no longer wants this run (Ctrl-C, or it went away): its kernel stopped."""


def _wanted(worker) -> Callable[[], bool]:
    """Whether the client still wants the task now running on ``worker``.

    Dask cannot stop a running task's thread; a cancelled task is only marked so on its
    worker. The run looks at that mark, so that a Ctrl-C on the client stops the kernel.
    """
    key = worker.get_current_task()

    def wanted() -> bool:
        task = worker.state.tasks.get(key)
        return task is not None and task.state not in ("cancelled", "released", "forgotten")
    return wanted


async def _execute(job: Job, workdir: Path, log: Path, threads: int, root: Path,
                   cell_timeout: int, wanted: Callable[[], bool]) -> Execution:
    run = asyncio.ensure_future(run_kernel(job, workdir, log, threads, root, cell_timeout,
                                           lambda done, total: None))
    while not run.done():
        await asyncio.wait({run}, timeout=WATCH_S)
        if not run.done() and not wanted():
            run.cancel()  # the kernel is shut down as the run unwinds
            with contextlib.suppress(asyncio.CancelledError):
                await run
            raise Abandoned(f"{job.lesson.stem}: cancelled by the client")
    return run.result()

