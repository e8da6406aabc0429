"""Run verify's jobs: side by side, from the cache when nothing changed, outputs under build/.

Where things go, per lesson × profile × backend:
  build/executed/<profile>/<backend>/<stem>.ipynb   the passing solution, outputs kept
  build/failed/<profile>/<backend>/<stem>.ipynb     a failing one, kept for inspection
  build/failed/…/<stem>.probes.ipynb                the contract probes as they ran
  build/work/…/<stem>/                              the kernel's working folder (data/ links)
  build/logs/…/<stem>.log                           the kernel's own output (C++ logs)
Every file is written whole or not at all (fsutil.write_atomic); Ctrl-C cancels the jobs,
and each job's kernel is shut down as its task unwinds.
"""

from __future__ import annotations

import asyncio
import collections
import copy
import shutil
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from ..config import Project
from ..errors import CourseError
from ..fsutil import write_atomic
from ..source.lesson import Lesson
from ..source.transforms import to_bytes
from . import variants
from .cache import RunCache, code_outputs, needed_proof, outcome, pour_outputs, proof_of, proves
from .contract import Probe, unchecked
from .execute import Execution, execute
from .kernel import CELL_TIMEOUT_S, KernelSession, kernel_env
from .lock import course_lock
from .metrics import read_metrics, target_problems
from .output_cap import CELL_LIMIT_KB
from .progress import Progress
from .report import RunRecord, utc_day


@dataclass
class Job:
    lesson: Lesson
    profile: str
    backend: str
    parameters: dict          # injected through papermill's parameters cell
    targets: dict
    data: dict                # data file name -> local file linked into the work folder
    data_sources: dict        # data file name -> "data-dir" / "download"
    notebook: NotebookNode    # the parameterized solution notebook
    probes: list[Probe]
    key: str
    variants: list = field(default_factory=list)  # variants.VariantProbe
    # verify --seeds: the seed this run injects; None for the lesson's own (its files are
    # the ones a one-seed verify writes)
    seed: int | None = None

    @property
    def label(self) -> str:
        """The run as progress lines name it."""
        return self.lesson.stem + ("" if self.seed is None else f" (seed {self.seed})")

    def part(self, top: str, suffix: str = "") -> Path:
        name = self.lesson.stem + ("" if self.seed is None else f".seed-{self.seed}")
        return Path(top) / self.profile / self.backend / f"{name}{suffix}"


@dataclass
class Ran:
    """What an executor gives back for one job (see :attr:`Settings.executor`)."""

    execution: Execution | None  # None: the run was lost (its Dask worker died); see error
    worker: str | None = None    # the Dask worker's address; None for a local kernel
    device: dict | None = None   # the machine it ran on, when not this one
    seconds: float | None = None  # the kernel's own time, when waiting came before it
    error: dict | None = None    # why a lost run has no execution (the report's error)
    lost: tuple = ()             # Dask workers whose try did not finish it, in order


@dataclass
class Settings:
    project: Project
    jobs: int
    threads: int              # per kernel: the machine's cores shared among the jobs
    force: bool
    device: dict
    packages: dict
    progress: Progress
    cache: RunCache
    installed: dict           # distribution -> version installed now (cache.installed_versions)
    cell_timeout: int = CELL_TIMEOUT_S
    # where a job's kernel runs: None is here (run_locally); cluster.py sends it to Dask
    executor: Callable[[Job, Settings], Awaitable[Ran]] | None = None


async def run_all(jobs: list[Job], settings: Settings) -> list[RunRecord]:
    slots = asyncio.Semaphore(settings.jobs)
    gpu = asyncio.Lock()  # one GPU lesson at a time: they would fight over its memory
    # jobs with one key (lessons with identical code) wait for each other, so the first
    # one's run is the others' cache hit; taken before a slot, so a waiting job holds none
    same_key = collections.defaultdict(asyncio.Lock)
    records: list[RunRecord | None] = [None] * len(jobs)

    async def one(number: int, job: Job) -> None:
        async with same_key[job.key], slots:
            if job.lesson.accelerator == "gpu" and settings.device.get("gpus"):
                async with gpu:
                    records[number] = await run_job(job, settings)
            else:
                records[number] = await run_job(job, settings)

    ticker = asyncio.create_task(_tick(settings.progress)) if settings.progress.live else None
    try:
        with course_lock(settings.project.build):  # one verify per course at a time
            async with asyncio.TaskGroup() as group:
                for number, job in enumerate(jobs):
                    group.create_task(one(number, job))
    except ExceptionGroup as group:
        # the other jobs were cancelled and their kernels stopped; report the user's error
        errors = [e for e in group.exceptions if isinstance(e, CourseError)]
        if errors:
            raise errors[0] from None
        raise
    finally:
        if ticker:
            ticker.cancel()
        settings.progress.close()
    return records


async def _tick(progress: Progress) -> None:
    while True:
        await asyncio.sleep(1)
        progress.tick()


def new_record(job: Job, settings: Settings) -> RunRecord:
    return RunRecord(lesson=job.lesson.stem, profile=job.profile, backend=job.backend,
                     targets=job.targets, parameters=job.parameters, data=job.data_sources,
                     device=settings.device, packages=settings.packages, key=job.key,
                     date=utc_day())


async def run_job(job: Job, settings: Settings) -> RunRecord:
    cache = settings.cache
    label = job.label
    if not settings.force:
        hit = from_cache(job, settings, cache)
        if hit is not None:
            settings.progress.done(label, hit.status, hit.seconds, cached=True)
            return hit
    settings.progress.start(label)
    started = time.monotonic()
    ran = await (settings.executor or run_locally)(job, settings)
    record = new_record(job, settings)
    record.seconds = round(time.monotonic() - started if ran.seconds is None else ran.seconds, 2)
    record.worker, record.device = ran.worker, ran.device or record.device
    record.earlier_tries = list(ran.lost)
    if ran.execution is None:  # lost with its worker: nothing to judge, nothing to keep
        record.error = ran.error
    else:
        judge(record, ran.execution, job, settings.project.root)
        keep(record, ran.execution, job, settings.project)
        if record.passed:
            remember(record, ran.execution, job, settings)
    settings.progress.done(label, record.status, record.seconds, cached=False)
    return record


async def run_locally(job: Job, settings: Settings) -> Ran:
    """The job's kernel on this machine, its working folder and log under build/."""
    label = job.label
    workdir = prepare_workdir(settings.project.build / job.part("work"), job.data)
    execution = await run_kernel(job, workdir, settings.project.build / job.part("logs", ".log"),
                                 settings.threads, settings.project.root, settings.cell_timeout,
                                 lambda k, n: settings.progress.cell(label, k, n))
    return Ran(execution)


async def run_kernel(job: Job, workdir: Path, log: Path, threads: int, root: Path,
                     cell_timeout: int, progress: Callable[[int, int], None]) -> Execution:
    """The one way a job's notebook runs, here or on a Dask worker (cluster.py): a kernel
    in ``workdir``, the solution, its probes and its declared variants."""
    # the lesson's own timeout: header says what it needs; --timeout is for the others
    session = KernelSession(job.notebook, env=kernel_env(job.backend, threads), cwd=workdir,
                            log=log, timeout=job.lesson.timeout or cell_timeout,
                            output_kb=job.lesson.output_limit or CELL_LIMIT_KB)
    async with session:
        return await execute(session, job.lesson, job.notebook, job.probes, root, progress,
                             job.variants)


def prepare_workdir(folder: Path, data: dict) -> Path:
    """A clean working folder; the data files are linked in as data/<name>, never copied."""
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "data").mkdir(parents=True)
    for name, source in data.items():
        (folder / "data" / name).symlink_to(source)
    return folder


def lesson_path(job: Job, root: Path) -> Path:
    """The lesson file as messages name it: relative to the project when inside it."""
    path = job.lesson.path
    return path.relative_to(root) if path.is_relative_to(root) else path


def judge(record: RunRecord, execution: Execution, job: Job, root: Path) -> None:
    rel = lesson_path(job, root)
    record.contract_problems = unchecked(job.lesson, job.probes, root) + execution.problems
    record.contract_problems += variants.unchecked(job.lesson, job.variants, root)
    record.contract_problems += [v.problem for v in execution.verdicts if v.problem]
    record.checks = variants.tally(job.variants, execution.verdicts)
    if execution.unprobed:
        record.contract_problems.append(f"{rel}: {execution.unprobed} stub(s) not probed: "
                                        "the solution failed before reaching them")
    record.metrics = read_metrics(execution.notebook)
    failure = execution.failure
    if failure is not None:
        record.error = {"path": str(rel), "line": failure.line, "cell": failure.cell,
                        "exception": failure.exception, "message": failure.message}
    else:
        record.problems += target_problems(execution.notebook, job.targets, job.profile,
                                           str(rel))
    record.settle()


def keep(record: RunRecord, execution: Execution, job: Job, project: Project) -> None:
    """Passed: publish under executed/. Failed: keep it under failed/."""
    executed = job.part("executed", ".ipynb")
    failed, probes = job.part("failed", ".ipynb"), job.part("failed", ".probes.ipynb")
    if record.passed:
        record.executed = shown(project, executed)
        write_atomic({project.build / executed: to_bytes(execution.notebook)})
        for stale in (failed, probes):
            (project.build / stale).unlink(missing_ok=True)
        return
    record.executed = shown(project, failed)
    files = {project.build / failed: to_bytes(execution.notebook)}
    if execution.transcript:
        files[project.build / probes] = to_bytes(transcript(execution, job))
    write_atomic(files)


def remember(record: RunRecord, execution: Execution, job: Job, settings: Settings) -> None:
    """Cache a passed run, on the client side (where the report is written)."""
    record.dependencies = execution.dependencies
    try:
        settings.cache.put(job.key, outcome(record), code_outputs(execution.notebook),
                           execution.dependencies, proof_of(job.probes, execution))
    except OSError as exc:
        # a shared cache this machine may only read (a fork's CI): the run still passed
        settings.progress.note(job.label, f"not cached: cannot write to "
                                                f"{settings.cache.url}: {exc}")


def shown(project: Project, part: Path) -> str:
    """A build file as the report names it: relative to the project, not the machine."""
    return (project.build / part).relative_to(project.root).as_posix()


def transcript(execution: Execution, job: Job) -> NotebookNode:
    nb = nbformat.v4.new_notebook(metadata=copy.deepcopy(job.notebook.metadata))
    for number, cell in enumerate(execution.transcript, start=1):
        cell = copy.deepcopy(cell)
        cell.id = f"probe-{number:03d}"  # the same cell may run in several probes
        nb.cells.append(cell)
    return nb


def from_cache(job: Job, settings: Settings, cache: RunCache) -> RunRecord | None:
    """A hit, judged again: only a signed, sound entry that proved at least what this job
    must prove is used, and its status comes from its outputs and the current targets."""
    def warn(text: str) -> None:
        settings.progress.note(job.label, text)
    entry = cache.get(job.key, settings.installed, warn)
    if entry is None or not proves(entry["proof"], needed_proof(job.probes, job.variants)):
        return None  # absent, untrusted, or a weaker run (its variants never ran)
    nb = copy.deepcopy(job.notebook)
    if not pour_outputs(nb, entry["outputs"]):
        warn(f"cache entry {cache.where(job.key)} ignored: its outputs do not fit the "
             "notebook; running it again")
        return None
    record = new_record(job, settings)
    for name, value in entry["outcome"].items():
        setattr(record, name, value)
    record.cached, record.dependencies = True, entry["dependencies"]
    record.metrics = read_metrics(nb)
    record.problems = target_problems(nb, job.targets, job.profile,
                                      str(lesson_path(job, settings.project.root)))
    record.settle()
    if not record.passed:
        warn(f"cache entry {cache.where(job.key)} ignored: {'; '.join(record.messages())}; "
             "running it again")
        return None
    executed = job.part("executed", ".ipynb")
    write_atomic({settings.project.build / executed: to_bytes(nb)})
    record.executed = shown(settings.project, executed)
    return record
