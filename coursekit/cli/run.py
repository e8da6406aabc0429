"""The ``verify`` command: what it prints (its options: cli/options.py)."""

from __future__ import annotations

import sys

from ..errors import CourseError
from ..run.verify import verify
from .context import Context


def run_verify(context: Context) -> int:
    report = verify(context.project, context.options, generated=context.lenient)
    print(report.summary(context.project.root))
    for err in report.input_errors:  # the report has them too; bad input is exit 2
        print(f"error: {err}", file=sys.stderr)
    if report.input_errors:
        return CourseError.exit_code
    return 0 if report.ok else 1
