"""The ``verify`` command: what it prints (its options: cli/options.py)."""

from __future__ import annotations

from ..run.verify import verify
from .context import Context


def run_verify(context: Context) -> int:
    report = verify(context.project, context.options, generated=context.generated)
    print(report.summary(context.project.root))
    return 0 if report.ok else 1
