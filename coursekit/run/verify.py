"""``build.py verify``: run every solution under a profile and a backend, prove every
exercise meaningful, read the metrics back, and report — executing only what changed.

The site calls :func:`verify` to make sure a verified run exists; the CLI calls
:func:`run_verify`. Planning (profiles, data, parameters, cache keys) happens here, before
any kernel starts, so every input error is reported at once with exit code 2.
"""

from __future__ import annotations

import asyncio
import difflib
import os
import platform
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

import nbformat
from nbformat import NotebookNode

from ..config import Project
from ..errors import CourseError
from ..source.lesson import Lesson
from ..source.notebooks import Generated, generate
from . import contract, variants
from .backends import course_backend
from .cache import code_hash, file_sha256, installed_versions, open_cache, run_key
from .cluster import run_on_cluster, scheduler_address
from .execute import parameterize
from .kernel import check_kernel
from .options import RunOptions
from .progress import Progress
from .report import (
    INJECTED,
    PASSED,
    Report,
    RunRecord,
    device_info,
    executed_path,
    load_runs,
    package_versions,
    pick_run,
    report_path,
    utc_day,
    write_report,
)
from .runner import Job, Settings, run_all
from .seeds import DEFAULT_SEEDS, SEED, combine, seed_list

DEFAULT_PROFILE = "smoke"
# two lessons side by side took 0.86x (whole course) and 0.60x (3 lessons) the time of one
# at a time on the 2-core build machine (docs/benchmarks-verify.md); never more than cores
DEFAULT_JOBS = 2
DATA_ENV = "COURSE_DATA_DIR"
DATA_FOLDER = "data"  # inside the kernel's working folder, where the data files are linked


def verify(project: Project, options: RunOptions = RunOptions(), *,
           generated: Generated | None = None, stream: TextIO | None = None) -> Report:
    """Verify lessons; returns the :class:`~coursekit.report.Report` of this run's runs.

    ``verify(project, RunOptions(profile="full", lessons=("01_addition",)))``; each
    field of :class:`~coursekit.run.options.RunOptions` left None takes its default:

    - ``profile``: ``DEFAULT_PROFILE``. ``backend``: the course's own (course.yml's
      ``backend:``, else Keras' default when a lesson imports Keras, else none).
    - ``lessons``: stems (``"01_addition"``) or ``content/…py`` paths; empty for all.
    - ``jobs``: lessons run side by side (``DEFAULT_JOBS``, at most one per core).
    - ``data_dir``: folder of offline data files (``$COURSE_DATA_DIR``, else none).
    - ``seeds``: run each lesson under this many seeds (``DEFAULT_SEEDS``: one, its own;
      seeds.py), a target passing only when every seed meets it.
    - ``force``: ignore the cache. ``cache``: folder or fsspec URL of the run cache
      (``$COURSE_CACHE``, else the project's ``.cache/``).
    - ``scheduler``: a Dask scheduler address (``tcp://HOST:PORT``;
      ``$COURSE_DASK_SCHEDULER``, else local kernels). Each run is then a task on that
      cluster, ``jobs`` (None: every run at once) caps how many wait there (cluster.py).

    ``generated``: content/ as already read (None: read it here); ``stream``: progress (stderr).

    Afterwards ``build/executed/<profile>/<backend>/<stem>.ipynb`` holds each passing
    solution with its outputs, and ``build/report.json`` one entry per lesson × profile ×
    backend. ``report.ok`` is False when a lesson failed; bad input raises CourseError,
    except a lesson's own (its header, its markers) when ``generated`` was read with
    ``keep_going``: that lesson is a failed entry, its error in ``report.input_errors``,
    and the others run.
    """
    address = scheduler_address(options.scheduler)
    device = device_info()
    jobs = _local_jobs(options, device)
    folder = data_folder(options.data_dir)
    runs = open_cache(options.cache, project.cache)
    generated = generated or generate(project)
    chosen = course_backend(options.backend, generated.course, generated.lessons,
                            project.root)
    selected, broken = chosen_lessons(project, generated, options.lessons)
    check_kernel()
    code = code_hash()
    profile = options.profile or DEFAULT_PROFILE
    count = DEFAULT_SEEDS if options.seeds is None else options.seeds
    # a plan error (an unknown --profile, a missing backend) is the command's: all stop
    groups = [plan_seeds(project, generated, lesson, profile, chosen.name, folder, code,
                         count) for lesson in selected]
    planned = [job for jobs, _ in groups for job in jobs]
    settings = Settings(project=project, jobs=jobs, force=options.force, device=device,
                        threads=max(1, device["cores"] // max(1, min(jobs, len(planned)))),
                        packages=package_versions(chosen.package),
                        cell_timeout=options.cell_timeout,
                        progress=Progress(stream or sys.stderr), cache=runs,
                        installed=installed_versions())
    records = per_lesson(_run_jobs(planned, settings, address, options.jobs), groups)
    records += [unreadable(project, stem, err, profile, chosen.name, settings)
                for stem, err in broken.items()]
    report = write_report(project.build, records,
                          {lesson.stem for lesson in generated.lessons} | set(broken), device,
                          settings.packages)
    report.input_errors = list(broken.values())
    return report


def _local_jobs(options: RunOptions, device: dict) -> int:
    """How many lessons run side by side here (at most one per core by default)."""
    jobs = min(DEFAULT_JOBS, device["cores"]) if options.jobs is None else options.jobs
    if jobs < 1:
        raise CourseError(f"--jobs must be 1 or more, not {jobs}")
    return jobs


def _run_jobs(planned: list[Job], settings: Settings, address: str | None,
              jobs: int | None) -> list:
    """The planned runs' records, from local kernels or the cluster at ``address``."""
    if address is None:
        return asyncio.run(run_all(planned, settings))
    # the cluster's scheduler queues the runs: submit them all unless --jobs says
    settings.jobs = jobs or max(1, len(planned))
    return run_on_cluster(planned, settings, address)


def chosen_lessons(project: Project, generated: Generated,
                   wanted) -> tuple[list[Lesson], dict[str, CourseError]]:
    """The lessons asked for (all when none is named) that will run, and stem → error of
    those ``generate(keep_going=True)`` set aside."""
    stems = {Path(name).stem for name in wanted}
    broken = {err.path.stem: err for err in generated.broken
              if err.path is not None and (not stems or err.path.stem in stems)}
    readable = [name for name in wanted if Path(name).stem not in broken]
    if wanted and not readable:
        return [], broken
    return select_lessons(project, generated.lessons, readable), broken


def unreadable(project: Project, stem: str, err: CourseError, profile: str, backend: str,
               settings: Settings) -> RunRecord:
    """The report entry of a lesson whose input is wrong: failed, with the error."""
    path = err.path.relative_to(project.root) if err.path.is_relative_to(project.root) \
        else err.path
    message = err.message + (f". {err.hint}" if err.hint else "")
    return RunRecord(lesson=stem, profile=profile, backend=backend, device=settings.device,
                     packages=settings.packages, date=utc_day(),
                     error={"path": path.as_posix(), "line": err.line, "cell": err.cell,
                            "exception": type(err).__name__, "message": message})


def data_folder(data_dir: Path | str | None) -> Path | None:
    value = data_dir if data_dir is not None else os.environ.get(DATA_ENV) or None
    if value is None:
        return None
    folder = Path(value).expanduser().resolve()
    if not folder.is_dir():
        raise CourseError(f"data folder not found: {value}",
                          hint=f"--data-dir (or ${DATA_ENV}) must name a folder holding the "
                               "lessons' data files, e.g. ../shared/data")
    return folder


def select_lessons(project: Project, lessons: list[Lesson], wanted: list[str] | None):
    if not wanted:
        return lessons
    by_stem = {lesson.stem: lesson for lesson in lessons}
    chosen = []
    for name in wanted:
        stem = Path(name).stem
        if stem not in by_stem:
            close = difflib.get_close_matches(stem, list(by_stem), n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"lessons: {', '.join(by_stem)}"
            raise CourseError(f"no lesson '{name}'", path=project.content, hint=hint)
        if by_stem[stem] not in chosen:
            chosen.append(by_stem[stem])
    return chosen


def profile_of(lesson: Lesson, profile: str, backend: str | None = None) -> tuple[dict, dict]:
    """(parameters, targets) on ``backend``: the profile's parameters, then the backend's
    own (``backends:``) over them; a lesson that declares no profiles runs its defaults."""
    if not lesson.profiles:
        return {}, {}
    if profile not in lesson.profiles:
        raise CourseError(f"lesson {lesson.stem} has no profile '{profile}'", path=lesson.path,
                          line=lesson.key_lines.get("profiles"),
                          hint=f"its profiles: {', '.join(lesson.profiles)}; add '{profile}' "
                               "under profiles: in its header or choose another --profile")
    spec = lesson.profiles[profile] or {}
    parameters = dict(spec.get("parameters") or {})
    own = (spec.get("backends") or {}).get(backend) or {}
    parameters.update(own.get("parameters") or {})
    return parameters, backend_targets(lesson, profile, backend)[0]


def backend_targets(lesson: Lesson, profile: str | None,
                    backend: str | None) -> tuple[dict, str | None]:
    """The targets a run on ``backend`` is judged on: the profile's, with the backend's own
    over them (``backends: {jax: {targets: …, reason: …}}``), and that reason (None when
    the backend has no targets of its own)."""
    spec = lesson.profiles.get(profile) or {}
    own = (spec.get("backends") or {}).get(backend) or {}
    targets = dict(spec.get("targets") or {})
    targets.update(own.get("targets") or {})
    return targets, own.get("reason") if own.get("targets") else None


def data_inputs(lesson: Lesson, folder: Path | None) -> tuple[dict, dict, dict, dict]:
    """(parameters, local files, sources, hashes) for the lesson's declared data files.

    A file found in ``folder`` is linked into the kernel's working folder and its
    parameter set to the relative path ``data/<name>`` (no machine path reaches the
    executed notebook); a missing one leaves the lesson to download, as on Colab.
    """
    parameters, local, sources, hashes = {}, {}, {}, {}
    for name, parameter in lesson.data.items():
        path = folder / name if folder is not None else None
        if path is not None and path.is_file():
            parameters[parameter] = f"{DATA_FOLDER}/{name}"
            local[name], sources[name], hashes[name] = path, "data-dir", file_sha256(path)
        else:
            sources[name] = hashes[name] = "download"
    return parameters, local, sources, hashes


def kernel_python() -> str:
    """The kernel's Python for the key: check_kernel makes sure it is this interpreter.
    Its version and build, not its path, so that two clones share their runs."""
    return f"{sys.implementation.name} {sys.version} {sys.platform} {platform.machine()}"


def plan_seeds(project: Project, generated: Generated, lesson: Lesson, profile: str,
               backend: str, folder: Path | None, code: str,
               count: int) -> tuple[list[Job], list[int]]:
    """The lesson's runs under ``count`` seeds (seeds.py), and the seeds (empty for one)."""
    seeds = seed_list(lesson, profile_of(lesson, profile, backend)[0], count)
    first = plan_job(project, generated, lesson, profile, backend, folder, code)
    return [first] + [plan_job(project, generated, lesson, profile, backend, folder, code,
                               seed=seed) for seed in seeds[1:]], seeds


def per_lesson(records: list[RunRecord], groups: list[tuple[list[Job], list[int]]]):
    """One record per lesson: its seeds' runs (consecutive in ``records``) combined."""
    combined, start = [], 0
    for jobs, seeds in groups:
        combined.append(combine(records[start:start + len(jobs)], seeds))
        start += len(jobs)
    return combined


def plan_job(project: Project, generated: Generated, lesson: Lesson, profile: str,
             backend: str, folder: Path | None, code: str, seed: int | None = None) -> Job:
    """``seed``: inject it (verify --seeds); None runs the lesson's own."""
    parameters, targets = profile_of(lesson, profile, backend)
    data_parameters, local, sources, hashes = data_inputs(lesson, folder)
    parameters.update(data_parameters)
    if seed is not None:
        parameters[SEED] = seed
    source = generated.files[project.solutions / f"{lesson.stem}.ipynb"]
    notebook = parameterize(nbformat.reads(source.decode("utf-8"), as_version=4), parameters)
    key = run_key(lesson, parameters=parameters, profile=profile, targets=targets,
                  backend=backend, data=hashes, python=kernel_python(), code=code)
    return Job(lesson=lesson, profile=profile, backend=backend, parameters=parameters,
               targets=targets, data=local, data_sources=sources, notebook=notebook,
               probes=contract.plan(lesson), key=key, variants=variants.plan(lesson),
               seed=seed)


# --- the runs the site publishes: verified again where missing or stale --------------

class NotVerified(CourseError):
    """A lesson the site needs has no passing run: the course failed a check (exit 1)."""

    exit_code = 1


@dataclass(frozen=True)
class Verified:
    run: dict | None
    executed: NotebookNode | None
    current: bool = False  # the executed code is the solution's code as it is now


def is_current(executed: NotebookNode, solution: NotebookNode) -> bool:
    """The executed notebook ran the solution's code as it is now (cell by cell)."""
    ran = {cell.get("id"): cell.source for cell in executed.cells
           if cell.cell_type == "code" and INJECTED not in cell.metadata.get("tags", [])}
    return all(ran.get(cell.id) == cell.source
               for cell in solution.cells if cell.cell_type == "code")


def find_verified(project: Project, solutions: dict[str, NotebookNode], profile: str | None,
                  backend: str | None) -> dict[str, Verified]:
    """stem → its run and executed notebook. A failed run has no notebook to publish."""
    runs = load_runs(project)
    found = {}
    for stem, solution in solutions.items():
        run = pick_run(runs, stem, profile, backend)
        path = executed_path(project, run) if run else None
        if run is not None and run.get("status") != PASSED:
            found[stem] = Verified(run, None)
        elif path is None or not path.is_file():
            found[stem] = Verified(None, None)
        else:
            executed = nbformat.read(path, as_version=4)
            found[stem] = Verified(run, executed, is_current(executed, solution))
    return found


def ensure_verified(project: Project, solutions: dict[str, NotebookNode],
                    options: RunOptions = RunOptions(), *,
                    generated: Generated | None = None) -> dict[str, Verified]:
    """Like :func:`find_verified`, first verifying (with ``options``: the command's own
    profile, scheduler, jobs, cache, …) the lessons whose run is missing or stale."""
    found = find_verified(project, solutions, options.profile, options.backend)
    needed = sorted(stem for stem, v in found.items() if not v.current)
    if not needed:
        return found
    verify(project, replace(options, lessons=tuple(needed)), generated=generated)
    found = find_verified(project, solutions, options.profile, options.backend)
    failed = sorted(stem for stem, v in found.items() if v.run and not v.current)
    missing = sorted(stem for stem, v in found.items() if not v.run)
    if failed or missing:
        what = [f"{', '.join(failed)} failed verification"] if failed else []
        what += [f"no verified run of {', '.join(missing)}"] if missing else []
        raise NotVerified(f"cannot build the site: {'; '.join(what)}",
                          path=report_path(project),
                          hint="`python build.py verify` shows what went wrong")
    return found
