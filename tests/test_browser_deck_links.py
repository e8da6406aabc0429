"""From a deck of the built fixture site (tests/fixtures/site, `build.py` for real), the
title slide's link opens the lesson's notes page, with the network off.

A module of its own: the session's ``built_course`` runs kernels (asyncio), which cannot
start inside a browser loop that another test of the same module already opened.
"""

from __future__ import annotations

from playwright.sync_api import expect

from browser import browser, gated_context  # noqa: F401 (a fixture)
from coursekit.publish.deck_check import open_deck

STEM = "01_squares"


def test_the_title_slide_links_back_to_the_notes_page(browser, built_course):  # noqa: F811
    site = built_course / "build" / "site"
    context, blocked = gated_context(browser, (site.resolve().as_uri() + "/", "data:",
                                               "about:"),
                                     viewport={"width": 1280, "height": 720})
    page = open_deck(context, site / "slides" / f"{STEM}.html")
    page.get_by_role("link", name="The notes page of this lesson").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/lessons/{STEM}.html")
    expect(page.locator("h1").first).to_contain_text("Squares and a plot")
    context.close()
    assert blocked == []
