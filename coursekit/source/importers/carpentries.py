"""A Carpentries episode (``episodes/NN-name.md``, or ``.Rmd``) → one coursekit lesson.

The Workbench writes an episode as Markdown with a YAML front matter (``title``,
``teaching``, ``exercises``; the older lesson template also ``questions``,
``objectives`` and ``keypoints``) and Pandoc fenced divs (``::: questions``,
``::: objectives``, ``::: keypoints`` lists; ``::: challenge`` with its
``::: solution``, ``::: instructor``, ``::: callout``). The lesson keeps the divs as
they are (the lesson format reads them, source/fenced_divs.py) and gets:

- the front matter and the three list divs as the header's ``course:`` keys;
- each top-level ```` ```python ```` block (an R Markdown ```` ```{python} ```` chunk
  too) as a code cell, which ``verify`` runs; the ```` ```output ```` (``error``,
  ``warning``) block the Workbench shows after it is dropped, as the run makes its own;
- everything else as Markdown cells, each top-level div a cell of its own (so that a
  challenge is one exercise). Code inside a div (a solution's code), R chunks and other
  languages stay Markdown code blocks: nothing runs that the episode did not run in
  Python.

An episode in the older lesson template (kramdown's ``{: .challenge}`` blockquotes and
``~~~`` code blocks) is first rewritten as the Workbench writes it (carpentries_styles.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import jupytext
import nbformat
import yaml

from ...errors import MarkerError
from ..fenced_divs import fences
from ..lesson import MINUTE_KEYS, OUTCOME_KEYS, schedule_keys
from .carpentries_styles import as_workbench, check_classes
from .slide_breaks import with_slides

SUFFIXES = (".md", ".rmd")
FRONT = "---"
# a code fence: its backticks and its language, Markdown's (```python) or R Markdown's
# (```{python, echo=FALSE})
_CODE = re.compile(r"^ {0,3}(`{3,})\s*\{?\s*([\w+-]*)[^`]*$")
_RESULTS = ("output", "error", "warning")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}


class CarpentriesEpisode:
    name = "a Carpentries episode (.md or .Rmd with a title in its front matter)"

    def matches(self, paths: Sequence[Path]) -> bool:
        if len(paths) != 1 or paths[0].suffix.lower() not in SUFFIXES:
            return False
        try:
            with open(paths[0], encoding="utf-8") as handle:
                return handle.readline().rstrip() == FRONT
        except (OSError, UnicodeDecodeError):
            return False

    def convert(self, paths: Sequence[Path]) -> str:
        return episode_lesson(paths[0])


def _error(message: str, path: Path, line: int | None = None, hint: str | None = None):
    from . import ImportFormatError  # the package's error; it imports this module
    return ImportFormatError(message, path=path, line=line, hint=hint)


def episode_lesson(path: Path) -> str:
    """The lesson text (jupytext percent) of the episode at ``path``."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise _error("the episode is not UTF-8", path, line) from None
    lines = text.split("\n")
    meta, body_from = front_matter(lines, path)
    body = lines[body_from:]
    check_classes(body, path, body_from + 1, _error)
    body = as_workbench(body, path, body_from + 1, _error)  # the older template's boxes
    course = header(meta, path)
    body = _take_list_divs(body, course, path, body_from)
    if not course.get("title"):
        raise _error("the episode has no title", path, 1,
                     hint="add 'title: ...' to its front matter")
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"jupytext": {"notebook_metadata_filter": "-all"}}  # no header: ours
    walk = cells(body)
    nb.cells = with_slides(walk.cells, walk.shown)  # slides an author would make
    return lesson_header(course) + "\n" + jupytext.writes(nb, fmt="py:percent")


def lesson_header(course: dict) -> str:
    """The lesson's ``# ---`` header: jupytext's format, the kernel, the ``course:`` block."""
    block = yaml.safe_dump({"course": course}, sort_keys=False, allow_unicode=True,
                           width=88, indent=2)
    lines = ["---", "jupyter:", "  jupytext:", "    text_representation:",
             "      extension: .py", "      format_name: percent", "  kernelspec:",
             *[f"    {key}: {value}" for key, value in KERNELSPEC.items()],
             *[f"  {line}" for line in block.rstrip("\n").split("\n")], "---"]
    return "".join(f"# {line}\n" for line in lines)


def front_matter(lines: list[str], path: Path) -> tuple[dict, int]:
    """The YAML between the first two ``---`` lines, and the index of the body's first line."""
    if not lines or lines[0].rstrip() != FRONT:
        raise _error("no front matter: an episode starts with a '---' line", path, 1,
                     hint="add '---', 'title: ...', '---' at the top")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() == FRONT), None)
    if end is None:
        raise _error("the front matter is never closed", path, 1,
                     hint="end it with a line '---'")
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise _error(f"the front matter is not YAML: {getattr(exc, 'problem', exc)}", path,
                     mark.line + 2 if mark else 1) from None
    if not isinstance(meta, dict):
        raise _error("the front matter must be a mapping (title: ...)", path, 2)
    return meta, end + 1


def header(meta: dict, path: Path) -> dict:
    """The lesson's ``course:`` block from the front matter's keys (others are not
    coursekit's: the Workbench reads them, the lesson does not)."""
    course: dict = {}
    if meta.get("title") is not None:
        course["title"] = str(meta["title"]).strip()
    # the lesson format's rule (lesson.schedule_keys), after the Workbench's leniency:
    # a blank item of a list is left out, not an error
    keys = {key: [v for v in value if not isinstance(v, str) or v.strip()]
            if isinstance(value, list) else value
            for key, value in meta.items()
            if key in MINUTE_KEYS + OUTCOME_KEYS and value is not None}
    found = schedule_keys(keys, lambda key, message, hint: _error(
        message, path, _line_of(path, key), hint=hint))
    course.update((key, value) for key, value in found.items() if key in keys)
    return course


def _line_of(path: Path, key: str) -> int | None:
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if line.startswith(f"{key}:"):
            return number
    return None


def _take_list_divs(body: list[str], course: dict, path: Path, first: int) -> list[str]:
    """The body without its top-level ``questions``/``objectives``/``keypoints`` divs;
    their list items go to the header (after any the front matter gave)."""
    kept, depth, taking, items = [], 0, None, []
    try:
        marks = fences(body)
    except MarkerError as err:  # an unknown div class, named with the episode's line
        raise _error(err.message, path, first + (err.line or 0) + 1, err.hint) from None
    for i, ((kind, name), line) in enumerate(zip(marks, body, strict=True)):
        if kind == "open" and depth == 0 and name in OUTCOME_KEYS:
            taking, items = name, []
        elif kind == "close" and depth == 1 and taking:
            course[taking] = course.get(taking, []) + items
            taking = None
        elif taking:
            _list_line(line, items, path, first + i + 1)
        else:
            kept.append(line)
        depth += {"open": 1, "close": -1}.get(kind, 0)
    return kept


def _list_line(line: str, items: list[str], path: Path, number: int) -> None:
    item = _ITEM.match(line)
    if item:
        items.append(item.group(1).strip())
    elif line.strip() and items:  # a wrapped item goes on
        items[-1] = f"{items[-1]} {line.strip()}"
    elif line.strip():
        raise _error("a questions/objectives/keypoints div holds a list", path, number,
                     hint="write each entry as '- ...'")


def cells(body: list[str]) -> _Walk:
    """Markdown and code cells of the episode's body (``.cells``), and how many lines of
    output the episode showed after each code cell (``.shown``, by its index)."""
    walk = _Walk()
    for line, (kind, _name) in zip(body, fences(body), strict=True):
        walk.line(line, kind)
    walk.flush()
    return walk


class _Walk:
    """Outside or inside a code block (a Python cell's, an output to drop, or one that
    stays in the Markdown), at some depth of divs."""

    def __init__(self):
        self.cells: list = []
        self.text: list[str] = []
        self.depth = 0
        self.block: tuple[int, str] | None = None  # (backticks, "python"|"drop"|"keep")
        self.code: list[str] = []
        self.after_code = False  # only blank lines since a Python cell
        self.shown: dict[int, int] = {}  # code cell index → lines of output dropped

    def line(self, line: str, kind: str) -> None:
        if self.block is not None:
            self._in_block(line)
            return
        fence = _CODE.match(line)
        language = fence.group(2).lower() if fence else ""
        if fence and self.depth == 0 and language == "python":
            self.flush()
            self.block, self.code = (len(fence.group(1)), "python"), []
        elif fence and self.after_code and language in _RESULTS:
            self.block = (len(fence.group(1)), "drop")
        elif fence:
            self.block = (len(fence.group(1)), "keep")
            self.text.append(_plain_fence(line, fence))
        else:
            self._markdown_line(line, kind)

    def _markdown_line(self, line: str, kind: str) -> None:
        if kind == "open" and self.depth == 0:  # a top-level div: a cell of its own
            self.flush()
        self.text.append(line)
        self.after_code = self.after_code and not line.strip()
        self.depth += {"open": 1, "close": -1}.get(kind, 0)
        if kind == "close" and self.depth == 0:
            self.flush()

    def _in_block(self, line: str) -> None:
        ticks, role = self.block
        closing = re.match(r"^ {0,3}(`{3,})\s*$", line)
        if closing and len(closing.group(1)) >= ticks:
            self.block = None
            if role == "python":
                self.cells.append(nbformat.v4.new_code_cell("\n".join(self.code).strip("\n")))
            self.after_code = role != "keep"
            if role == "keep":
                self.text.append(line)
        elif role == "python":
            self.code.append(line)
        elif role == "drop" and self.cells:
            self.shown[len(self.cells) - 1] = self.shown.get(len(self.cells) - 1, 0) + 1
        elif role == "keep":
            self.text.append(line)

    def flush(self) -> None:
        """The Markdown gathered so far as a cell (none if it is blank)."""
        text = self.text
        while text and not text[0].strip():
            text.pop(0)
        while text and not text[-1].strip():
            text.pop()
        if text:
            self.cells.append(nbformat.v4.new_markdown_cell("\n".join(text)))
        self.text = []


def _plain_fence(line: str, fence: re.Match) -> str:
    """R Markdown's ```` ```{r, echo=FALSE} ```` as Markdown's ```` ```r ````."""
    return f"{fence.group(1)}{fence.group(2)}" if "{" in line else line


CARPENTRIES = CarpentriesEpisode()
