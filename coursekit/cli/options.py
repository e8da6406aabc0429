"""The options of a verification (``--profile``, ``--scheduler``, …): each defined once,
given to every command that takes it, and read into one :class:`RunOptions`.

The top-level parser has them all, for the full build (``python build.py --profile full``);
a subcommand's copy defaults to SUPPRESS, so that it does not overwrite a value given
before the subcommand (``build.py --cache URL site``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..run.backends import BACKENDS
from ..run.cache import CACHE_ENV
from ..run.cluster import SCHEDULER_ENV
from ..run.kernel import CELL_TIMEOUT_S
from ..run.options import RunOptions
from ..run.seeds import DEFAULT_SEEDS
from ..run.verify import DATA_ENV, DEFAULT_JOBS, DEFAULT_PROFILE


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, not '{text}'")
    return value


# RunOptions field -> (flag, argparse settings); the order is the order of --help
ARGUMENTS: dict[str, tuple[str, dict]] = {
    "profile": ("--profile", dict(
        help="profile declared in the lesson headers, e.g. smoke or full (verify's default: "
             f"{DEFAULT_PROFILE}; site and serve: the last verified runs)")),
    "backend": ("--backend", dict(
        choices=list(BACKENDS),
        help="Keras backend, or none (default: `backend:` in course.yml, else tensorflow "
             "when a lesson imports Keras, else none; site and serve: the last verified "
             "runs)")),
    "lessons": ("--lesson", dict(action="append", metavar="STEM",
                                 help="verify only this lesson; repeat for several")),
    "jobs": ("--jobs", dict(type=_positive, help=f"lessons run side by side (default "
                                                 f"{DEFAULT_JOBS}, at most one per core)")),
    "seeds": ("--seeds", dict(type=_positive, metavar="N",
                              help="run each lesson under N seeds, its own and the N-1 after "
                                   "it; a target passes only when every seed meets it "
                                   f"(default {DEFAULT_SEEDS}; docs/verify.md)")),
    "force": ("--force", dict(action="store_true",
                              help="ignore the cache when verifying")),
    "data_dir": ("--data-dir", dict(type=Path, help="folder with the lessons' offline data "
                                                    f"(default ${DATA_ENV})")),
    "cache": ("--cache", dict(metavar="URL", help="the run cache: a folder or an fsspec URL "
                                                  "(file://, s3://, gs://) shared by clones "
                                                  f"and CI (default ${CACHE_ENV}, else .cache/)")),
    "scheduler": ("--scheduler", dict(metavar="tcp://HOST:PORT",
                                      help="run the lessons on this Dask cluster instead of "
                                           f"local kernels (default ${SCHEDULER_ENV}; "
                                           "docs/cluster.md)")),
    "cell_timeout": ("--timeout", dict(type=_positive, metavar="SECONDS",
                                       help=f"the longest a cell may run (default "
                                            f"{CELL_TIMEOUT_S}); a lesson's timeout: header "
                                            "key wins for that lesson")),
}
# what a command that may start a verification takes (site; the full build)
VERIFYING = ("profile", "backend", "jobs", "seeds", "force", "data_dir", "cache", "scheduler",
             "cell_timeout")
SHOWING = ("profile", "backend")  # what a command that only shows runs takes (serve)


def add_run_options(parser: argparse.ArgumentParser, names: tuple[str, ...],
                    top: bool = False) -> None:
    """``names`` (RunOptions fields) as options of ``parser``; ``top``: the top-level
    parser, whose defaults are the real ones."""
    for name in names:
        flag, settings = ARGUMENTS[name]
        default = None if settings.get("action") != "store_true" else False
        parser.add_argument(flag, dest=name, default=default if top else argparse.SUPPRESS,
                            **settings)


def run_options(args: argparse.Namespace) -> RunOptions:
    """The options as parsed, where given; RunOptions' own defaults elsewhere."""
    given = {name: getattr(args, name) for name in ARGUMENTS
             if getattr(args, name, None) is not None}
    if "lessons" in given:
        given["lessons"] = tuple(given["lessons"])
    return RunOptions(**given)
