"""Files beside the lessons: what a lesson's Markdown names by a relative path
(``![](fig/neuron.png)``, ``[the data](data/small.csv)``, ``<img src="fig/a.svg">``).

Each one is read from ``content/`` and shipped beside every artifact that shows the
Markdown (the notebooks' folders, the site's pages and decks, the bundles), at the same
relative path, so the reference works everywhere as written. A reference to a file that
is not there, or that leaves ``content/``, is an error naming the lesson and the line.

A file only a solution or a speaker note names is the instructor's: students' artifacts
never get it (a figure of the answer is part of the answer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from ..errors import LessonFormatError
from .lesson import Lesson

# ![alt](target "title") and [text](target): the target, bare or in <…>; one level of
# brackets inside the text (a caption with a credit link)
_INLINE = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*(<[^>]*>|[^)\s]+)")
# [label]: target, a reference definition
_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")
# <img src="…">, <a href="…">, <source src="…">, … in the Markdown's HTML
_HTML = re.compile(r"""<[a-z]+\b[^>]*?\b(?:src|href)\s*=\s*(["'])(.*?)\1""", re.I)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
HINT = "put the file under content/ (beside the lessons) and name it relative to the lesson"


@dataclass(frozen=True)
class Asset:
    """One file under content/ that a lesson names: where it goes (relative path), its
    bytes, and whether students may have it."""

    rel: str
    data: bytes
    public: bool


def shown(assets: dict[str, Asset], instructor: bool = False) -> dict[str, bytes]:
    """Relative path → bytes of the assets a view may show (students: the public ones)."""
    return {rel: asset.data for rel, asset in sorted(assets.items())
            if instructor or asset.public}


def references(markdown: str) -> list[tuple[int, str]]:
    """(0-based line, target) of every link and image in ``markdown``, code left out."""
    found, fence = [], None
    for number, line in enumerate(markdown.split("\n")):
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        text = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
        targets = [m.group(1) for m in _INLINE.finditer(text)]
        targets += [m.group(1) for m in _DEFINITION.finditer(text)]
        targets += [m.group(2) for m in _HTML.finditer(text)]
        found += [(number, target.strip("<>")) for target in targets]
    return found


def local_path(target: str) -> str | None:
    """The file part of a relative reference; None for a URL, an anchor, an e-mail."""
    if not target or _SCHEME.match(target) or target.startswith(("#", "//", "{{")):
        return None
    path = unquote(target.split("#", 1)[0].split("?", 1)[0])
    return path or None


def lesson_assets(lesson: Lesson, content: Path) -> list[Asset]:
    """Every file the lesson's Markdown names, checked and read, in reference order."""
    public = {local_path(target) for cell in lesson.cells if _public(cell)
              for _, target in references(cell.split.exercise)}
    found: dict[str, Asset] = {}
    for cell in lesson.cells:
        if cell.cell_type != "markdown" or cell.split.ignored:
            continue
        for number, target in references(cell.source):
            path = local_path(target)
            if path is None or path in found:
                continue
            data = _read(content, path, lesson.path, cell.line + number)
            found[path] = Asset(_rel(content, path), data, path in public)
    return list(found.values())


def _public(cell) -> bool:
    notes = cell.metadata.get("slideshow", {}).get("slide_type") == "notes"
    return (cell.cell_type == "markdown" and not notes and not cell.split.ignored
            and not cell.split.solution_only)


def _rel(content: Path, path: str) -> str:
    return (content.resolve() / path).resolve().relative_to(content.resolve()).as_posix()


def _read(content: Path, path: str, lesson: Path, line: int) -> bytes:
    def error(what: str, hint: str = HINT) -> LessonFormatError:
        return LessonFormatError(f"'{path}' {what}", path=lesson, line=line, hint=hint)

    if path.startswith("/") or re.match(r"^[a-zA-Z]:[\\/]", path):
        raise error("is an absolute path")
    root = content.resolve()
    full = (root / path).resolve()
    if not full.is_relative_to(root):
        raise error("is outside content/", hint="a course ships only what is under "
                                                 "content/: copy the file there")
    if full.parent == root and full.suffix == ".py":
        raise error("is a lesson's source, which holds its solutions",
                    hint="link to the lesson's notes page or notebook instead")
    if not full.is_file():
        what = "is a folder, not a file" if full.is_dir() else "does not exist"
        raise error(what)
    return full.read_bytes()
