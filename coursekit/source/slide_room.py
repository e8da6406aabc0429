"""How much one slide holds: the deck's rules of room, in the lowest stage that needs them.

The fit check (publish/deck_check.py) measures every slide in a real browser and refuses
one with more than ``WORDS_MAX`` words of prose (above ``WORDS_WARN`` it warns). The
importers (importers/slide_breaks.py) break an imported lesson into slides before any
browser sees it, so they estimate the same things from the Markdown: the words a slide
shows (:func:`prose_words`, read as the fit check reads the rendered slide) and the height
its blocks take at the deck's sizes (deck.css), which publish/long_solutions.py also cuts
solutions by.
"""

from __future__ import annotations

import math
import re

# prose on one slide, in words: more is read, not listened to; the speaker notes and the
# notes page are where the rest goes
WORDS_WARN, WORDS_MAX = 90, 130

# deck.css at 1280×720: a slide's content box is 720 px less its padding (20 + 44 px),
# 1168 px wide; 22 px code at line height 1.3, 28 px prose at 1.35, and how many
# characters fill a line of each
CONTENT_PX = 656
CODE_LINE_PX, CODE_LINE_CHARS = 29, 86
TEXT_LINE_PX, TEXT_LINE_CHARS = 38, 74
HEADING_PX = {1: 74, 2: 60, 3: 51}  # h1–h3 at 54/42/34 px, line height 1.15, 12 px below
SMALL_HEADING_PX = 44
PARAGRAPH_GAP_PX = 10
TABLE_ROW_PX = 38  # 26 px text, line height 1.35, the cell's padding and border

# Markdown the screen does not show as text: link targets, images (a figure, not words),
# HTML tags (their text between them is shown), Pandoc attributes, fenced div lines
_UNSHOWN = [
    re.compile(r"!\[[^\]]*\]\([^)]*\)(\{[^}]*\})?"),
    re.compile(r"\]\([^)]*\)"),
    re.compile(r"<[^>\n]*>"),
    re.compile(r"\{[^}\n]*\}"),
    re.compile(r"^ {0,3}:{3,}.*$", re.M),
]
# shown, but not prose: fenced code, math, inline code
_NOT_PROSE = [
    re.compile(r"^ {0,3}(`{3,}|~{3,}).*?^ {0,3}\1[ \t]*$", re.M | re.S),
    re.compile(r"\$\$.+?\$\$|\$[^$\n]+\$", re.S),
    re.compile(r"(`+).+?\1", re.S),
]
# Words as the fit check counts them (deck_check.PROSE_WORDS): letters and digits, with
# an apostrophe inside a word
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W\d_]+)*")


def shown_text(markdown: str) -> str:
    """``markdown`` without what a slide does not show as text (math and code stay)."""
    for pattern in _UNSHOWN:
        markdown = pattern.sub(" ", markdown)
    return markdown


def prose_words(markdown: str) -> int:
    """The words of prose a slide showing ``markdown`` has, as the fit check counts them."""
    for pattern in _NOT_PROSE + _UNSHOWN:
        markdown = pattern.sub(" ", markdown)
    return len(_WORD.findall(markdown))


def prose_px(markdown: str) -> int:
    """The height of a paragraph of Markdown on a slide (its lines joined, then wrapped)."""
    return line_px(" ".join(shown_text(markdown).split()))


def line_px(text: str, code: bool = False) -> int:
    """The height of one source line (or a paragraph joined into one) on a slide, wrapped
    where it meets the slide's right edge."""
    px, chars = (CODE_LINE_PX, CODE_LINE_CHARS) if code else (TEXT_LINE_PX, TEXT_LINE_CHARS)
    return px * max(1, math.ceil(len(text) / chars))


def heading_px(level: int) -> int:
    return HEADING_PX.get(level, SMALL_HEADING_PX)
