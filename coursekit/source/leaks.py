"""The leak scanner: it does not trust the stripper.

From the lesson source it collects every non-trivial line that only a solution contains,
then searches any student artifact's text for them. A line that also appears outside the
solutions (a ``plt.show()`` both versions share) is no secret and is not searched.

Built artifacts (site pages, decks, notebooks, bundle members) are compared as a reader sees it: HTML with its tags stripped and entities decoded
(highlighted code splits every token into its own ``<span>``), notebooks by their strings,
the search index entry by entry. An artifact that belongs to a lesson (its file name starts
with the lesson's stem) is searched for that lesson's secrets; every other artifact (home,
verification, README) for all lessons' secrets.

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
from .markers import CODE_STUB, MARKDOWN_STUB

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


def raise_on_leaks(leaks: list[Leak]) -> None:
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
              label: str | None = None, solutions_published: bool = False) -> list[Leak]:
    """``path`` is relative to the site root; ``secrets`` by stem; ``label`` names the
    artifact in a leak report (default: ``path``)."""
    label = label or path
    if path.startswith(VENDORED) or path.endswith(BINARY):
        return []
    if solutions_published and path.startswith(SOLUTION_PAGES):
        return []
    text = data.decode("utf-8", errors="replace")
    if path.endswith(SEARCH_INDEX):
        return scan_search_index(label, text, secrets)
    wanted = _secrets_for(path, secrets)
    if path.endswith(".ipynb"):
        return scan_notebook(wanted, json.loads(text), label)
    if path.endswith((".html", ".htm", ".xml")):
        text = html_text(text)
    return scan_text(wanted, text, label)


def scan_search_index(label: str, text: str, secrets: dict[str, list[Secret]]) -> list[Leak]:
    index = json.loads(text[text.index("{"):])  # search_index.js is `var __index = {...}`
    leaks = []
    for doc in index.get("docs", []):
        where = f"{label} ({doc.get('location') or 'home'})"
        body = html_text(f"{doc.get('title', '')}\n{doc.get('text', '')}")
        leaks += scan_text(_secrets_for(doc.get("location", ""), secrets), body, where)
    return leaks


def prose_text(lesson: Lesson) -> str:
    """What the exercise's Markdown cells show a reader once rendered."""
    return "\n".join(html_text(markdown.markdown(cell.split.exercise))
                     for cell in lesson.cells
                     if cell.cell_type == "markdown" and not is_speaker_notes(cell))


# --- speaker notes: instructor-only text, a secret for every student artifact --------

def is_speaker_notes(cell) -> bool:
    return cell.metadata.get("slideshow", {}).get("slide_type") == "notes"


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
               solutions_published: bool = False) -> list[Leak]:
    leaks = []
    for path in sorted(files):
        leaks += scan_file(path, files[path], secrets, solutions_published=solutions_published)
    return leaks


def _secrets_for(path: str, secrets: dict[str, list[Secret]]) -> list[Secret]:
    stem = lesson_of(path, set(secrets))
    if stem is not None:
        return secrets[stem]
    return [secret for stem in sorted(secrets) for secret in secrets[stem]]
