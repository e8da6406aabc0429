"""Readable from the back of the room (issue 21 item 4): code never below 20 px, and prose
counted per slide: above 90 words a warning, above 130 an error, each naming lesson:line.

The verdicts are plain functions of the measured slides (no browser); what is measured
is checked once in Chromium on a tiny deck made in memory: the words the room sees (not
code, outputs, speaker notes or the timer), code that wraps at 20 px instead of
shrinking, and code too long for the slide failing instead of shrinking below 20 px."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from browser import browser, write_deck_assets  # noqa: F401 (browser: a fixture)
from coursekit.errors import CourseError
from coursekit.publish.deck_check import (
    MIN_CODE_PX,
    WORDS_MAX,
    WORDS_WARN,
    SlideFit,
    measure,
    offline_context,
    open_deck,
    unfit_error,
    wordy_warnings,
)
from coursekit.publish.deck_view import deck_view
from coursekit.publish.slides import render_deck

DECK = Path("slides/01_tiny.html")


def slide(words: int = 10, code: float | None = 22.0, problems=()) -> SlideFit:
    return SlideFit(index=2, source="content/01_tiny.py", line=12, exercise="", figures=0,
                    min_code_px=code, problems=list(problems), words=words)


def test_prose_above_90_words_warns_and_above_130_fails_naming_the_line():
    assert WORDS_WARN == 90 and WORDS_MAX == 130
    assert wordy_warnings(DECK, [slide(WORDS_WARN)]) == []
    [warning] = wordy_warnings(DECK, [slide(WORDS_WARN + 1), slide(WORDS_MAX + 1)])
    assert warning.startswith("warning: content/01_tiny.py:12: slide 3 of 01_tiny.html has "
                              "91 words of prose (more than 90)")
    assert "notes page" in warning
    assert slide(WORDS_MAX).fits() and not slide(WORDS_MAX + 1).fits()
    error = unfit_error(Path("/course"), DECK, slide(WORDS_MAX + 1))
    assert isinstance(error, CourseError) and error.exit_code == 2
    assert str(error).startswith("/course/content/01_tiny.py:12: slide 3 of 01_tiny.html "
                                 "does not fit 1280×720: 131 words of prose (at most 130)")
    assert "notes page" in str(error)


def test_code_below_20_px_fails_naming_the_line():
    assert MIN_CODE_PX == 20
    assert slide(code=20.0).fits() and not slide(code=19.8).fits()
    assert "code at 19.8 px (at least 20 px)" in str(unfit_error(Path("/c"), DECK,
                                                                   slide(code=19.8)))


def cell(kind: str, source: str, slide_type: str | None = None, **metadata):
    new = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
    made = new(source, id=f"c{abs(hash(source)) % 10**8}")
    if slide_type:
        made.metadata["slideshow"] = {"slide_type": slide_type}
    made.metadata.update(metadata)
    return made


SENTENCE = "the network learns to add numbers it has never seen before today"  # 12 words
LONG_LINE = "total = " + " + ".join(f"value_{n}" for n in range(16))  # ~150 characters


@pytest.fixture(scope="module")
def tiny_deck(tmp_path_factory) -> Path:
    """A deck of three slides, in a folder laid out like a site: 1. a heading and 30 words
    of prose with inline code, a code cell, a text output, a 40-word fragment and a
    speaker note; 2. a line of code too wide for the slide; 3. 40 lines of code."""
    nb = nbformat.v4.new_notebook()
    words = " ".join([SENTENCE] * 2) + " with `keras.ops`"  # 25 words: the code is none
    shown = cell("code", "print('a long output line ' * 5)", "-")
    shown.outputs = [nbformat.v4.new_output("stream", name="stdout", text="many words " * 30)]
    nb.cells = [cell("markdown", f"## Counting words\n\n{words}", "slide"),
                shown,
                cell("markdown", " ".join([SENTENCE] * 3) + " and four more words", "fragment"),
                cell("markdown", "Speaker notes: " + SENTENCE * 20, "notes"),
                cell("markdown", "## Too wide", "slide"),
                cell("code", LONG_LINE, "-"),
                cell("markdown", "## Too long", "slide"),
                cell("code", "\n".join(f"line_{n} = {n}" for n in range(40)), "-")]
    deck = deck_view(nb, nb, None, instructor=True, source="content/01_tiny.py")
    site = tmp_path_factory.mktemp("prose")
    (site / "slides").mkdir()
    (site / DECK).write_text(render_deck(deck, "Tiny"), encoding="utf-8")
    write_deck_assets(site)
    return site


def test_the_room_sees_words_code_wraps_at_20_px_and_long_code_fails(browser,  # noqa: F811
                                                                       tiny_deck):
    context = offline_context(browser, tiny_deck)
    try:
        slides = measure(open_deck(context, tiny_deck / DECK))
    finally:
        context.close()
    counted, wide, long = slides
    # heading 2 + prose 25 + fragment 40; not the code, its output, nor the speaker notes
    assert counted.words == 2 + 25 + 40
    assert wide.min_code_px == MIN_CODE_PX and wide.fits()  # wrapped, not shrunk further
    assert long.min_code_px >= MIN_CODE_PX and not long.fits()
    assert any("below" in problem for problem in long.problems)
