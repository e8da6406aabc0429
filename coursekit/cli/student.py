"""The ``student DIR`` command: write the student publication and say what to do next."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..publish.student_pub import write_publication
from .context import Context

HELP = ("write what students get, and nothing else, into DIR (a clone of the student "
        "repository): exercise notebooks, the student site, requirements, a README")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", type=Path, metavar="DIR",
                        help="a new folder or a clone of course.yml's student_repository")


def run_student(context: Context) -> int:
    target = context.args.directory
    written, removed = write_publication(context.project, target, context.generated)
    course = context.generated.course
    print(f"wrote {target}/: {len(written)} file(s) changed, {len(removed)} removed")
    print(f"next: commit it, tag it {course.ref} and push both to {course.student_repo} "
          "(docs/website.md: publishing)")
    return 0
