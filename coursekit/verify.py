"""``build.py verify``: run every solution under a profile and a backend, prove every
exercise meaningful, read the metrics back, and report — executing only what changed.

The site calls :func:`verify` to make sure a verified run exists; the CLI calls
:func:`run_verify`. Planning (profiles, data, parameters, cache keys) happens here, before
any kernel starts, so every input error is reported at once with exit code 2.
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import os
import re
import sys
from pathlib import Path
from typing import TextIO

import nbformat

from . import contract
from .backends import BACKENDS, DEFAULT_BACKEND, require_backend
from .cache import code_hash, file_sha256, installed_packages, run_key
from .config import Project
from .errors import CourseError
from .execute import parameterize
from .kernel import CELL_TIMEOUT_S, check_kernel
from .lesson import Lesson
from .notebooks import Generated, generate
from .progress import Progress
from .report import Report, device_info, package_versions, write_report
from .runner import Job, Settings, run_all

DEFAULT_PROFILE = "smoke"
# two lessons side by side took 0.86x (whole course) and 0.60x (3 lessons) the time of one
# at a time on the 2-core build machine (docs/benchmarks-verify.md); never more than cores
DEFAULT_JOBS = 2
DATA_ENV = "COURSE_DATA_DIR"
DATA_FOLDER = "data"  # inside the kernel's working folder, where the data files are linked


def verify(project: Project, profile: str = DEFAULT_PROFILE, backend: str = DEFAULT_BACKEND,
           lessons: list[str] | None = None, jobs: int | None = None, force: bool = False,
           data_dir: Path | str | None = None, *, cell_timeout: int = CELL_TIMEOUT_S,
           stream: TextIO | None = None) -> Report:
    """Verify lessons; returns the :class:`~coursekit.report.Report` of this run's runs.

    ``verify(project, profile="smoke", backend="tensorflow", lessons=None, jobs=None,
    force=False, data_dir=None) -> Report``

    - ``lessons``: stems (``"01_addition"``) or ``content/…py`` paths; None for all.
    - ``jobs``: lessons run side by side (None: ``DEFAULT_JOBS``, at most one per core).
    - ``data_dir``: folder of offline data files (None: ``$COURSE_DATA_DIR``, else none).
    - ``force``: ignore the cache. ``stream``: where progress goes (default stderr).

    Afterwards ``build/executed/<profile>/<backend>/<stem>.ipynb`` holds each passing
    solution with its outputs, and ``build/report.json`` one entry per lesson × profile ×
    backend. ``report.ok`` is False when a lesson failed; bad input raises CourseError.
    """
    chosen = require_backend(backend)
    device = device_info()
    jobs = min(DEFAULT_JOBS, device["cores"]) if jobs is None else jobs
    if jobs < 1:
        raise CourseError(f"--jobs must be 1 or more, not {jobs}")
    folder = data_folder(data_dir)
    generated = generate(project)
    selected = select_lessons(project, generated.lessons, lessons)
    check_kernel()
    packages, code = installed_packages(), code_hash()
    planned = [plan_job(project, generated, lesson, profile, backend, folder, packages, code)
               for lesson in selected]
    settings = Settings(project=project, jobs=jobs, force=force, device=device,
                        threads=max(1, device["cores"] // max(1, min(jobs, len(planned)))),
                        packages=package_versions(chosen.package), cell_timeout=cell_timeout,
                        progress=Progress(stream or sys.stderr))
    records = asyncio.run(run_all(planned, settings))
    return write_report(project.build, records, {l.stem for l in generated.lessons}, device,
                        settings.packages)


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


def profile_of(lesson: Lesson, profile: str) -> tuple[dict, dict]:
    """(parameters, targets); a lesson that declares no profiles runs its defaults."""
    if not lesson.profiles:
        return {}, {}
    if profile not in lesson.profiles:
        raise CourseError(f"lesson {lesson.stem} has no profile '{profile}'", path=lesson.path,
                          line=_header_line(lesson.path, "profiles"),
                          hint=f"its profiles: {', '.join(lesson.profiles)}; add '{profile}' "
                               "under profiles: in its header or choose another --profile")
    spec = lesson.profiles[profile] or {}
    return dict(spec.get("parameters") or {}), dict(spec.get("targets") or {})


def _header_line(path: Path, key: str) -> int | None:
    pattern = re.compile(rf"^#\s+{key}\s*:")
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if pattern.match(line):
            return number
    return None


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


def plan_job(project: Project, generated: Generated, lesson: Lesson, profile: str,
             backend: str, folder: Path | None, packages: list[str], code: str) -> Job:
    parameters, targets = profile_of(lesson, profile)
    data_parameters, local, sources, hashes = data_inputs(lesson, folder)
    parameters.update(data_parameters)
    source = generated.files[project.solutions / f"{lesson.stem}.ipynb"]
    notebook = parameterize(nbformat.reads(source.decode("utf-8"), as_version=4), parameters)
    key = run_key(lesson, parameters=parameters, profile=profile, targets=targets,
                  backend=backend, data=hashes, packages=packages, code=code)
    return Job(lesson=lesson, profile=profile, backend=backend, parameters=parameters,
               targets=targets, data=local, data_sources=sources, notebook=notebook,
               probes=contract.plan(lesson), key=key)


# --- the command line ------------------------------------------------------------------

def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, not '{text}'")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", default=DEFAULT_PROFILE,
                        help="profile declared in the lesson headers: smoke or full "
                             f"(default {DEFAULT_PROFILE})")
    parser.add_argument("--backend", default=DEFAULT_BACKEND, choices=list(BACKENDS),
                        help=f"Keras backend (default {DEFAULT_BACKEND})")
    parser.add_argument("--lesson", action="append", metavar="STEM",
                        help="verify only this lesson; repeat for several")
    parser.add_argument("--jobs", type=_positive, default=None,
                        help=f"lessons run side by side (default {DEFAULT_JOBS}, at most one "
                             "per core)")
    parser.add_argument("--force", action="store_true", help="ignore the cache")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help=f"folder with the lessons' offline data (default ${DATA_ENV})")


def run_verify(project: Project, args: argparse.Namespace) -> int:
    report = verify(project, profile=getattr(args, "profile", DEFAULT_PROFILE),
                    backend=getattr(args, "backend", DEFAULT_BACKEND),
                    lessons=getattr(args, "lesson", None), jobs=getattr(args, "jobs", None),
                    force=getattr(args, "force", False), data_dir=getattr(args, "data_dir", None))
    for run in report.runs:
        if not run.passed:
            print(f"FAILED {run.lesson} [{run.profile}, {run.backend}]")
            for line in run.messages():
                print(f"  {line}")
            print(f"  executed notebook: {run.executed}")
    print(report.table())
    failed = sum(not run.passed for run in report.runs)
    print(f"{len(report.runs) - failed} passed, {failed} failed; "
          f"report: {report.path.relative_to(project.root)}")
    return 0 if report.ok else 1
