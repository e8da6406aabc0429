"""Slide marks for an imported lesson, placed where an author would place them.

Material written for another tool has no slide marks: its deck would show its exercises
only, and a long section or box would not fit one slide. :func:`with_slides` reads each
Markdown cell as blocks (headings, paragraphs, list items, tables, code, nested divs) and:

- every top-level heading starts a slide; text without a heading joins the slide before it
  while it fits;
- a section too long for one slide goes on over further slides, cut between paragraphs or
  list items (an ordered list stays whole: Markdown would renumber its second half); a
  paragraph longer than a slide is cut between its lines, or its sentences;
- a box (a top-level fenced div) too long is cut the same way into boxes of its class,
  before one of its headings where it can; a challenge keeps its solution in its last
  part, which the deck shows as the exercise, on a slide of its own under "Exercise N";
- a code cell joins the slide when its code and the output the source showed fit there,
  else it starts one; an instructor's note (speaker notes) takes no room.

What fits is estimated with source/slide_room.py: at most ``WORDS_WARN`` words of prose
(above it the fit check warns) and the heights of deck.css. The fit check still measures
every slide in a browser: what no cut makes fit (a huge code cell, a wide table) is its
error, naming the lesson's line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import nbformat

from ..fenced_divs import HIDDEN, fences
from ..slide_room import (
    CONTENT_PX,
    PARAGRAPH_GAP_PX,
    TABLE_ROW_PX,
    WORDS_WARN,
    heading_px,
    line_px,
    prose_px,
    prose_words,
)

# what the estimates leave free: wrapping, margins and fonts they do not model (measured
# in Chromium on imported episodes, they overestimate prose by about a fifth)
ROOM_PX = int(CONTENT_PX * 0.9)
BOX_PX = 24  # a box's border, padding and the gaps around it
IMAGE_PX = int(CONTENT_PX * 0.55)  # a figure large enough to read (deck_legibility.py)
EXERCISE_PX = heading_px(2)  # the deck's "Exercise N" heading above a challenge
EXERCISE_WORDS = 2

_HEADING = re.compile(r"^ {0,3}(#{1,6})\s")
_ITEM = re.compile(r"^( *)([-*+]|\d{1,9}[.)])\s")
_ORDERED = re.compile(r"^ *\d{1,9}[.)]\s")
_CODE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_IMAGE = re.compile(r"^\s*!\[[^\]]*\]\([^)]*\)(\{[^}]*\})?\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=\S)")
_ENDS_SENTENCE = re.compile(r"[.!?:][\"')\]*_]*\s*$")
_DRAWS = re.compile(r"\b(?:plt|sns|seaborn)\.|\.plot\(|\.imshow\(|\.show\(\)")


@dataclass
class Block:
    """Lines of Markdown that stay on one slide, and the room they take there."""

    lines: list[str]
    px: int
    words: int
    kind: str = "text"  # or "heading", "item", "ordered" (a numbered list), "hidden" (an
    #                     answer), "paragraph" (cut if it must be), "piece" (of one)
    gap: int = 1  # blank lines before it in the source


def with_slides(cells: list, shown_lines: dict[int, int] | None = None) -> list:
    """``cells`` (an imported lesson's, unmarked) with slide marks, long Markdown cells cut
    into one cell per slide. ``shown_lines``: by index in ``cells``, how many lines of
    output the source showed after a code cell (the room its results will take)."""
    deck, out = _Slides(), []
    for index, cell in enumerate(cells):
        if cell.cell_type == "code":
            cell.metadata["slideshow"] = {"slide_type": deck.place(
                _code_px(cell.source, (shown_lines or {}).get(index, 0)), 0)}
            out.append(cell)
        elif _div_name(cell.source) == "instructor":
            out.append(cell)  # speaker notes (the lesson reader makes it so): no room
        elif _div_name(cell.source) is not None and _balanced(cell.source):
            out += _box(deck, cell.source)
        else:
            out += _section(deck, cell.source)
    return out


def _code_px(source: str, shown: int) -> int:
    """A code cell's room: its code and output, or the figure it draws instead."""
    if _DRAWS.search(source):
        return IMAGE_PX
    return sum(line_px(line, code=True) for line in source.split("\n") + [""] * shown)


class _Slides:
    """The room used on the slide being filled (None: no slide yet)."""

    def __init__(self):
        self.px: int | None = None
        self.words = 0

    def fits(self, px: int, words: int) -> bool:
        return self.px is not None and self.px + px <= ROOM_PX \
            and self.words + words <= WORDS_WARN

    def place(self, px: int, words: int, new: bool = False) -> str:
        """The slide type of what takes ``px`` and ``words``: joining the slide (``-``)
        when it fits there and need not be ``new``, else starting one."""
        if not new and self.fits(px, words):
            self.px, self.words = self.px + px, self.words + words
            return "-"
        self.px, self.words = px, words
        return "slide"

    def close(self) -> None:
        """Nothing more joins this slide (an exercise's: the deck adds its countdown)."""
        self.px = None

    def add(self, px: int, words: int) -> None:
        """Onto the slide, fitting or not (what must not be parted from a heading)."""
        self.px, self.words = (self.px or 0) + px, self.words + words


def _section(deck: _Slides, source: str) -> list:
    """A Markdown cell outside any div: a slide per heading, continued where it is long."""
    cells, part, kind = [], [], "slide"
    for block in _fitted(blocks(source.split("\n")), ROOM_PX - heading_px(2)):
        after_heading = bool(part) and part[-1].kind == "heading"
        if after_heading or (block.kind != "heading" and deck.fits(block.px, block.words)):
            deck.add(block.px, block.words)
            if not part:
                kind = "-"
            part.append(block)
            continue
        if part:
            cells.append(_cell(part, kind))
        deck.place(block.px, block.words, new=True)
        part, kind = [block], "slide"
    if part:
        cells.append(_cell(part, kind))
    return cells


def _box(deck: _Slides, source: str) -> list:
    """A top-level div: one cell when it fits a slide, else one box of its class per
    slide (a challenge's solution in the last)."""
    lines = source.split("\n")
    body = blocks(lines[1:-1])
    exercise = any(block.kind == "hidden" and _div_name("\n".join(block.lines)) == "solution"
                   for block in body)
    px, words = _room(body)
    px, words = px + BOX_PX, words
    if exercise:
        px, words = px + EXERCISE_PX, words + EXERCISE_WORDS
    if px <= ROOM_PX and words <= WORDS_WARN:
        new = exercise or any(block.kind == "heading" for block in body)
        cell = nbformat.v4.new_markdown_cell(source)
        cell.metadata["slideshow"] = {"slide_type": deck.place(px, words, new=new)}
        if exercise:
            deck.close()
        return [cell]
    parts = _pack(_fitted(body, ROOM_PX - BOX_PX), ROOM_PX - BOX_PX)
    if exercise:
        parts = _exercise_last(parts)
    cells = []
    for part in parts:
        px, words = _room(part)
        deck.place(px + BOX_PX, words, new=True)
        wrapped = [Block([lines[0]], 0, 0), *part, Block([lines[-1]], 0, 0, gap=0)]
        cells.append(_cell(wrapped, "slide"))
    if exercise:
        deck.close()
    return cells


def _exercise_last(parts: list[list[Block]]) -> list[list[Block]]:
    """The last part (the exercise's) with room for the deck's "Exercise N" heading: the
    blocks before its solution that do not fit go to a part of their own before it."""
    last = parts[-1]
    answer = next((n for n, block in enumerate(last) if block.kind == "hidden"), len(last))
    keep = answer
    while keep > 0 and _fits_exercise(last[keep - 1:]):
        keep -= 1
    if keep == answer and answer > 0:
        keep -= 1  # the task's last block at least, fitting or not
    while keep > 0 and last[keep - 1].kind == "heading":
        keep -= 1  # a heading goes with what it heads
    if keep == 0:
        return parts
    return [*parts[:-1], last[:keep], last[keep:]]


def _fits_exercise(part: list[Block]) -> bool:
    px, words = _room(part)
    return px <= ROOM_PX - BOX_PX - EXERCISE_PX and words <= WORDS_WARN - EXERCISE_WORDS


def _pack(body: list[Block], room: int) -> list[list[Block]]:
    """Blocks in parts that each fit ``room``: a part ends before its last heading when
    that leaves it half full, else before its trailing headings (a heading goes with
    the block after it, an answer with the block before it, fitting or not)."""
    parts, part = [], []
    for block in body:
        px, words = _room(part + [block])
        headings_only = all(other.kind == "heading" for other in part)
        if block.kind != "hidden" and not headings_only and (px > room or words > WORDS_WARN):
            cut = _cut(part)
            parts.append(part[:cut])
            part = part[cut:]
        part.append(block)
    return [*parts, part] if part else parts


def _cut(part: list[Block]) -> int:
    headings = [n for n, block in enumerate(part) if block.kind == "heading" and n > 0]
    if headings and headings[-1] >= len(part) / 2:
        return headings[-1]
    cut = len(part)
    while cut > 1 and part[cut - 1].kind == "heading":
        cut -= 1
    return cut


def _fitted(body: list[Block], room: int) -> list[Block]:
    """``body`` with each paragraph too long for a slide cut into pieces a slide takes one
    by one: its sentences (lines up to one that ends a sentence, or a long line's
    sentences)."""
    out = []
    for block in body:
        if block.kind != "paragraph" or (block.px <= room and block.words <= WORDS_WARN):
            out.append(block)
            continue
        gap = block.gap
        for piece in _sentences(block.lines, room):
            out.append(Block(piece, prose_px("\n".join(piece)), prose_words("\n".join(piece)),
                             "piece", gap))
            gap = 0
    return out


def _sentences(lines: list[str], room: int) -> list[list[str]]:
    groups, group = [], []
    for line in lines:
        group.append(line)
        if _ENDS_SENTENCE.search(line):
            groups.append(group)
            group = []
    groups += [group] if group else []
    out = []
    for group in groups:
        text = " ".join(line.strip() for line in group)
        if prose_px(text) <= room // 2 and prose_words(text) <= WORDS_WARN // 2:
            out.append(group)
        else:
            out += [[sentence] for sentence in _SENTENCE.split(text)]
    return out


def _room(part: list[Block]) -> tuple[int, int]:
    return sum(block.px for block in part), sum(block.words for block in part)


def _cell(part: list[Block], slide_type: str):
    """One Markdown cell of ``part``'s blocks, with the blank lines the source had
    between them."""
    lines: list[str] = []
    for block in part:
        lines += [""] * (block.gap if lines else 0) + block.lines
    cell = nbformat.v4.new_markdown_cell("\n".join(lines))
    cell.metadata["slideshow"] = {"slide_type": slide_type}
    return cell


def _balanced(source: str) -> bool:
    """The cell is one div, closed on its last line (else the lesson reader names what
    is wrong, and the cell is left as it is)."""
    depth = 0
    marks = fences(source.split("\n"))
    for number, (kind, _name) in enumerate(marks):
        depth += {"open": 1, "close": -1}.get(kind, 0)
        if depth <= 0 and number < len(marks) - 1:
            return False
    return depth == 0


def _div_name(source: str) -> str | None:
    """The class of the div a cell is (it opens on its first line), or None."""
    lines = source.split("\n")
    kind, name = fences(lines[:1])[0]
    return name if kind == "open" else None


def blocks(lines: list[str]) -> list[Block]:
    """The Markdown ``lines`` as blocks, each with the blank lines before it; the items
    of a numbered list are one block."""
    marks = fences(lines)
    out: list[Block] = []
    i, gap = 0, 0
    while i < len(lines):
        if not lines[i].strip():
            i, gap = i + 1, gap + 1
            continue
        end = _block_end(lines, marks, i)
        block = _block(lines[i:end], marks[i])
        block.gap = gap
        if block.kind == "ordered" and out and out[-1].kind == "ordered":
            last = out[-1]
            out[-1] = Block(last.lines + [""] * gap + block.lines, last.px + block.px,
                            last.words + block.words, "ordered", last.gap)
        else:
            out.append(block)
        i, gap = end, 0
    return out


def _block_end(lines: list[str], marks: list, i: int) -> int:
    """Where the block starting at line ``i`` ends (the index after its last line)."""
    line, n = lines[i], len(lines)
    if marks[i][0] == "open":
        depth, j = 0, i
        for j in range(i, n):
            depth += {"open": 1, "close": -1}.get(marks[j][0], 0)
            if depth == 0:
                break
        return j + 1
    if (code := _CODE.match(line)) is not None:
        j = next((j for j in range(i + 1, n) if lines[j].strip().startswith(code.group(1))
                  and not lines[j].strip().strip(code.group(1)[0])), n - 1)
        return j + 1
    if _HEADING.match(line):
        return i + 1
    if line.lstrip().startswith("|"):
        j = i
        while j < n and lines[j].lstrip().startswith("|"):
            j += 1
        return j
    item = _ITEM.match(line)
    j = i + 1
    while j < n and not _starts_block(lines, marks, j, item):
        j += 1
    return j


def _starts_block(lines: list[str], marks: list, j: int, item: re.Match | None) -> bool:
    """Whether line ``j`` ends the paragraph or list item (``item``) above it."""
    line = lines[j]
    if marks[j][0] != "text" or _CODE.match(line) or _HEADING.match(line):
        return True
    if not line.strip():  # a blank line: an item goes on with an indented paragraph
        after = lines[j + 1] if j + 1 < len(lines) else ""
        indent = len(item.group(1)) if item else 0
        return item is None or not after.startswith(" " * (indent + 2)) or not after.strip()
    other = _ITEM.match(line)
    if item is None:
        return other is not None or line.lstrip().startswith("|")
    return other is not None and len(other.group(1)) <= len(item.group(1))


def _block(lines: list[str], mark: tuple) -> Block:
    first, text = lines[0], "\n".join(lines)
    if mark[0] == "open":
        if mark[1] in HIDDEN:
            return Block(lines, 0, 0, "hidden")
        px, words = _room(blocks(lines[1:-1]))
        return Block(lines, px + BOX_PX, words)
    if _CODE.match(first):
        return Block(lines, sum(line_px(line, code=True) for line in lines[1:-1])
                     + 2 * PARAGRAPH_GAP_PX, 0)
    if heading := _HEADING.match(first):
        return Block(lines, heading_px(len(heading.group(1))), prose_words(text), "heading")
    if first.lstrip().startswith("|"):
        rows = sum(1 for line in lines if not _TABLE_RULE.match(line))
        return Block(lines, rows * TABLE_ROW_PX, prose_words(text))
    if _IMAGE.match(text):
        return Block(lines, IMAGE_PX, prose_words(text))
    if _ITEM.match(first):
        segments = re.split(r"\n(?=\s*(?:[-*+]|\d{1,9}[.)])\s)", text)
        px = sum(prose_px(segment) for segment in segments)
        return Block(lines, px, prose_words(text), "ordered" if _ORDERED.match(first) else "item")
    return Block(lines, prose_px(text) + PARAGRAPH_GAP_PX,
                 prose_words(text), "paragraph")
