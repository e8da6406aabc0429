"""The website, its decks and the bundle in a real browser, with the network off.

Headless Chromium from the Debian package (`apt-get install chromium`), driven by
Playwright's Python package; Playwright never downloads a browser. Every request that does
not go to the site under test (the local server, or file:// for the bundle) is blocked and
recorded, and each test ends by asserting that nothing was blocked: the site needs no CDN.
Math is typeset by the site's own MathJax copy, served and from the unzipped bundle.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import Page, expect

from browser import DESKTOP, browser, gated_context, served  # noqa: F401 (a fixture)

# tests/fixtures/site/course.yml: the repository the Colab links must point into
COLAB_PREFIX = "https://colab.research.google.com/github/example-org/tiny-course-student/blob/v1.0/"
LESSONS = {"01_squares": "Squares and a plot", "02_words": "Counting words"}
SEARCH_WORD = "quadratoria"  # appears only in lesson 01's text
SPEAKER_NOTE = "remind everyone that squaring doubles the exponent"
# lesson 01's first cell (also its title slide): $x_i$, $x_i^2$, $n^2$ and one $$…$$ block
FORMULAS, DISPLAYED = 4, 1


@pytest.fixture(scope="module")
def site_url(built_course):
    with served(built_course / "build" / "site") as url:
        yield url


@pytest.fixture(scope="module")
def bundle_site(built_course, tmp_path_factory) -> Path:
    """The student bundle, unzipped: its site/ folder."""
    folder = tmp_path_factory.mktemp("bundle")
    with zipfile.ZipFile(built_course / "dist" / "tiny-course-1.0.zip") as archive:
        archive.extractall(folder)
    return folder / "tiny-course-1.0" / "site"


@pytest.fixture
def offline(browser, site_url):  # noqa: F811
    """(page, blocked): a page that may only reach the local site, data: and file: URLs."""
    context, blocked = gated_context(browser, (site_url, "file://", "data:", "about:"),
                                     accept_downloads=True, viewport=DESKTOP)
    yield context.new_page(), blocked
    context.close()


def images_loaded(page: Page) -> list:
    return page.eval_on_selector_all("article img", "imgs => imgs.map(i => i.complete && "
                                                    "i.naturalWidth > 0)")


def test_home_renders_with_schedule_download_and_palettes(offline, site_url):
    page, blocked = offline
    page.goto(site_url)
    expect(page.locator("article h1")).to_contain_text("Tiny Fixture Course")
    expect(page.locator("article")).to_contain_text("Ada Example")
    expect(page.locator("article table").first).to_contain_text("Coffee break")
    button = page.locator("#download-bundle")
    expect(button).to_be_visible()
    response = page.request.get(site_url + button.get_attribute("href"))
    assert response.ok and response.body()[:2] == b"PK"  # the bundle, as a zip
    expect(page.locator("button[data-md-type=copy]").first).to_be_attached()  # copy buttons
    scheme = page.locator("body")
    expect(scheme).to_have_attribute("data-md-color-scheme", "default")
    page.locator("label[title='Switch to dark mode']").click()
    expect(scheme).to_have_attribute("data-md-color-scheme", "slate")
    assert blocked == []


def test_navigation_reaches_every_lesson_and_the_verification_page(offline, site_url):
    page, blocked = offline
    page.goto(site_url)
    page.locator(".md-tabs__link", has_text="Lessons").click()
    for stem, title in LESSONS.items():
        page.locator(".md-sidebar--primary a.md-nav__link", has_text=title).click()
        expect(page).to_have_url(f"{site_url}lessons/{stem}.html")
        expect(page.locator("article h1")).to_contain_text(title)
    page.locator(".md-tabs__link", has_text="Verification").click()
    rows = page.locator("article table tbody tr")
    expect(rows).to_have_count(len(LESSONS))
    for title in LESSONS.values():
        expect(page.locator("article table")).to_contain_text(title)
    assert blocked == []


def test_lesson_pages_show_figures_stubs_and_a_verification_badge(offline, site_url):
    page, blocked = offline
    page.goto(f"{site_url}lessons/01_squares.html")
    loaded = images_loaded(page)
    assert loaded and all(loaded), loaded
    article = page.locator("article")
    expect(article).to_contain_text("raise NotImplementedError()")
    expect(article.locator(".admonition.success")).to_contain_text("Verified: profile smoke")
    page.goto(f"{site_url}lessons/02_words.html")
    expect(page.locator("article")).not_to_contain_text("there are 4 words")  # a stub's output
    assert blocked == []


def expect_typeset(page: Page, scope: str) -> None:
    """Every formula in ``scope`` typeset by MathJax, with its fonts: no TeX left as text."""
    expect(page.locator(f"{scope} mjx-container")).to_have_count(FORMULAS)
    expect(page.locator(f"{scope} mjx-container[display=true]")).to_have_count(DISPLAYED)
    expect(page.locator(f"{scope} mjx-merror")).to_have_count(0)  # no TeX error either
    text = page.locator(scope).first.inner_text()
    for raw in ("$", "\\(", "\\[", "\\begin{aligned}", "x_i^2"):
        assert raw not in text, f"{raw!r} is still shown as text in {scope}"
    fonts = page.evaluate("document.fonts.ready.then(set => [...set]"
                          ".filter(font => font.family.startsWith('MJX'))"
                          ".filter(font => font.status !== 'unloaded').map(font => font.status))")
    assert fonts and set(fonts) == {"loaded"}, fonts  # the woff files came from the copy


def test_formulas_are_typeset_on_the_notes_page_and_in_the_deck(offline, site_url):
    page, blocked = offline
    page.goto(f"{site_url}lessons/01_squares.html")
    expect_typeset(page, "article")
    page.goto(f"{site_url}slides/01_squares.html")
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    expect_typeset(page, ".reveal .slides")
    page.evaluate("Reveal.slide(1)")  # the lesson's first slide, after the title slide
    expect(page.locator(".reveal .slides > section.present mjx-container").first).to_be_visible()
    assert blocked == []


def search(page: Page, word: str):
    """Type into Material's search box; the first result's link."""
    page.locator("input.md-search__input").click()
    page.keyboard.type(word)
    return page.locator(".md-search-result__item a").first


def found_at(url: str) -> re.Pattern:
    return re.compile(rf"^{re.escape(url)}(\?h={SEARCH_WORD})?$")  # ?h= highlights the word


def test_search_finds_a_word_from_a_lesson(offline, site_url):
    page, blocked = offline
    page.goto(site_url)
    result = search(page, SEARCH_WORD)
    expect(result).to_have_attribute("href", found_at(f"{site_url}lessons/01_squares.html"))
    assert blocked == []


def test_deck_advances_with_the_arrow_key(offline, site_url):
    """(The speaker notes are the instructor's: test_browser_views.py opens them there.)"""
    page, blocked = offline
    page.goto(f"{site_url}slides/01_squares.html")
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    page.keyboard.press("ArrowRight")  # from the title slide to the lesson's first
    page.keyboard.press("ArrowRight")
    page.wait_for_function("Reveal.getIndices().h === 2")
    current = page.locator(".reveal .slides > section.present")
    expect(current).to_contain_text("Your turn")
    expect(current).to_contain_text("YOUR CODE HERE")  # the student version of the code
    assert blocked == []


def test_colab_links_point_at_the_exercise_notebooks_in_the_repository(offline, site_url,
                                                                        built_course):
    page, blocked = offline
    for stem in LESSONS:
        page.goto(f"{site_url}lessons/{stem}.html")
        href = page.locator("#open-in-colab").get_attribute("href")
        assert href.startswith(COLAB_PREFIX), href
        assert href.removeprefix(COLAB_PREFIX) == f"exercises/{stem}.ipynb"
        assert (built_course / "exercises" / f"{stem}.ipynb").is_file()
    assert blocked == []


def test_download_button_serves_the_exercise_notebook(offline, site_url, built_course):
    page, blocked = offline
    for stem in LESSONS:
        page.goto(f"{site_url}lessons/{stem}.html")
        with page.expect_download() as download_info:
            page.locator("#download-notebook").click()
        download = download_info.value
        assert download.suggested_filename == f"{stem}.ipynb"
        data = Path(download.path()).read_bytes()
        nbformat.validate(nbformat.reads(data.decode(), as_version=4))
        assert data == (built_course / "exercises" / f"{stem}.ipynb").read_bytes()
    assert blocked == []


def test_the_bundles_site_works_from_file_urls(offline, bundle_site):
    page, blocked = offline
    site = bundle_site
    page.goto(site.joinpath("index.html").as_uri())
    expect(page.locator("article h1")).to_contain_text("Tiny Fixture Course")
    expect(page.locator("#download-bundle")).to_be_hidden()  # it cannot contain itself
    expect(page.locator("#bundle-note")).to_be_visible()
    page.locator("article a", has_text=LESSONS["01_squares"]).first.click()
    expect(page).to_have_url(site.joinpath("lessons", "01_squares.html").as_uri())
    loaded = images_loaded(page)
    assert loaded and all(loaded), loaded
    expect(search(page, SEARCH_WORD)).to_have_attribute(
        "href", found_at(site.joinpath("lessons", "01_squares.html").as_uri()))
    page.goto(site.joinpath("slides", "01_squares.html").as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("Reveal.getIndices().h === 1")
    assert blocked == []


def test_formulas_are_typeset_from_the_bundle(offline, bundle_site):
    page, blocked = offline
    page.goto(bundle_site.joinpath("lessons", "01_squares.html").as_uri())
    expect_typeset(page, "article")
    page.goto(bundle_site.joinpath("slides", "01_squares.html").as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    expect_typeset(page, ".reveal .slides")
    assert blocked == []
