"""The leak scanner: it does not trust the stripper.

From the lesson source it collects every non-trivial line that only a solution contains,
then searches any student artifact's text for them. A line that also appears outside the
solutions (a ``plt.show()`` both versions share) is no secret and is not searched.

Built artifacts (site pages, decks, notebooks, bundle members) are compared as a reader sees it: HTML with its tags stripped and entities decoded
(highlighted code splits every token into its own ``<span>``), notebooks by their strings,
the search index entry by entry. An artifact that belongs to a lesson (its file name starts
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
public by the author's choice, exactly as lines the exercise shows are.
"""

from __future__ import annotations

import json
import keyword
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Iterable, Iterator

import markdown

from ..errors import LeakError
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


@dataclass(frozen=True)
class Leak:
    artifact: str
    secret: Secret

    def __str__(self) -> str:
        return (f"{self.artifact}: contains {self.secret.kind} '{self.secret.text}' "
                f"({self.secret.path}:{self.secret.line})")


@dataclass(frozen=True)
class MarkerLeak:
    artifact: str
    text: str  # the marker-like words found
    where: str = ""  # the lesson's file:line they come from, when known

    def __str__(self) -> str:
        origin = f" ({self.where})" if self.where else ""
        return f"{self.artifact}: contains marker text '{self.text}'{origin}"


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
    r"\b(begin|end)[ \t_-]*(solutions?|hidden[ \t_-]*tests?|prompt|alternatives?|mistakes?)\b"
    r"|\bsolutions?[ \t_-]*no[ \t_-]*prompt\b"
    r"|(?<=[^\s#])[ \t]*#+[ \t]*solutions?[ \t]*$"
    r"|\b(begin|end)[ \t_-]*ignore\b",
    re.IGNORECASE | re.MULTILINE)
# otter's line suffixes, in its own case only: a lowercase '# seed' is an author's comment
# that otter and coursekit both keep
OTTER_SUFFIXES = re.compile(r"#[ \t]*(IGNORE|SEED)[ \t]*$", re.MULTILINE)


def scan_marker_text(text: str, artifact: str, where: str = "") -> list[MarkerLeak]:
    found = dict.fromkeys(m.group(0).strip() for pattern in (MARKER_WORDS, OTTER_SUFFIXES)
                          for m in pattern.finditer(text))
    return [MarkerLeak(artifact, words, where) for words in found]


def scan_exercise_markers(lesson: Lesson, nb: dict, artifact: str) -> list[MarkerLeak]:
    """Marker words in a generated exercise notebook, each traced to its lesson line."""
    origin = {cell_id(cell.index): cell for cell in lesson.cells}
    leaks = scan_marker_text("\n".join(strings(nb.get("metadata", {}))), artifact,
                             str(lesson.path))
    for cell in nb.get("cells", []):
        for leak in scan_marker_text("\n".join(strings(cell)), artifact):
            leaks.append(MarkerLeak(artifact, leak.text,
                                    _marker_origin(lesson, origin.get(cell.get("id")), leak.text)))
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
            text = normalise(text)
            if text in public or is_trivial(text) or text in found:
                continue
            found[text] = Secret(text, lesson.path, cell.line + offset)
    return list(found.values())


def strings(node) -> Iterator[str]:
    """Every string inside a JSON-like value (notebook sources, outputs, metadata)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from strings(value)
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from strings(item)


def scan_text(secrets: Iterable[Secret], text: str, artifact: str) -> list[Leak]:
    haystack = "\n".join(normalise(line) for line in text.split("\n"))
    return [Leak(artifact, s) for s in secrets if s.text in haystack]


def scan_notebook(secrets: Iterable[Secret], nb: dict, artifact: str) -> list[Leak]:
    return scan_text(secrets, "\n".join(strings(nb)), artifact)


def raise_on_leaks(leaks: list[Leak | MarkerLeak]) -> None:
    if leaks:
        listing = "\n  ".join(str(leak) for leak in leaks)
        raise LeakError(f"solution text found in student artifacts:\n  {listing}",
                        hint="the stripper or a renderer leaked; nothing was published")


# --- built artifacts ---------------------------------------------------------------

# copied verbatim from pinned packages (Material's assets, reveal.js): no lesson text in them
VENDORED = ("assets/javascripts/", "assets/stylesheets/", "assets/images/",
            "assets/vendor/", "slides/reveal.js/")
BINARY = (".png", ".jpg", ".jpeg", ".gif", ".ico", ".gz", ".woff", ".woff2", ".ttf", ".eot",
          ".zip")
SEARCH_INDEX = ("search/search_index.json", "search/search_index.js")
# where a course that publishes its solutions (course.yml) shows them on purpose
SOLUTION_PAGES = ("lessons/", *SEARCH_INDEX)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


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
    text = reader_text(path, data)
    if text is None:
        return leaks
    # marker words belong in no artifact, published solutions included
    leaks += scan_marker_text(text, label)
    if not (solutions_published and path.startswith(SOLUTION_PAGES)):
        leaks += scan_text(_secrets_for(path, secrets), text, label)
    return leaks


def scan_machine_paths(path: str, data: bytes, label: str,
                       known: list[tuple[str, str]]) -> list[MachinePathLeak]:
    """The machine's folders an artifact names, read in its raw text (attributes too)."""
    if path.startswith(VENDORED) or path.endswith(BINARY):
        return []
    text = data.decode("utf-8", errors="replace")
    return [MachinePathLeak(label, found) for found in dict.fromkeys(machine_paths_in(text, known))]


def reader_text(path: str, data: bytes) -> str | None:
    """What a reader of the artifact sees; None for vendored and binary files."""
    if path.startswith(VENDORED) or path.endswith(BINARY):
        return None
    text = data.decode("utf-8", errors="replace")
    if path.endswith(".ipynb"):
        return "\n".join(strings(json.loads(text)))
    if path.endswith((".html", ".htm", ".xml")):
        return html_text(text)
    return text


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


def prose_text(lesson: Lesson) -> str:
    """What the exercise's Markdown cells show a reader once rendered."""
    return "\n".join(html_text(markdown.markdown(cell.split.exercise))
                     for cell in lesson.cells
                     if cell.cell_type == "markdown" and not is_speaker_notes(cell))


# --- speaker notes: instructor-only text, a secret for every student artifact --------

def speaker_note_secrets(lesson: Lesson) -> list[Secret]:
    """Each non-trivial line of the lesson's ``slide_type: notes`` cells, as rendered."""
    found = []
    for cell in lesson.cells:
        if not is_speaker_notes(cell):
            continue
        for offset, line in enumerate(cell.source.split("\n")):
            text = normalise(html_text(markdown.markdown(line)))
            if not is_trivial(text):
                found.append(Secret(text, lesson.path, cell.line + offset, "speaker note"))
    return found


def secrets_by_stem(lessons: list[Lesson]) -> dict[str, list[Secret]]:
    """Each lesson's secrets, less those its own prose quotes to students."""
    found = {}
    for lesson in lessons:
        prose = prose_text(lesson)
        found[lesson.stem] = [secret for secret in lesson_secrets(lesson)
                              if not scan_text([secret], prose, "prose")]
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
