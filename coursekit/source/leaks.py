"""The leak scanner: it does not trust the stripper.

From the lesson source it collects every non-trivial line that only a solution contains,
then searches any student artifact's text for them. A line that also appears outside the
solutions (a ``plt.show()`` both versions share) is no secret and is not searched.

Built artifacts (site pages, decks, notebooks, bundle members) are compared as a reader
sees them (artifact_text.py), the search index entry by entry. A leak names the artifact,
the place in it (a notebook's cell, a page's line and section) and the lesson line the
secret comes from. An artifact that belongs to a lesson (its file name starts
with the lesson's stem) is searched for that lesson's secrets; every other artifact (home,
verification, README) for all lessons' secrets.

Independently of the parser, every student artifact is also searched for the words of
any marker form, in any case (``begin solution``, ``END HIDDEN TESTS``, ``# Solution``
after code, …): a student never needs them, so one found means a marker that the parser
did not recognise let its block through, whatever the secrets say.

Every artifact is also searched for the build machine's own folders (the project, the
Python environment, home, temp) and kernel cell files (machine_paths.py): outputs are
rewritten before they are stored and published, so one found means a path got through.

Stripping tags also strips the backticks of inline code, so a solution line the author
quotes in the lesson's prose as a hint (`` `keras.Input(shape=(1,))`, ``) would read as a
leak on the page although the exercise notebook shows the same words. Such a line is
public by the author's choice, exactly as lines the exercise shows are, also when the
prose wraps it across two lines (the search index joins them again).
"""

from __future__ import annotations

import functools
import json
import keyword
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import markdown

from ..errors import LeakError
from .artifact_text import (
    BINARY,
    VENDORED,
    Reading,
    html_text,
    notebook_reading,
    read_artifact,
    reader_text,  # noqa: F401  (re-exported: readers of artifacts)
    strings,
)
from .lesson import Lesson
from .machine_paths import build_paths, machine_paths_in
from .markers import CODE_STUB, MARKDOWN_STUB
from .transforms import cell_id, is_speaker_notes

MIN_SECRET_CHARS = 8
_SPACE = re.compile(r"\s+")
_NO_WORD = re.compile(r"^[\W\d_]*$")


@dataclass(frozen=True)
class Secret:
    text: str  # whitespace-normalised line
    path: Path
    line: int
    kind: str = "solution line"  # or "speaker note": what the report calls it


def _in(place: str) -> str:
    return f" in {place}" if place else ""


@dataclass(frozen=True)
class Leak:
    artifact: str
    secret: Secret
    place: str = ""  # where in the artifact: "cell 3 (cell-002) source", "line 80, ..."

    def __str__(self) -> str:
        return (f"{self.artifact}: contains {self.secret.kind} '{self.secret.text}'"
                f"{_in(self.place)} ({self.secret.path}:{self.secret.line})")


@dataclass(frozen=True)
class MarkerLeak:
    artifact: str
    text: str  # the marker-like words found
    where: str = ""  # the lesson's file:line they come from, when known
    place: str = ""  # where in the artifact

    def __str__(self) -> str:
        origin = f" ({self.where})" if self.where else ""
        return f"{self.artifact}: contains marker text '{self.text}'{_in(self.place)}{origin}"


@dataclass(frozen=True)
class MachinePathLeak:
    artifact: str
    path: str  # the folder (or kernel cell file) of the build machine found

    def __str__(self) -> str:
        return (f"{self.artifact}: contains the build machine's path '{self.path}'; outputs "
                "must not name where they ran (docs/verify.md, machine paths)")


# the words of every marker form (markers.py, marker_forms.py), in any case and spacing;
# a line marker only after code, so that a markdown heading "# Solution" stays legal
MARKER_WORDS = re.compile(
    r"\b(begin|end)[ \t_-]*(solutions?|hidden[ \t_-]*tests?|prompt|alternatives?|mistakes?"
    r"|mark[ \t_-]*schemes?)\b"
    r"|\bsolutions?[ \t_-]*no[ \t_-]*prompt\b"
    r"|(?<=[^\s#])[ \t]*#+[ \t]*solutions?[ \t]*$"
    r"|\b(begin|end)[ \t_-]*ignore\b",
    re.IGNORECASE | re.MULTILINE)
# otter's line suffixes, in its own case only: a lowercase '# seed' is an author's comment
# that otter and coursekit both keep
OTTER_SUFFIXES = re.compile(r"#[ \t]*(IGNORE|SEED)[ \t]*$", re.MULTILINE)


def scan_marker_text(text: str | Reading, artifact: str, where: str = "") -> list[MarkerLeak]:
    """Marker words in ``text``; a :class:`Reading` also says where each was found."""
    reading = text if isinstance(text, Reading) else None
    body = reading.text if reading else text
    found: dict[str, str] = {}
    for pattern in (MARKER_WORDS, OTTER_SUFFIXES):
        for match in pattern.finditer(body):
            place = reading.place(match.start()) if reading else ""
            found.setdefault(match.group(0).strip(), place)
    return [MarkerLeak(artifact, words, where, place) for words, place in found.items()]


def scan_exercise_markers(lesson: Lesson, nb: dict, artifact: str) -> list[MarkerLeak]:
    """Marker words in a generated exercise notebook, each traced to its lesson line."""
    origin = {cell_id(cell.index): cell for cell in lesson.cells}
    leaks = scan_marker_text("\n".join(strings(nb.get("metadata", {}))), artifact,
                             str(lesson.path))
    for number, cell in enumerate(nb.get("cells", []), start=1):
        for leak in scan_marker_text("\n".join(strings(cell)), artifact):
            leaks.append(MarkerLeak(artifact, leak.text,
                                    _marker_origin(lesson, origin.get(cell.get("id")), leak.text),
                                    f"cell {number} ({cell.get('id')})"))
    return leaks


def _marker_origin(lesson: Lesson, cell, words: str) -> str:
    if cell is None:
        return str(lesson.path)
    lines = [normalise(line) for line in cell.source.split("\n")]
    needle = normalise(words)
    # the words as found first: the cell's own (stripped) markers match only ignoring case
    for match in (lambda line: needle in line, lambda line: needle.lower() in line.lower()):
        for offset, line in enumerate(lines):
            if match(line):
                return f"{lesson.path}:{cell.line + offset}"
    return f"{lesson.path}:{cell.line}"


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def is_trivial(text: str) -> bool:
    """Too short or too generic to identify a solution (``return x``, ``)``, ``else:``)."""
    words = [w for w in re.findall(r"[A-Za-z_]\w*", text) if not keyword.iskeyword(w)]
    return len(text) < MIN_SECRET_CHARS or bool(_NO_WORD.match(text)) or not words


def lesson_secrets(lesson: Lesson) -> list[Secret]:
    # a solution line the student sees anyway (a shared line, or one the author quotes in
    # a hint) is public by the author's choice: only what is hidden counts as a secret
    public = "\n".join([normalise(line) for cell in lesson.cells for line in cell.split.public]
                       + [normalise(s) for s in CODE_STUB + (MARKDOWN_STUB,)])
    found: dict[str, Secret] = {}
    for cell in lesson.cells:
        for offset, text in cell.split.secrets:
            forms = [text]
            if cell.cell_type == "markdown":  # a page shows it rendered: `code` loses its `
                shown = rendered_line(text)
                if len(shown.split()) > 2:  # a bare heading ("Solution") identifies nothing
                    forms.append(shown)
            for form in map(normalise, forms):
                if form not in public and not is_trivial(form) and form not in found:
                    found[form] = Secret(form, lesson.path, cell.line + offset)
    return list(found.values())


# one converter per thread (a Markdown instance keeps state while it converts): building
# one costs more than converting a line
_LOCAL = threading.local()


def _convert(text: str) -> str:
    if not hasattr(_LOCAL, "markdown"):
        _LOCAL.markdown = markdown.Markdown()
    return _LOCAL.markdown.reset().convert(text)


def rendered_line(line: str) -> str:
    """One line of Markdown as a reader sees it (no markup, no backticks)."""
    return normalise(html_text(_convert(line)))


def scan_text(secrets: Iterable[Secret], text: str | Reading, artifact: str) -> list[Leak]:
    """The secrets ``text`` contains, each with its place when ``text`` is a
    :class:`Reading`. A secret is one normalised line: it is found within one line."""
    reading = text if isinstance(text, Reading) else Reading(text)
    lines = reading.text.split("\n")
    normal = [normalise(line) for line in lines]
    haystack = "\n".join(normal)
    leaks = []
    for secret in secrets:
        if secret.text not in haystack or not _whole(secret.text).search(haystack):
            continue
        offset, number = 0, 0
        while not _whole(secret.text).search(normal[number]):
            offset += len(lines[number]) + 1
            number += 1
        leaks.append(Leak(artifact, secret,
                          reading.place(offset) if isinstance(text, Reading) else ""))
    return leaks


@functools.lru_cache(maxsize=4096)
def _whole(text: str) -> re.Pattern:
    """``text`` where it is not part of a longer name: ``return b`` is not in ``return
    bool(x)`` (a short answer line would otherwise match any code that extends it)."""
    start = r"(?<!\w)" if re.match(r"\w", text) else ""
    end = r"(?!\w)" if re.search(r"\w$", text) else ""
    return re.compile(start + re.escape(text) + end)


def scan_notebook(secrets: Iterable[Secret], nb: dict, artifact: str) -> list[Leak]:
    return scan_text(secrets, notebook_reading(nb), artifact)


def raise_on_leaks(leaks: list[Leak | MarkerLeak]) -> None:
    if leaks:
        listing = "\n  ".join(str(leak) for leak in leaks)
        raise LeakError(f"solution text found in student artifacts:\n  {listing}",
                        hint="the stripper or a renderer leaked; nothing was published")


# --- built artifacts ---------------------------------------------------------------

SEARCH_INDEX = ("search/search_index.json", "search/search_index.js")
# where a course that publishes its solutions (course.yml) shows them on purpose
SOLUTION_PAGES = ("lessons/", *SEARCH_INDEX)


def lesson_of(path: str, stems: set[str]) -> str | None:
    """The lesson a file belongs to: ``lessons/01_add.html``, ``slides/01_add.html``,
    ``lessons/01_add_files/x.png`` → ``01_add``; None for the home page and the like."""
    for part in reversed(PurePosixPath(path.split("#")[0]).parts):
        for stem in stems:
            if part == stem or part.startswith((f"{stem}.", f"{stem}_files")):
                return stem
    return None


def scan_file(path: str, data: bytes, secrets: dict[str, list[Secret]],
              label: str | None = None, solutions_published: bool = False,
              root: Path | None = None) -> list:
    """``path`` is relative to the site root; ``secrets`` by stem; ``label`` names the
    artifact in a leak report (default: ``path``); ``root``, the project, is one of the
    machine's folders no artifact may name."""
    label = label or path
    leaks: list = scan_machine_paths(path, data, label, build_paths(root))
    if path.endswith(SEARCH_INDEX) and not path.startswith(VENDORED):
        return leaks + scan_search_index(label, data.decode("utf-8", errors="replace"),
                                         secrets, solutions_published)
    reading = read_artifact(path, data)
    if reading is None:
        return leaks
    # marker words belong in no artifact, published solutions included
    leaks += scan_marker_text(reading, label)
    if not (solutions_published and path.startswith(SOLUTION_PAGES)):
        leaks += scan_text(_secrets_for(path, secrets), reading, label)
    return leaks


def scan_machine_paths(path: str, data: bytes, label: str,
                       known: list[tuple[str, str]]) -> list[MachinePathLeak]:
    """The machine's folders an artifact names, read in its raw text (attributes too)."""
    if path.startswith(VENDORED) or path.endswith(BINARY):
        return []
    text = data.decode("utf-8", errors="replace")
    return [MachinePathLeak(label, found) for found in dict.fromkeys(machine_paths_in(text, known))]


def scan_search_index(label: str, text: str, secrets: dict[str, list[Secret]],
                      solutions_published: bool = False) -> list:
    index = json.loads(text[text.index("{"):])  # search_index.js is `var __index = {...}`
    leaks: list = []
    for doc in index.get("docs", []):
        where = f"{label} ({doc.get('location') or 'home'})"
        body = html_text(f"{doc.get('title', '')}\n{doc.get('text', '')}")
        leaks += scan_marker_text(body, where)
        if not solutions_published:
            leaks += scan_text(_secrets_for(doc.get("location", ""), secrets), body, where)
    return leaks


def prose_cells(lesson: Lesson) -> list[str]:
    """What each of the exercise's Markdown cells shows a reader once rendered."""
    return [html_text(_convert(cell.split.exercise)) for cell in lesson.cells
            if cell.cell_type == "markdown" and not is_speaker_notes(cell)]


def prose_text(lesson: Lesson) -> str:
    return "\n".join(prose_cells(lesson))


def _squeezed(text: str) -> str:
    return _SPACE.sub("", text)


def quoted_in_prose(secret: Secret, cells: list[str]) -> bool:
    """Does a Markdown cell quote the secret, on one line or wrapped across several? The
    wrap may fall anywhere (``compute(\nvalues)``), so whitespace is ignored."""
    needle = _squeezed(secret.text)
    return any(needle in _squeezed(cell) for cell in cells)


# --- speaker notes: instructor-only text, a secret for every student artifact --------

def speaker_note_secrets(lesson: Lesson) -> list[Secret]:
    """Each non-trivial line of the lesson's ``slide_type: notes`` cells, as rendered,
    less a line students are shown anyway (a Carpentries instructor note often repeats
    the heading of the box it is about)."""
    notes = [cell for cell in lesson.cells if is_speaker_notes(cell)]
    lines = [(cell.line + offset, rendered_line(line)) for cell in notes
             for offset, line in enumerate(cell.source.split("\n"))]
    lines = [(number, text) for number, text in lines if not is_trivial(text)]
    shown = _shown_text(lesson) if lines else ""
    return [Secret(text, lesson.path, number, "speaker note") for number, text in lines
            if text not in shown]


def _shown_text(lesson: Lesson) -> str:
    """What the parser made public outside speaker notes, as written and, for Markdown,
    as rendered (one rendering per cell: a line at a time costs a second a course)."""
    found = []
    for cell in lesson.cells:
        if not is_speaker_notes(cell):
            found += [normalise(line) for line in cell.split.public]
            if cell.cell_type == "markdown":
                found.append(normalise(html_text(_convert("\n".join(cell.split.public)))))
    return "\n".join(found)


def secrets_by_stem(lessons: list[Lesson]) -> dict[str, list[Secret]]:
    """Each lesson's secrets, less those its own prose quotes to students."""
    found = {}
    for lesson in lessons:
        prose = prose_cells(lesson)
        found[lesson.stem] = [secret for secret in lesson_secrets(lesson)
                              if not quoted_in_prose(secret, prose)]
        found[lesson.stem] += speaker_note_secrets(lesson)
    return found


def scan_files(files: dict[str, bytes], secrets: dict[str, list[Secret]],
               solutions_published: bool = False, root: Path | None = None) -> list:
    leaks = []
    for path in sorted(files):
        leaks += scan_file(path, files[path], secrets, solutions_published=solutions_published,
                           root=root)
    return leaks


def _secrets_for(path: str, secrets: dict[str, list[Secret]]) -> list[Secret]:
    stem = lesson_of(path, set(secrets))
    if stem is not None:
        return secrets[stem]
    return [secret for stem in sorted(secrets) for secret in secrets[stem]]
