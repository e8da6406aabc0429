"""The ``site``, ``bundle`` and ``serve`` commands: their own options and what they print
(the run options they share with ``verify``: cli/options.py).

Their own options are read with ``getattr`` defaults because the full build (``python
build.py`` with no subcommand) runs these steps without them.
"""

from __future__ import annotations

import argparse
import logging
import sys

from ..errors import CourseError
from ..publish.bundle import build_bundle
from ..publish.deck_check import skipped
from ..publish.handouts import build_handouts
from ..publish.serve import serve
from ..publish.site import build_site
from ..run.verify import DATA_ENV, data_folder
from .context import Context


def fit_check_argument(parser: argparse.ArgumentParser, top: bool = False) -> None:
    """``--no-fit-check``; a subcommand's default is SUPPRESS so that it keeps the value
    given before the subcommand (the full build's)."""
    parser.add_argument("--no-fit-check", dest="no_fit_check", action="store_true",
                        default=False if top else argparse.SUPPRESS,
                        help="do not measure the slides in Chromium (the fit check): "
                             "without Chromium the build fails unless this is given")


def fit_check(context: Context) -> bool:
    return not getattr(context.args, "no_fit_check", False)


def site_arguments(parser: argparse.ArgumentParser) -> None:
    fit_check_argument(parser)
    parser.add_argument("--instructor", action="store_true",
                        help="the instructor's site (speaker notes, solutions, timings, "
                             "run details) in build/instructor-site/; never publish it")


def run_site(context: Context) -> int:
    site = build_site(context.project, context.options,
                      instructor=getattr(context.args, "instructor", False),
                      generated=context.generated, fit_check=fit_check(context))
    print(f"wrote {site.relative_to(context.project.root)}/ (open index.html)")
    return 0


def bundle_arguments(parser: argparse.ArgumentParser) -> None:
    fit_check_argument(parser)
    parser.add_argument("--instructor", action="store_true",
                        help="the instructor's bundle: the instructor site (built first), "
                             "the solution notebooks and the verification report")
    parser.add_argument("--with-data", action="store_true",
                        help="pack the lessons' data files (from --data-dir or "
                             "$COURSE_DATA_DIR, as the build recorded them) for a room "
                             "without reliable internet: <name>-with-data.zip")


def run_bundle(context: Context) -> int:
    data = None
    if getattr(context.args, "with_data", False):
        data = data_folder(context.options.data_dir)
        if data is None:
            raise CourseError("--with-data needs the data folder",
                              hint=f"add --data-dir DIR or set ${DATA_ENV}")
    path = build_bundle(context.project, getattr(context.args, "instructor", False),
                        context.options, context.generated, fit_check(context), data)
    print(f"wrote {path.relative_to(context.project.root)}")
    return 0


def handouts_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--instructor", action="store_true",
                        help="from build/instructor-site/: adds each lesson's slides with "
                             "their solutions and speaker notes (<lesson>.instructor.pdf)")


def run_handouts(context: Context) -> int:
    project = context.project
    if context.args.command is None and skipped(not fit_check(context)):
        # the full build without the fit check is a build without Chromium: no printing
        print("note: the handouts were not printed (--no-fit-check)", file=sys.stderr)
        return 0
    instructor = getattr(context.args, "instructor", False)
    site = project.instructor_site if instructor else project.site
    written = build_handouts(site, [lesson.stem for lesson in context.generated.lessons],
                             instructor)
    for path in written:
        print(f"wrote {path.relative_to(project.root)}")
    return 0


def serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8000, help="default 8000")


def run_serve(context: Context) -> int:
    # mkdocs reports each rebuild and its warnings through logging: show them while serving
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    # a preview reads content/ again on every change: no context.generated here
    serve(context.project, context.options, port=context.args.port)
    return 0
