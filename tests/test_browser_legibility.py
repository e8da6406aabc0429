"""Slides a room can read, measured in a real browser (issue 21 items 1, 2, 4 and 6).

Tiny decks (figures drawn here by matplotlib, with the facts a verified run records) are
rendered in-process into a folder laid out like a site and opened at 1280×720 in Debian's
Chromium, one browser for the module. The fit check (deck_check.measure, with the rules of
deck_legibility.py) must find, and name with the lesson line:

* a figure whose text is under 18 px on the screen (pt × dpi / 72 × drawn scale), and one
  shrunk below 90 % of its size and 55 % of the slide's height; a figure drawn for slides
  passes;
* a box that cuts its text off (the clipping element, not the text inside it);
* content under the slide number;
* a slide that promises results and shows a heading only, unless its continuation follows.

And the zoom plugin: alt-click on a figure zooms in, Z zooms into the slide's figure and
out again. The shipped decks are held to the same rules by
tests/test_browser_decks.py::test_every_slide_fits_and_its_code_is_readable.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import matplotlib
import nbformat
import pytest

from browser import browser, gated_context, write_deck_assets  # noqa: F401 (a fixture)
from coursekit.publish.deck_check import measure, open_deck, unfit_error
from coursekit.publish.deck_view import deck_view
from coursekit.publish.slides import render_deck
from coursekit.run.figures import FACTS_KEY

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 (after the backend)

SOURCE = "content/01_legible.py"


def figure(width: float, height: float, pt: float) -> dict:
    """A PNG output as a verified run records it: dpi 100, smallest text ``pt``."""
    fig, ax = plt.subplots(figsize=(width, height), dpi=100)
    ax.plot([1, 3, 2])
    ax.tick_params(labelsize=pt)
    ax.set_title("A figure", fontsize=pt)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    return nbformat.v4.new_output(
        "display_data", data={"image/png": base64.b64encode(buffer.getvalue()).decode(),
                              "text/plain": "<Figure>"},
        metadata={"image/png": {FACTS_KEY: {"dpi": 100.0, "smallest_text_pt": pt}}})


def cell(kind, source, slide_type, cell_id, outputs=()):
    make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
    new = make(source, id=cell_id)
    new.metadata["slideshow"] = {"slide_type": slide_type}
    if outputs:
        new.outputs = list(outputs)
    return new


def deck(cells: list, lines: dict, code_shown=frozenset()) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    view = deck_view(nb, nb, nb, source=SOURCE, lines=lines, code_shown=set(code_shown))
    return render_deck(view, "Legible")


def figures_deck() -> str:
    code = "\n".join(f"value_{n} = compute({n})  # a line of the plotting code" for n in range(14))
    return deck([cell("markdown", "## Drawn for slides", "slide", "a"),
                 cell("code", "plot()", "-", "b", [figure(7, 4, 14)]),
                 cell("markdown", "## Drawn for a page", "slide", "c"),
                 cell("code", "plot()", "-", "d", [figure(7, 4, 6)]),
                 cell("markdown", "## Squeezed by its code", "slide", "e"),
                 cell("code", code, "-", "f", [figure(10, 8, 14)])],
                {"a": 3, "c": 9, "e": 15}, code_shown={"f"})


def furniture_deck() -> str:
    clipped = ('<div style="overflow: hidden; width: 240px; white-space: nowrap">'
               "a line far too long for the box that holds it</div>")
    under = ('<p style="position: absolute; left: 0; top: 686px; margin: 0">'
             "text under the slide number</p>")
    return deck([cell("markdown", "## A clipped line\n\n" + clipped, "slide", "a"),
                 cell("markdown", "## Under the number\n\n" + under, "slide", "b")],
                {"a": 4, "b": 8})


def promises_deck() -> str:
    """Slides as deck_view marks them: one promising results it does not show, one whose
    continuation shows them."""
    cells = [cell("markdown", "## Results", "slide", "a"),
             cell("markdown", "## More results", "slide", "b"),
             cell("markdown", "### More results (continued)", "slide", "c"),
             cell("code", "", "-", "d", [nbformat.v4.new_output("stream", text="42\n")])]
    data = [{"line": "5", "promises": "2"}, {"line": "9", "promises": "1"},
            {"line": "11", "continues": "9"}]
    for c, extra in zip(cells, data, strict=False):
        c.metadata["slideshow"]["data"] = {"source": SOURCE, **extra}
    cells[3].metadata["transient"] = {"remove_source": True}
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    return render_deck(nb, "Promises")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("legible")
    (root / "slides").mkdir()
    for name, html in (("figures", figures_deck()), ("furniture", furniture_deck()),
                       ("promises", promises_deck())):
        (root / "slides" / f"{name}.html").write_text(html, encoding="utf-8")
    write_deck_assets(root)
    return root


@pytest.fixture(scope="module")
def open_page(browser, site):  # noqa: F811
    context, blocked = gated_context(browser, (site.resolve().as_uri() + "/", "data:",
                                               "about:"),
                                     viewport={"width": 1280, "height": 720})
    yield lambda name: open_deck(context, site / "slides" / f"{name}.html")
    assert blocked == []
    context.close()


@pytest.fixture(scope="module")
def measured(open_page):
    found = {}
    for name in ("figures", "furniture", "promises"):
        page = open_page(name)
        found[name] = measure(page)
        page.close()
    return found


def test_figure_text_under_18_px_and_a_squeezed_figure_fail_with_the_lesson_line(measured,
                                                                                 site):
    readable, small_text, squeezed = measured["figures"]
    assert readable.problems == []
    [text] = small_text.problems
    # 6 pt at 100 dpi is 8.3 px at natural size; the slide grows it to 1.5 times at most
    assert "has text of 12.5 px (6 pt at 100 dpi, shown at 150 %): at least 18 px" in text
    [size] = [p for p in squeezed.problems if "of its size" in p]
    assert "at least 90 % or 55 %" in size
    error = unfit_error(site, site / "slides" / "figures.html", small_text)
    assert (error.path, error.line) == (site / SOURCE, 9)
    assert "larger text (fontsize=)" in error.hint


def test_a_box_that_cuts_its_text_and_content_under_the_slide_number_fail(measured):
    clipped, under = measured["furniture"]
    assert any(p.startswith('div "a line far too long for the box that hol" cuts its content '
                            "off:") for p in clipped.problems), clipped.problems
    assert 'the slide number overlaps p "text under the slide number"' in under.problems
    assert not any("overlaps" in p for p in clipped.problems)


def test_a_slide_that_promises_results_shows_them_or_is_continued(measured):
    bare, continued, continuation = measured["promises"]
    assert bare.problems == ["it shows a heading and 0 line(s) while its cells produce 2 "
                             "result(s); show them on this slide or the next"]
    assert continued.problems == [] and continuation.problems == []


def test_alt_click_and_z_zoom_into_a_figure(open_page):
    page = open_page("figures")
    page.evaluate("Reveal.slide(0, 0, 1000)")
    box = page.locator(".reveal .slides > section.present img").bounding_box()
    for zoomed in (True, False):  # alt-click zooms in where it clicks, and out again
        page.keyboard.down("Alt")
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.keyboard.up("Alt")
        page.wait_for_function(("" if zoomed else "!")
                               + "/scale\\(2\\)/.test(document.body.style.transform)")
    page.keyboard.press("z")
    page.wait_for_function("/scale\\(2\\)/.test(document.body.style.transform)")
    page.keyboard.press("z")
    page.wait_for_function("!/scale\\(2\\)/.test(document.body.style.transform)")
    assert page.evaluate("Reveal.getIndices().h") == 0  # zooming never moved the slide
    page.close()
