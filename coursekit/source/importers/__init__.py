"""Importers: material written for another tool, turned into one coursekit lesson.

``IMPORTERS`` is the table ``coursekit import`` walks: each entry has a ``name`` (the
kind it reads, as the CLI lists it), ``matches(paths) -> bool`` (cheap: names and a
peek at metadata, no conversion) and ``convert(paths) -> str`` (the lesson's jupytext
text; bad input raises a ``CourseError`` naming the file). The first entry whose
``matches`` is true converts. Add an importer as a module beside this one and a row here.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from coursekit.errors import CourseError

from .carpentries import CARPENTRIES
from .mooc import MOOC
from .nbgrader import NBGRADER
from .otter import OTTER


class Importer(Protocol):
    name: str

    def matches(self, paths: Sequence[Path]) -> bool: ...

    def convert(self, paths: Sequence[Path]) -> str: ...


IMPORTERS: list[Importer] = [CARPENTRIES, NBGRADER, MOOC, OTTER]


class ImportFormatError(CourseError):
    """Files that no importer reads, or that an importer cannot convert."""


def find_importer(paths: Sequence[Path]) -> Importer:
    """The first importer that reads ``paths``, or an error listing the kinds known."""
    for importer in IMPORTERS:
        if importer.matches(paths):
            return importer
    kinds = ", ".join(importer.name for importer in IMPORTERS) or "none"
    raise ImportFormatError(
        "no importer reads these files", path=paths[0] if paths else None,
        hint=f"coursekit imports: {kinds}")
