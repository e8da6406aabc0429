"""The ``site``, ``bundle`` and ``serve`` commands: their options and what they print.

Options are read with ``getattr`` defaults because the full build (``python build.py``
with no subcommand) runs these steps without their options.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from ..config import Project
from ..publish.bundle import build_bundle
from ..publish.serve import serve
from ..publish.site import build_site
from ..run.backends import BACKENDS
from .run import cache_argument


def _run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", default=None,
                        help="publish the runs of this profile (default: the last verified "
                             "runs; when there are none, verify's default)")
    parser.add_argument("--backend", default=None, choices=list(BACKENDS),
                        help="publish the runs of this backend (default: as for --profile)")


def site_arguments(parser: argparse.ArgumentParser) -> None:
    _run_options(parser)
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="offline data folder, used if lessons must be verified first")
    cache_argument(parser)
    parser.add_argument("--instructor", action="store_true",
                        help="the instructor's site (speaker notes, solutions, timings, "
                             "run details) in build/instructor-site/; never publish it")


def run_site(project: Project, args: argparse.Namespace) -> int:
    site = build_site(project, profile=getattr(args, "profile", None),
                      backend=getattr(args, "backend", None),
                      data_dir=getattr(args, "data_dir", None),
                      cache=getattr(args, "cache", None),
                      instructor=getattr(args, "instructor", False))
    print(f"wrote {site.relative_to(project.root)}/ (open index.html)")
    return 0


def bundle_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--instructor", action="store_true",
                        help="the instructor's bundle: the instructor site (built first), "
                             "the solution notebooks and the verification report")


def run_bundle(project: Project, args: argparse.Namespace) -> int:
    path = build_bundle(project, instructor=getattr(args, "instructor", False))
    print(f"wrote {path.relative_to(project.root)}")
    return 0


def serve_arguments(parser: argparse.ArgumentParser) -> None:
    _run_options(parser)
    parser.add_argument("--port", type=int, default=8000, help="default 8000")


def run_serve(project: Project, args: argparse.Namespace) -> int:
    # mkdocs reports each rebuild and its warnings through logging: show them while serving
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    serve(project, args.profile, args.backend, port=args.port)
    return 0
