"""An nbgrader source (instructor) notebook → one lesson.

The lesson keeps nbgrader's cell metadata on each ``# %%`` line (``nbgrader={...}``),
which the lesson format reads as nbgrader does (source/nbgrader_cells.py): solution cells
with or without BEGIN/END regions, grade cells as checks with their points, locked and
task cells. So the conversion is jupytext's, plus the ``course:`` header.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import nbformat

from ...errors import CourseError
from .common import first_heading, lesson_text, single_notebook, title_from_name


class NbgraderNotebook:
    name = "an nbgrader source notebook (.ipynb whose cells carry nbgrader metadata)"

    def matches(self, paths: Sequence[Path]) -> bool:
        nb = single_notebook(paths)
        return nb is not None and any("nbgrader" in cell.get("metadata", {})
                                      for cell in nb.cells)

    def convert(self, paths: Sequence[Path]) -> str:
        path = paths[0]
        nb = nbformat.read(path, as_version=4)
        if any("checksum" in cell.metadata.get("nbgrader", {}) for cell in nb.cells):
            raise CourseError("this is a notebook nbgrader released to students (its cells "
                              "carry checksums), not the instructor's source", path=path,
                              hint="import the notebook from nbgrader's source/ folder")
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        title = first_heading(nb) or title_from_name(path)
        return lesson_text(nb, {"title": title})


NBGRADER = NbgraderNotebook()
