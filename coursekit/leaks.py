"""The leak scanner: it does not trust the stripper.

From the lesson source it collects every non-trivial line that only a solution contains,
then searches any student artifact's text for them. A line that also appears outside the
solutions (a ``plt.show()`` both versions share) is no secret and is not searched.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .errors import LeakError
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


@dataclass(frozen=True)
class Leak:
    artifact: str
    secret: Secret

    def __str__(self) -> str:
        return (f"{self.artifact}: contains solution line '{self.secret.text}' "
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
