"""Markdown as Jupyter, Pandoc and Carpentries authors write it, read by Python-Markdown.

A Python-Markdown extension that pages (mkdocs) and decks both load, through the one
configuration of :mod:`markdown_config`. Python-Markdown follows the original Markdown
where lesson authors expect Jupyter's (CommonMark) or Pandoc's reading:

* ``$$…$$`` inside a paragraph is display math (Jupyter), not a stray ``$`` around an
  inline formula: it becomes a block of its own;
* a table may follow a line of text without a blank line between (GitHub, Jupyter);
* a nested list may be indented by its parent's text, two spaces under ``- `` (CommonMark),
  not only by four;
* an image alone in its paragraph, with text in its brackets, is a figure whose caption is
  that text, links and credit included (Pandoc's implicit figures); ``{alt=… width=…}``
  after it sets its attributes (attr_list), also when the list wraps onto later lines.
  A figure a lesson's code made (``{ .ck-output }``, the notes template) keeps no caption.

Each rewrite is one function of the lines; fenced code is already set aside (superfences
runs first), so code is never touched.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass

from markdown import Extension, Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.preprocessors import Preprocessor

OUTPUT_CLASS = "ck-output"  # a figure a cell's code drew: its alt text is no caption
_CODE_SPAN = re.compile(r"(`+).+?\1")
_DELIMITER_ROW = re.compile(r"^ *\|? *:?-+:? *(\| *:?-+:? *)*\|? *$")
_ITEM = re.compile(r"^( *)(\d{1,9}[.)]|[-+*])( {1,4}|$)")
_RULE = re.compile(r"^ *([-*_])( *\1){2,} *$")
_OPEN_ATTRIBUTES = re.compile(r"\]\([^)]*\)\{[^}]*$")
_FIGURE = re.compile(r"^!\[(?P<caption>(?:[^\[\]]|\[[^\[\]]*\])+)\]"
                     r"\((?P<target>[^)]*)\)(?P<attrs>\{[^}\n]*\})?$")
_DISPLAY_MATH = re.compile(r"\$\$(?:[^$]|\$(?!\$))+?\$\$")
_LINK = re.compile(r"\[([^\[\]]*)\]\([^)]*\)")


class PandocMarkdown(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # after superfences has set fenced code aside (25), before raw HTML blocks (20)
        md.preprocessors.register(_Lines(md), "coursekit-pandoc-lines", 22)
        # before plain paragraphs (10)
        md.parser.blockprocessors.register(_Figure(md.parser), "coursekit-figure", 12)


def makeExtension(**kwargs) -> PandocMarkdown:  # noqa: N802 (Python-Markdown's name)
    return PandocMarkdown(**kwargs)


class _Lines(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        for rewrite in (join_attribute_lists, nest_lists, separate_display_math,
                        separate_tables):
            lines = rewrite(lines)
        return lines


def join_attribute_lists(lines: list[str]) -> list[str]:
    """``![](a.png){alt="…"`` continued on the next lines, made one line."""
    out: list[str] = []
    for line in lines:
        if out and _OPEN_ATTRIBUTES.search(out[-1]):
            out[-1] = f"{out[-1]} {line.strip()}"
        else:
            out.append(line)
    return out


@dataclass
class _Item:
    depth: int
    content: int  # the column its text starts at, as written


def nest_lists(lines: list[str]) -> list[str]:
    """Each nested list item, and each line of its text, indented four spaces a level."""
    out: list[str] = []
    open_items: list[_Item] = []
    base, blank, loose = 0, False, False  # loose: a blank line inside the list so far
    for line in lines:
        indent = len(line) - len(line.lstrip(" "))
        item = _ITEM.match(line) if not _RULE.match(line) else None
        if not line.strip():
            out.append(line)
            blank, loose = True, loose or bool(open_items)
            continue
        if item:
            if not open_items:
                base, loose = indent, False
            while open_items and indent < open_items[-1].content:
                open_items.pop()
            if loose and not blank:
                out.append("")  # a loose list: Python-Markdown reads its items by blocks
            depth = len(open_items)
            content = indent + len(item.group(2)) + max(1, len(item.group(3)))
            open_items.append(_Item(depth, content))
            out.append(" " * (base + 4 * depth) + line.lstrip(" "))
        else:
            owner = next((i for i in reversed(open_items) if indent >= i.content), None)
            if owner is not None:
                extra = indent - owner.content
                out.append(" " * (base + 4 * (owner.depth + 1) + extra) + line.lstrip(" "))
            else:
                if blank:
                    open_items = []  # the list ended; a lazy line (no blank) goes on
                out.append(line)
        blank = False
    return out


def separate_display_math(lines: list[str]) -> list[str]:
    """``$$…$$`` (on one line or several) that shares its paragraph with text: a block
    of its own, at the indentation of the line it starts on (a list item keeps it)."""
    text = "\n".join(lines)
    spans = [m.span() for m in _CODE_SPAN.finditer(text)]
    pieces, last = [], 0
    for match in _DISPLAY_MATH.finditer(text):
        start, end = match.span()
        if any(a <= start < b for a, b in spans) or text[start - 1:start] == "\\":
            continue
        line_start = text.rfind("\n", 0, start) + 1
        line_end = len(text) if text.find("\n", end) < 0 else text.find("\n", end)
        alone_before = (not text[line_start:start].strip()
                        and (line_start == 0 or _blank_line_ends(text[:line_start - 1])))
        alone_after = (not text[end:line_end].strip()
                       and _blank_line_starts(text[line_end + 1:]))
        if alone_before and alone_after:
            continue
        rest = text[line_start:]
        indent = " " * (len(rest) - len(rest.lstrip(" ")))
        before = text[last:start].rstrip(" ")
        pieces += [before, "" if alone_before else _break(before) + indent,
                   match.group(0), "" if alone_after else "\n\n" + indent]
        last = end if alone_after else end + len(text[end:]) - len(text[end:].lstrip(" \n"))
    return "".join(pieces + [text[last:]]).split("\n") if pieces else lines


def _break(before: str) -> str:
    """What ends the text ``before`` a formula with a blank line."""
    return "\n" if before.endswith("\n") else "\n\n"


def _blank_line_ends(text: str) -> bool:
    """``text`` (up to a line break) is empty or its last line is blank."""
    return not text or not text.rsplit("\n", 1)[-1].strip()


def _blank_line_starts(text: str) -> bool:
    """``text`` (after a line break) is empty or its first line is blank."""
    return not text.strip() or not text.split("\n", 1)[0].strip()


def separate_tables(lines: list[str]) -> list[str]:
    """A blank line before a table whose header row follows a line of text."""
    out: list[str] = []
    for number, line in enumerate(lines):
        following = lines[number + 1] if number + 1 < len(lines) else ""
        if ("|" in line and "|" in following and _DELIMITER_ROW.match(following)
                and out and out[-1].strip() and "|" not in out[-1]):
            out.append(" " * (len(line) - len(line.lstrip(" "))))
        out.append(line)
    return out


class _Figure(BlockProcessor):
    """An image alone in its paragraph, with a caption in its brackets: ``<figure>``
    with the image and a ``<figcaption>`` (inline Markdown: links, emphasis, math)."""

    def test(self, parent: etree.Element, block: str) -> bool:
        match = _FIGURE.match(block.strip())
        return bool(match) and OUTPUT_CLASS not in (match.group("attrs") or "")

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        match = _FIGURE.match(blocks.pop(0).strip())
        caption = match.group("caption")
        figure = etree.SubElement(parent, "figure")
        # the image's alt text is the caption's words, unless {alt=…} says otherwise
        figure.text = f"![{plain(caption)}]({match.group('target')}){match.group('attrs') or ''}"
        etree.SubElement(figure, "figcaption").text = caption


def plain(markdown: str) -> str:
    """The words of a caption: links' text kept, emphasis and code marks dropped."""
    return re.sub(r"[*_`]", "", _LINK.sub(r"\1", markdown)).strip()
