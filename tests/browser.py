"""What every browser test shares: Debian's Chromium driven by Playwright (never a
downloaded browser), a quiet local server for a built site, contexts that refuse and record
every request leaving the site, and axe-core (the version package.json pins).

Test modules import the ``browser`` fixture from here (``from browser import browser``).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from conftest import ROOT
from coursekit.publish.deck_check import CHROMIUM, CHROMIUM_ARGS
from coursekit.publish.mathjax import MATHJAX_DIR, mathjax_assets
from coursekit.publish.slides import REVEAL_DIR, reveal_assets

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")  # the impacts issue 9 allows none of
DESKTOP = {"width": 1440, "height": 900}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def served(folder: Path):
    """The URL (ending in /) of ``folder`` served over HTTP on a free local port."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        thread.join()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def gated_context(browser, allowed: tuple[str, ...], **options):
    """(context, blocked): a browser context that lets through only URLs starting with one
    of ``allowed``; every other request is aborted and its URL appended to ``blocked``."""
    context = browser.new_context(**options)
    blocked: list[str] = []

    def gate(route):
        if route.request.url.startswith(allowed):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", gate)
    return context, blocked


def palette(browser, scheme: str, allowed: tuple[str, ...]):
    """(context, page, blocked): a desktop-sized page in the light or dark palette
    (Material follows prefers-color-scheme)."""
    context, blocked = gated_context(browser, allowed, viewport=DESKTOP, color_scheme=scheme)
    return context, context.new_page(), blocked


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on what ``page`` displays, one line each:
    rule (impact): the first few offending elements."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("axe.run(document, {resultTypes: ['violations']})"
                          ".then(r => r.violations.map(v => [v.id, v.impact, "
                          "v.nodes.map(n => n.target.join(' '))]))")
    return [f"{rule} ({impact}): {', '.join(nodes[:5])}"
            for rule, impact, nodes in found if impact in BLOCKING]


def assert_accessible_in(page: Page, scheme: str, label: str) -> None:
    """The page shows Material's palette for ``scheme`` (so axe judges the colours a
    reader of that palette sees) and axe-core finds nothing serious on it."""
    expected = "slate" if scheme == "dark" else "default"
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", expected)
    assert serious_violations(page) == [], f"{scheme} {label}"


def write_deck_assets(site: Path) -> None:
    """What decks in ``site``/slides/ load, laid out as on a built site: reveal.js (and the
    deck's own files) beside them, MathJax one folder up."""
    assets = {f"slides/{REVEAL_DIR}/{name}": data
              for name, data in reveal_assets(ROOT / "node_modules").items()}
    assets.update({f"{MATHJAX_DIR}/{name}": data
                   for name, data in mathjax_assets(ROOT / "node_modules").items()})
    for name, data in assets.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_bytes(data)
