"""A scikit-learn MOOC exercise (``*_sol_*.py``, with or without its ``*_ex_*.py``) → one
lesson in the MOOC's own marker dialect (``markers: scikit-learn-mooc``, source/mooc.py).

The solution script is the lesson, as the MOOC's build reads it; given the ``_ex_`` file
too, the import checks that the exercise the lesson gives equals it cell for cell, so an
exercise edited by hand after the MOOC's build wrote it is not lost in silence.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import jupytext

from ...errors import CourseError
from .. import mooc
from ..markers import split_cell
from .common import first_heading, lesson_text, title_from_name

SOLUTION, EXERCISE = "_sol_", "_ex_"


def _pair(paths: Sequence[Path]) -> tuple[Path | None, Path | None]:
    sol = [p for p in paths if SOLUTION in p.name and p.suffix == ".py"]
    ex = [p for p in paths if EXERCISE in p.name and p.suffix == ".py"]
    if len(sol) != 1 or len(ex) > 1 or len(sol) + len(ex) != len(paths):
        return None, None
    return sol[0], (ex[0] if ex else None)


class MoocExercise:
    name = "a scikit-learn MOOC exercise (its *_sol_*.py, optionally with its *_ex_*.py)"

    def matches(self, paths: Sequence[Path]) -> bool:
        return _pair(paths)[0] is not None

    def convert(self, paths: Sequence[Path]) -> str:
        sol, ex = _pair(paths)
        nb = jupytext.read(sol, fmt="py:percent")
        title = first_heading(nb) or title_from_name(sol)
        title = title.replace(mooc.SOLUTION_TITLE, "").strip()
        if ex is not None:
            check_exercise(nb, ex)
        return lesson_text(nb, {"title": title, "markers": mooc.DIALECT})


def exercise_sources(nb) -> list[str]:
    """The exercise's cell sources, as the MOOC dialect splits the solution's cells."""
    sources = []
    for cell in nb.cells:
        source = cell.source.strip("\n") if cell.cell_type == "code" else cell.source
        tagged = "solution" in cell.metadata.get("tags", [])
        split = split_cell(source, cell.cell_type, tagged, dialect=mooc.DIALECT)
        if not split.solution_only:
            sources.append(split.exercise)
    return sources


def _first(text: str) -> str:
    return (text.splitlines() or [""])[0]


def check_exercise(solution_nb, ex: Path) -> None:
    ours = exercise_sources(solution_nb)
    theirs = [c.source.strip("\n") if c.cell_type == "code" else c.source
              for c in jupytext.read(ex, fmt="py:percent").cells]
    for number, (mine, upstream) in enumerate(zip(ours, theirs, strict=False), 1):
        if mine != upstream:
            raise CourseError(f"cell {number} of this exercise differs from the one its "
                              f"solution gives ({_first(upstream)!r} here, "
                              f"{_first(mine)!r} from the solution)", path=ex,
                              hint="the exercise was edited after the MOOC's build wrote "
                                   "it: carry the edit into the _sol_ file, or import the "
                                   "_sol_ file alone")
    if len(ours) != len(theirs):
        raise CourseError(f"this exercise has {len(theirs)} cells; its solution gives "
                          f"{len(ours)}", path=ex,
                          hint="import the _sol_ file alone, or bring the two in step")


MOOC = MoocExercise()
