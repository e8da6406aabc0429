"""The student and instructor sites in a real browser, network off: speaker notes only on
the instructor's pages and deck, axe-core (pinned) with no serious or critical violation on
every page in both palettes, clock times, the parameters line, figure alt text, search
links, and the exercise notebook link from the unzipped bundle.

Reuses tests/browser.py (Debian's Chromium, every outside request blocked, axe-core) and
test_browser_site.py's fixture site.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from browser import assert_accessible_in, browser, palette, served  # noqa: F401 (a fixture)
from conftest import run_build
from coursekit.publish.deck_check import SKIP_ENV as FIT_CHECK_SKIP_ENV
from test_browser_site import SPEAKER_NOTE, bundle_site, offline, search, site_url  # noqa: F401

PAGES = ("index.html", "lessons/01_squares.html", "lessons/02_words.html",
         "verification.html", "outcomes.html")


@pytest.fixture(scope="module")
def instructor_url(built_course, tmp_path_factory):
    """`build.py site --instructor` on a copy of the built fixture course, served."""
    root = Path(shutil.copytree(built_course, tmp_path_factory.mktemp("instr") / "course",
                                symlinks=True))
    # a process of its own: the build's fit check (which measures each instructor deck with
    # its solutions shown) drives Playwright, which cannot run inside this module's browser
    result = run_build(root, "site", "--instructor", fresh_process=True,
                       env={FIT_CHECK_SKIP_ENV: "0"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "not checked for fit" not in result.stderr  # the check ran
    with served(root / "build" / "instructor-site") as url:
        yield url


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_serious_on_any_page(browser, site_url, scheme):  # noqa: F811
    context, page, blocked = palette(browser, scheme, (site_url, "data:"))
    try:
        for path in PAGES:
            page.goto(site_url + path)
            page.wait_for_load_state("networkidle")
            assert_accessible_in(page, scheme, path)
        assert blocked == []
    finally:
        context.close()


@pytest.fixture
def both_sites(browser, site_url, instructor_url):  # noqa: F811
    """A page that may reach the student and the instructor site, nothing else."""
    context, page, blocked = palette(browser, "light",
                                     (site_url, instructor_url, "data:", "about:"))
    yield page, blocked
    context.close()


def test_speaker_notes_are_on_instructor_pages_and_never_on_student_pages(
        both_sites, site_url, instructor_url):  # noqa: F811
    page, blocked = both_sites
    page.goto(f"{site_url}lessons/01_squares.html")
    expect(page.locator("article")).not_to_contain_text(SPEAKER_NOTE)
    expect(page.locator(".speaker-notes")).to_have_count(0)
    page.goto(f"{instructor_url}lessons/01_squares.html")
    notes = page.locator("article .admonition.speaker-notes")
    expect(notes).to_have_count(1)
    expect(notes).to_be_visible()
    expect(notes).to_contain_text(SPEAKER_NOTE)
    expect(page.locator("article .admonition.abstract")).to_contain_text(
        "Timing: 09:00–09:30 · 20 min teaching + 10 min exercises")
    expect(page.locator("article details.success summary", has_text="Solution")).to_have_count(2)
    expect(page.locator("article details.info summary")).to_contain_text("Verification details")
    assert blocked == []


def test_axe_finds_nothing_serious_on_the_instructor_pages(browser, instructor_url):  # noqa: F811
    for scheme in ("light", "dark"):
        context, page, _ = palette(browser, scheme, (instructor_url, "data:"))
        page.goto(f"{instructor_url}lessons/01_squares.html")
        assert_accessible_in(page, scheme, "lessons/01_squares.html")
        context.close()


def test_only_the_instructors_deck_opens_speaker_notes(
        both_sites, site_url, instructor_url):  # noqa: F811
    page, blocked = both_sites
    page.goto(f"{instructor_url}slides/01_squares.html")
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    with page.expect_popup() as popup_info:
        page.keyboard.press("s")
    speaker = popup_info.value
    page.evaluate("Reveal.slide(1)")  # the lesson's first slide, after the title slide
    expect(speaker.locator(".speaker-controls-notes .value")).to_contain_text(SPEAKER_NOTE)
    speaker.close()
    page.goto(f"{site_url}slides/01_squares.html")
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    assert SPEAKER_NOTE not in page.content()
    assert blocked == []


def test_the_home_page_shows_clock_times_and_breaks(offline, site_url):  # noqa: F811
    page, blocked = offline
    page.goto(site_url)
    rows = page.locator("article h2#schedule + table tbody tr, "
                        "article h2#schedule + .md-typeset__scrollwrap table tbody tr")
    expect(rows).to_have_count(3)
    texts = [re.sub(r"\s+", " ", row) for row in rows.all_inner_texts()]
    assert texts == ["09:00–09:30 Squares and a plot 20 + 10",
                     "09:30–09:45 Coffee break 15",
                     "09:45–10:15 Counting words 15 + 15"]
    page.locator("article a", has_text="objectives and keypoints").click()
    expect(page.locator("article")).to_contain_text("Write a function that squares a number.")
    assert blocked == []


def test_lesson_pages_state_the_parameters_their_outputs_ran_with(offline, site_url):  # noqa: F811
    page, blocked = offline
    page.goto(f"{site_url}lessons/01_squares.html")
    line = page.locator("#run-parameters")
    expect(line).to_be_visible()
    expect(line).to_have_text("These outputs ran with n = 5. The parameters cell below shows "
                              "the values your own run uses: n = 4.")
    expect(page.locator("article .admonition.success")).to_contain_text(
        "smoke is a short run with reduced parameters")
    image = page.locator("article img").first
    expect(image).to_have_attribute("alt", "The squares of 0 to n - 1, rising ever faster")
    page.goto(f"{site_url}lessons/02_words.html")
    expect(page.locator("#run-parameters")).to_be_visible()
    assert blocked == []


def test_search_result_links_never_end_in_an_empty_highlight(offline, site_url):  # noqa: F811
    page, blocked = offline
    page.goto(site_url)
    search(page, "squares")
    links = page.locator(".md-search-result__item a")
    expect(links.first).to_be_attached()
    hrefs = [links.nth(n).get_attribute("href") for n in range(links.count())]
    assert len(hrefs) > 2 and not [h for h in hrefs if re.search(r"\?h=(#|$)", h)], hrefs
    assert any("?h=squares" in h for h in hrefs)  # highlighting itself still works
    assert blocked == []


def test_from_the_bundle_the_notebook_button_opens_its_exercises_folder(
        offline, bundle_site):  # noqa: F811
    page, blocked = offline
    page.goto(bundle_site.joinpath("lessons", "01_squares.html").as_uri())
    button = page.locator("#download-notebook")
    expect(button).to_contain_text("exercises/01_squares.ipynb")
    target = bundle_site.joinpath("lessons", button.get_attribute("href")).resolve()
    assert target == bundle_site.parent / "exercises"
    assert (target / "01_squares.ipynb").is_file()
    assert blocked == []
