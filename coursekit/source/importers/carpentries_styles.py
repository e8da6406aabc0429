"""Episodes in the Carpentries' older lesson template (``styles``, Jekyll and kramdown),
rewritten as the Workbench writes them, before they are imported.

Before the Workbench (2023), an episode marked its boxes as kramdown blockquotes with a
class line after them, and its code blocks as ``~~~`` fences with a class line::

    > ## Slicing From the End
    > Use slicing ...
    >
    > > ## Solution
    > > ~~~
    > > string_for_slicing[-4:]
    > > ~~~
    > > {: .language-python}
    > {: .solution}
    {: .challenge}

Read as Markdown, the solution would be an ordinary quote that every student sees. Here
each such blockquote becomes the fenced div of its class (``::: challenge`` …), each
``~~~`` block a ```` ``` ```` block of its language (``{: .output}``: ```` ```output ````),
Jekyll's ``{% include … %}`` lines are left out and ``{{ page.root }}/fig/x.svg`` or
``../fig/x.svg`` reads ``fig/x.svg`` (the figures go beside the lessons, in
``content/fig/``). In either template, a link to another page of the lesson's website
(``[resources](learners/reference.md#external-references)``) keeps its text only. A
class line with a class this project does not know is an error naming its line: a
misspelt ``{: .soluton}`` would show the answer.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..fenced_divs import KNOWN

# kramdown's inline attribute list after a block, at any quote depth: "> > {: .solution}"
_IAL = re.compile(r"^\s*\{:\s*\.([\w-]+)\s*\}\s*$")
_QUOTED_IAL = re.compile(r"^[>\s]*\{:\s*\.([\w-]+)\s*\}\s*$")
_TILDES = re.compile(r"^(~{3,})\s*$")
_INCLUDE = re.compile(r"^\s*\{%\s*include\s.*%\}\s*$")
CODE_CLASSES = ("output", "error", "warning", "source")
# the lesson root before a path (Jekyll's, or ../ from _episodes/): the figures and
# files are beside the lessons here
_PAGE_ROOT = re.compile(r"\{\{\s*page\.root\s*\}\}/|(?<=\()\.\./(?=fig/|data/|files/)")
# a link to another page of the lesson's website (an episode, ./5-transfer-learning.html,
# the learners' reference, the instructor notes): the lesson site resolves it, a coursekit
# course has no such page, so the link keeps its text only (a dangling one stops the build)
_SITE_PAGE = re.compile(
    r"(?<!!)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\((?:\{\{\s*page\.root\s*\}\}/|\.\.?/)?"
    r"(?:(?:episodes|learners|instructors|profiles|_episodes|_extras)/)?[^)\s/]*?"
    r"\.(?:md|Rmd|html)(?:#[^)\s]*)?\)")


def check_classes(lines: list[str], path: Path, first: int, error) -> None:
    """Every class line names a box or a code block's language (``error``: the
    importer's error factory; ``first``: the file line of ``lines[0]``)."""
    for number, line in enumerate(lines, first):
        match = _QUOTED_IAL.match(line)
        if match:
            name = match.group(1)
            if not (name in KNOWN or name in CODE_CLASSES or name.startswith("language-")):
                raise error(f"unknown kramdown class '{{: .{name}}}'", path, number,
                            hint=f"known: {', '.join(KNOWN + CODE_CLASSES)}, language-…")


def as_workbench(lines: list[str], path: Path, first: int, error) -> list[str]:
    """The episode's body with the older template's boxes and code blocks rewritten
    (``first``: the file line of ``lines[0]``; ``error``: the importer's error factory)."""
    return _rewrite(list(enumerate(lines, first)), path, error)


def _rewrite(lines: list[tuple[int, str]], path: Path, error) -> list[str]:
    out, i = [], 0
    while i < len(lines):
        number, line = lines[i]
        if line.startswith(">"):
            end = _quote_end(lines, i)
            inner = _rewrite([(n, _unquote(text)) for n, text in lines[i:end]], path, error)
            name = _class(lines, end)
            if name in KNOWN:
                out += [f"::: {name}", *inner, ":::"]
                end += 1
            else:
                out += [f"> {text}".rstrip() for text in inner]
            i = end
        elif _TILDES.match(line):
            i = _code_block(lines, i, out)
        elif _IAL.match(line):  # a class line no block took: its box would not be one
            raise error(f"'{line.strip()}' follows no blockquote or code block", path,
                        number, hint="put it on the line right after the '>' lines of "
                                     "the box it marks")
        elif not _INCLUDE.match(line):
            out.append(_PAGE_ROOT.sub("", _SITE_PAGE.sub(r"\1", line)))
            i += 1
        else:
            i += 1
    return out


def _quote_end(lines: list[tuple[int, str]], start: int) -> int:
    """Where the blockquote from ``start`` ends. A line without ``>`` right after quoted
    text goes on (Markdown's lazy continuation: a wrapped image caption, say)."""
    end = start + 1
    while end < len(lines):
        text, before = lines[end][1], lines[end - 1][1]
        lazy = text.strip() and not _QUOTED_IAL.match(text) and before.lstrip("> ").strip()
        if not (text.startswith(">") or lazy):
            break
        end += 1
    return end


def _unquote(line: str) -> str:
    """One level of ``>`` less (a lazy continuation line has none)."""
    if not line.startswith(">"):
        return line
    return line[2:] if line.startswith("> ") else line[1:]


def _class(lines: list[tuple[int, str]], at: int) -> str | None:
    match = _IAL.match(lines[at][1]) if at < len(lines) else None
    return match.group(1) if match else None


def _code_block(lines: list[tuple[int, str]], start: int, out: list[str]) -> int:
    """A ``~~~`` block from ``start`` as a backtick block of its language; returns the
    index after it (and after its class line)."""
    fence = _TILDES.match(lines[start][1]).group(1)
    end = next((j for j in range(start + 1, len(lines)) if lines[j][1].strip() == fence),
               None)
    body = [text for _, text in lines[start + 1:end]]
    if end is None:  # never closed: Markdown reads it to the end, so do we
        out += ["```", *body, "```"]
        return len(lines)
    name = _class(lines, end + 1) or ""
    out += [f"```{name.removeprefix('language-')}", *body, "```"]
    return end + 2 if name else end + 1
