"""What every importer of a notebook-like source shares: the lesson header it adds and
the text jupytext writes."""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import nbformat
from nbformat import NotebookNode

KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$")  # a level-1 heading: the title


def single_notebook(paths) -> NotebookNode | None:
    """The notebook when ``paths`` is one ``.ipynb`` that reads as one, else None: the
    cheap first test of an importer of notebooks (another importer may read the files)."""
    if len(paths) != 1 or paths[0].suffix.lower() != ".ipynb":
        return None
    try:
        return nbformat.read(paths[0], as_version=4)
    except Exception:  # noqa: BLE001 - not a notebook: another importer's, or none
        return None


def first_heading(nb: NotebookNode) -> str | None:
    """The text of the notebook's first level-1 Markdown heading, or None."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.split("\n"):
            match = _HEADING.match(line.strip())
            if match:
                return match.group(1)
    return None


def title_from_name(path: Path) -> str:
    """``problem1.ipynb`` → ``Problem1``; ``02_numerical-pipeline`` → ``Numerical pipeline``."""
    words = re.sub(r"[-_]+", " ", re.sub(r"^\d+[-_]", "", path.stem)).strip()
    return words[:1].upper() + words[1:] if words else "Imported lesson"


def lesson_text(nb: NotebookNode, course: dict) -> str:
    """``nb`` as a jupytext percent script with ``course`` as the header's ``course:``
    block; no outputs (a lesson has none) and jupytext's own bookkeeping left out."""
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "course": course,
                   "jupytext": {"notebook_metadata_filter": "kernelspec,course,-all"}}
    text = jupytext.writes(nb, fmt="py:percent")
    return text if text.endswith("\n") else text + "\n"
