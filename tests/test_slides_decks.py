"""reveal.js decks: the slide-marked cells of the student view, speaker notes, no network.

Units on tiny notebooks; golden files for the fixture lessons' slides
(tests/fixtures/site/golden/*.slides.html, written only by tests/regen_golden.py).
"""

from __future__ import annotations

import json
import posixpath
import re

import nbformat
import pytest

from conftest import ROOT
from coursekit.errors import CourseError
from coursekit.publish.deck_view import deck_view
from coursekit.publish.mathjax import (
    DECK_MATHJAX_URL,
    MATHJAX_DIR,
    MATHJAX_FONTS,
    MATHJAX_SCRIPT,
    SITE_MATHJAX,
    mathjax_assets,
)
from coursekit.publish.slides import REVEAL_DIR, render_deck, reveal_assets
from golden_files import golden_text
from site_fixture import GOLDEN, golden_renderings

# every URL a deck loads: src/href attributes and CSS url(...)
_LOADS = re.compile(r'(?:src|href)="([^"#]+)"|url\(([^)]+)\)')


def cell(kind: str, source: str, slide_type: str | None, cell_id: str):
    make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
    new = make(source, id=cell_id)
    if slide_type:
        new.metadata["slideshow"] = {"slide_type": slide_type}
    return new


def deck(*cells, instructor: bool = False) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    # the instructor's deck takes its speaker notes from the solution (here: the same cells)
    return render_deck(deck_view(nb, nb, None, instructor=instructor), "A deck")


def loaded_urls(html: str) -> set[str]:
    return {a or b for a, b in _LOADS.findall(html) if not (a or b).startswith("data:")}


def test_only_slide_marked_cells_reach_the_deck():
    html = deck(cell("markdown", "# First slide", "slide", "cell-000"),
                cell("code", "unmarked_cell_code()", None, "cell-001"),
                cell("markdown", "## Second slide", "slide", "cell-002"),
                cell("code", "shown_with_second()", "-", "cell-003"))
    assert "First slide" in html and "Second slide" in html and "shown_with_second" in html
    assert "unmarked_cell_code" not in html
    assert html.count("<section ") == 2  # one per slide: no vertical stacks


def test_notes_cells_become_speaker_notes_of_the_instructors_deck_only():
    cells = (cell("markdown", "# Title", "slide", "cell-000"),
             cell("markdown", "Say hello first", "notes", "cell-001"))
    assert re.search(r'<aside class="notes">.*Say hello first', deck(*cells, instructor=True),
                     re.S)
    assert "Say hello first" not in deck(*cells)


def test_a_lesson_without_slide_cells_gets_a_title_slide():
    html = deck(cell("code", "x = 1", None, "cell-000"))
    assert '<h1 id="a-deck">A deck</h1>' in html and "x = 1" not in html


def test_decks_load_nothing_but_the_local_reveal_and_mathjax_copies():
    html = deck(cell("markdown", "# Title", "slide", "cell-000"))
    urls = loaded_urls(html)
    reveal = {f"{REVEAL_DIR}/dist/reveal.css", f"{REVEAL_DIR}/dist/reveal.js",
              f"{REVEAL_DIR}/dist/theme/white.css", f"{REVEAL_DIR}/plugin/notes/notes.js",
              f"{REVEAL_DIR}/plugin/zoom/zoom.js",
              f"{REVEAL_DIR}/coursekit/deck.css", f"{REVEAL_DIR}/coursekit/deck.js"}
    assert urls == reveal | {DECK_MATHJAX_URL}
    shipped = reveal_assets(ROOT / "node_modules")
    assert {url.removeprefix(f"{REVEAL_DIR}/") for url in reveal} <= set(shipped)
    # decks are slides/<stem>.html: the URL reaches the site's MathJax copy
    assert posixpath.normpath(posixpath.join("slides", DECK_MATHJAX_URL)) == SITE_MATHJAX
    assert SITE_MATHJAX == f"{MATHJAX_DIR}/{MATHJAX_SCRIPT}"


def test_math_reaches_the_deck_as_written():
    html = deck(cell("markdown", "# Title\n\nInline $a_i * b_i$ and\n\n$$x < y \\\\ z$$",
                     "slide", "cell-000"))
    # as the pages have it (pymdownx.arithmatex): no emphasis made of the underscores
    assert '<span class="arithmatex">\\(a_i * b_i\\)</span> and' in html
    assert '<div class="arithmatex">\\[x &lt; y \\\\ z\\]</div>' in html


def test_the_mathjax_copy_is_the_script_its_fonts_and_its_licence():
    shipped = mathjax_assets(ROOT / "node_modules")
    fonts = [name for name in shipped if name.startswith(f"{MATHJAX_FONTS}/")]
    assert set(shipped) == {MATHJAX_SCRIPT, "LICENSE", *fonts}
    assert len(fonts) > 20 and all(name.endswith(".woff") for name in fonts)
    assert b"Apache License" in shipped["LICENSE"]
    # the version package.json pins, every TeX extension built in: nothing is fetched later
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["mathjax"]
    assert f'VERSION="{pinned}"'.encode() in shipped[MATHJAX_SCRIPT]
    assert b"PhysicsConfiguration" in shipped[MATHJAX_SCRIPT]


def test_the_reveal_copy_is_complete_and_self_contained():
    shipped = reveal_assets(ROOT / "node_modules")
    stylesheets = [name for name in shipped if name.endswith(".css")]
    checked = 0
    for name in stylesheets:  # the theme imports its fonts' CSS, which loads the fonts
        for url in loaded_urls(shipped[name].decode()):
            relative = url.strip("'\"").split("?")[0].split("#")[0]
            assert not relative.startswith(("http:", "https:", "//")), (name, url)
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), relative))
            assert target in shipped, (name, target)
            checked += 1
    assert checked >= 5  # white.css → fonts css → the font files


def test_missing_reveal_package_says_to_run_npm_ci(tmp_path):
    with pytest.raises(CourseError, match=r"reveal.js is not installed.*run `npm ci`"):
        reveal_assets(tmp_path / "node_modules")


def test_missing_mathjax_package_says_to_run_npm_ci(tmp_path):
    with pytest.raises(CourseError, match=r"mathjax is not installed.*run `npm ci`"):
        mathjax_assets(tmp_path / "node_modules")


RENDERINGS = golden_renderings()


@pytest.mark.parametrize("name", sorted(n for n in RENDERINGS if n.endswith(".slides.html")))
def test_deck_matches_golden(name):
    assert RENDERINGS[name] == golden_text(GOLDEN / name)


def test_golden_decks_show_the_student_version():
    squares = RENDERINGS["01_squares.slides.html"]
    assert "YOUR CODE HERE" in squares and "squared_value_of_x" not in squares
    # speaker notes are the instructor's: only the instructor's deck has them (test_views)
    assert '<aside class="notes">' not in squares
