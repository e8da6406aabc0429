"""The scikit-learn MOOC's convention (INRIA/scikit-learn-mooc), read as its own build
(``build_tools/generate-exercise-from-solution.py``) reads a ``*_sol_*`` script:

- a cell tagged ``solution`` (code or markdown) is left out of the exercise whole;
- in a code cell, a line that starts with ``# solution`` (column 0, as the MOOC's regular
  expression ``^# solution`` matches it) ends what students see: it and every line after
  it are the answer, replaced by ``# Write your code here.``;
- ``📃 Solution for`` in a markdown cell (the title) reads ``📝`` in the exercise.

A lesson opts in with ``markers: scikit-learn-mooc`` in its ``course:`` header, because
the ``solution`` tag means something else in coursekit's own format (the cell becomes a
stub). The MOOC's exercises have no checks: each stub is an *open* exercise.
"""

from __future__ import annotations

import re

from .marker_forms import MOOC_LINE

DIALECT = "scikit-learn-mooc"
MARKER = re.compile("^" + re.escape(MOOC_LINE), re.MULTILINE)
STUB = "# Write your code here."
SOLUTION_TITLE, EXERCISE_TITLE = "\N{PAGE WITH CURL} Solution for", "\N{MEMO}"


def answer_start(source: str) -> int | None:
    """The 0-based line of the cell's first ``# solution`` line, or None."""
    match = MARKER.search(source)
    return None if match is None else source[: match.start()].count("\n")


def exercise_title(source: str) -> str:
    return source.replace(SOLUTION_TITLE, EXERCISE_TITLE)
