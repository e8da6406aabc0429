"""nbgrader's cell metadata, read as nbgrader reads it.

A notebook written for nbgrader and converted with jupytext keeps nbgrader's metadata on
each cell's ``# %%`` line: ``nbgrader={"solution": true, "grade": false, ...}``. nbgrader
decides from it, not from the cell's text, what students get:

- a *solution* cell with BEGIN/END SOLUTION regions loses the regions; one without any
  loses its whole source to the stub (code: ``# YOUR CODE HERE`` +
  ``raise NotImplementedError()``, markdown: ``YOUR ANSWER HERE``);
- a *grade* cell is graded: a code one that is not a solution is an autograded test, a
  ``check`` cell here, its ``points`` kept; a markdown one must also be a solution cell
  (a manually graded answer);
- *locked* cells reach students as they are, read-only; *task* cells (markdown) describe
  a task and are kept.

Ignoring this metadata would copy every marker-less answer into the exercise, where the
leak scanner cannot see it (it finds secrets from the split, which would have none). A key
that nbgrader does not define is refused for the same reason: ``"soluton": true`` would
hide nothing.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from ..errors import LessonFormatError

FLAGS = ("solution", "grade", "locked", "task")
# nbgrader's metadata schema (version 3); checksum and cell_type describe a generated
# release notebook, not a source, so they are read but not carried into the notebooks
KEYS = (*FLAGS, "grade_id", "points", "schema_version", "checksum", "cell_type")
RELEASE_ONLY = ("checksum", "cell_type")
HINT = 'e.g. nbgrader={"solution": true, "grade": false, "locked": false}'


def nbgrader_cell(raw_metadata: dict, kept: dict, cell_type: str, path: Path,
                  line: int, cell: int) -> tuple[dict, bool]:
    """The cell's metadata with nbgrader's added (a grade cell tagged ``check``), and
    whether nbgrader treats it as a solution cell. ``line``: the cell's ``# %%`` line."""
    meta = raw_metadata.get("nbgrader")
    if meta is None:
        return kept, False
    where = dict(path=path, line=line, cell=cell)
    if not isinstance(meta, dict):
        raise LessonFormatError(f"cell metadata 'nbgrader' must be a dict, not {meta!r}",
                                **where, hint=HINT)
    _check_keys(meta, where)
    flags = {flag: meta.get(flag, False) for flag in FLAGS}
    if flags["task"] and cell_type != "markdown":
        raise LessonFormatError("an nbgrader task cell must be a markdown cell", **where,
                                hint="make it markdown, or drop \"task\": true")
    if flags["grade"]:
        _check_points(meta.get("points"), where)
    if cell_type == "markdown" and flags["grade"] and not flags["solution"] \
            and not flags["task"]:
        raise LessonFormatError("a markdown nbgrader grade cell must also be a solution "
                                "cell (a manually graded answer)", **where,
                                hint='add "solution": true, or drop "grade": true')
    metadata = dict(kept)
    metadata["nbgrader"] = {k: v for k, v in meta.items() if k not in RELEASE_ONLY}
    if cell_type == "code" and flags["grade"] and not flags["solution"]:
        tags = list(metadata.get("tags", []))
        metadata["tags"] = tags if "check" in tags else [*tags, "check"]
    return metadata, bool(flags["solution"])


def _check_keys(meta: dict, where: dict) -> None:
    for key, value in meta.items():
        if key not in KEYS:
            close = difflib.get_close_matches(str(key), KEYS, n=1)
            raise LessonFormatError(f"unknown nbgrader metadata key '{key}'", **where,
                                    hint=(f"did you mean '{close[0]}'? " if close else "")
                                    + f"(known: {', '.join(KEYS)})")
        if key in FLAGS and not isinstance(value, bool):
            raise LessonFormatError(f"nbgrader '{key}' must be true or false, not {value!r}",
                                    **where, hint=HINT)


def _check_points(points, where: dict) -> None:
    if points is None:
        raise LessonFormatError("an nbgrader grade cell needs its points", **where,
                                hint='add e.g. "points": 1 to its nbgrader metadata')
    if isinstance(points, bool) or not isinstance(points, (int, float)) or points < 0:
        # nbgrader's first metadata schema kept points as text; nbgrader upgrades it
        old = isinstance(points, str)
        raise LessonFormatError(f"nbgrader points must be a number, 0 or more, not "
                                f"{points!r}", **where,
                                hint="this is nbgrader's old metadata: run 'nbgrader update' "
                                "on the notebook, then convert it again" if old
                                else 'e.g. "points": 2')
