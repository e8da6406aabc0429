"""What every command is given: the course, its parsed arguments, the run options built
from them once, and the course's lessons read once (the full build's steps share them)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from functools import cached_property

from ..config import Project
from ..run.options import RunOptions
from ..source.notebooks import Generated, generate


@dataclass
class Context:
    project: Project
    args: argparse.Namespace
    options: RunOptions = field(default_factory=RunOptions)

    @cached_property
    def generated(self) -> Generated:
        """content/ read, checked and turned into notebooks: on first use, then reused."""
        return generate(self.project)

    @cached_property
    def lenient(self) -> Generated:
        """content/ read for verify: a lesson that cannot be read is set aside (it fails
        in the report, exit 2) while the others run; the strict reading once a step made
        it (the full build's notebooks step has already refused a bad lesson)."""
        if "generated" in self.__dict__:
            return self.generated
        return generate(self.project, keep_going=True)
