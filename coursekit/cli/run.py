"""The ``verify`` command: its options and what it prints."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..config import Project
from ..run.backends import BACKENDS
from ..run.cache import CACHE_ENV
from ..run.cluster import SCHEDULER_ENV
from ..run.verify import DATA_ENV, DEFAULT_JOBS, DEFAULT_PROFILE, verify


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, not '{text}'")
    return value


def cache_argument(parser: argparse.ArgumentParser, default=argparse.SUPPRESS) -> None:
    """``--cache URL``; a subcommand's default is SUPPRESS so that it does not overwrite
    the value given before the subcommand (``build.py --cache URL`` for the full build)."""
    parser.add_argument("--cache", metavar="URL", default=default,
                        help="the run cache: a folder or an fsspec URL (file://, s3://, gs://) "
                             f"shared by clones and CI (default ${CACHE_ENV}, else .cache/)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", default=DEFAULT_PROFILE,
                        help="profile declared in the lesson headers: smoke or full "
                             f"(default {DEFAULT_PROFILE})")
    parser.add_argument("--backend", default=None, choices=list(BACKENDS),
                        help="Keras backend, or none (default: `backend:` in course.yml, "
                             "else tensorflow when a lesson imports Keras, else none)")
    parser.add_argument("--lesson", action="append", metavar="STEM",
                        help="verify only this lesson; repeat for several")
    parser.add_argument("--jobs", type=_positive, default=None,
                        help=f"lessons run side by side (default {DEFAULT_JOBS}, at most one "
                             "per core)")
    parser.add_argument("--force", action="store_true", help="ignore the cache")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help=f"folder with the lessons' offline data (default ${DATA_ENV})")
    cache_argument(parser)
    parser.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                        help="run the lessons on this Dask cluster instead of local kernels "
                             f"(default ${SCHEDULER_ENV}; docs/cluster.md)")


def run_verify(project: Project, args: argparse.Namespace) -> int:
    report = verify(project, profile=getattr(args, "profile", DEFAULT_PROFILE),
                    backend=getattr(args, "backend", None),
                    lessons=getattr(args, "lesson", None), jobs=getattr(args, "jobs", None),
                    force=getattr(args, "force", False), data_dir=getattr(args, "data_dir", None),
                    cache=getattr(args, "cache", None),
                    scheduler=getattr(args, "scheduler", None))
    print(report.summary(project.root))
    return 0 if report.ok else 1
