"""``build.py handouts``: printable PDFs of each lesson, from the built site.

Per lesson, in the site's ``handouts/`` folder:

* ``<stem>.slides.pdf``: the deck, one 16:9 page per slide, every fragment shown. Each
  slide is shown and fitted by the deck's own script (site_static/deck.js) at 1280×720,
  exactly as on the screen, and photographed; the photographs become the pages. (reveal.js'
  ``?print-pdf`` lays the slides out without that fitting: tall slides ran over two pages
  and code off the page edge.)
* ``<stem>.notes.pdf``: the lesson's notes page as the browser prints it (A4).
* ``<stem>.instructor.pdf`` (the instructor's site only): one page per slide, the slide
  with its solution shown (the answer key's state) above its speaker notes.

Printed by the Chromium the fit check uses (deck_check.py), offline: nothing outside the
site is loaded. PDFs carry no date and no random document id, so the bundles that carry
them stay byte-identical across rebuilds.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import CourseError
from ..fsutil import write_atomic
from .deck_check import (
    ALL_FRAGMENTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    INSTALL_HINT,
    browser_missing,
    offline_context,
    open_deck,
)
from .pages import handout_links as handout_buttons
from .slides import DECK_HEIGHT, DECK_WIDTH

HANDOUTS = "handouts"  # inside the site: build/site/handouts/
PIXEL_RATIO = 2  # slide photographs at twice the screen's pixels: sharp on paper

# Runs in the deck: slide ``index`` with every fragment and (``answer``) its solution
# shown, fitted; the furniture that only makes sense on a screen hidden. Returns the
# slide's speaker notes (HTML) for the instructor's pages.
SHOW_SLIDE = """
async ([index, fragment, answer]) => {
    Reveal.slide(index, 0, fragment);
    const section = Reveal.getCurrentSlide();
    await window.coursekitDeck.showAnswer(section, answer);
    await new Promise(requestAnimationFrame);
    return {notes: [...section.querySelectorAll("aside.notes:not(.ck-deck-note)")]
                .map(note => note.innerHTML).join("\\n"),
            fit: section.dataset.fit || "ok", source: section.dataset.source || "",
            line: Number(section.dataset.line || 0)};
}
"""
UNLINK_LOCAL = """
() => document.querySelectorAll("a[href]").forEach(a => {
    if (!/^(https?|mailto):/.test(a.href)) a.removeAttribute("href");
})
"""
SCREEN_ONLY = ".reveal .controls, .reveal .progress { display: none !important; }"

SLIDES_PAGE = f"""@page {{ size: {DECK_WIDTH}px {DECK_HEIGHT}px; margin: 0; }}
html, body {{ margin: 0; padding: 0; }}
img {{ display: block; width: {DECK_WIDTH}px; height: {DECK_HEIGHT}px; }}
img + img {{ break-before: page; }}
"""
INSTRUCTOR_PAGE = """@page { size: A4; margin: 12mm; }
body { margin: 0; font: 11pt/1.4 sans-serif; color: #111; }
section + section { break-before: page; }
img { display: block; width: 100%; border: 1px solid #999; }
.notes { margin-top: 6mm; }
.notes pre { white-space: pre-wrap; font-size: 9.5pt; background: #f4f4f4; padding: 2mm; }
h2 { font-size: 10pt; color: #555; margin: 0 0 2mm; }
"""


@dataclass(frozen=True)
class Handout:
    """One PDF to print: ``kind`` (slides, notes, instructor) of lesson ``stem``."""

    stem: str
    kind: str

    def name(self) -> str:
        return f"{self.stem}.{self.kind}.pdf"


LABELS = {"slides": "Slides (PDF)", "notes": "Notes (PDF)",
          "instructor": "Slides with notes and solutions (PDF)"}


def handout_links(stem: str, instructor: bool = False) -> tuple[tuple[str, str], ...]:
    """(label, href from its notes page) of each of a lesson's handouts."""
    kinds = ("slides", "notes", "instructor") if instructor else ("slides", "notes")
    return tuple((LABELS[kind], f"../{HANDOUTS}/{Handout(stem, kind).name()}")
                 for kind in kinds)


def without_missing_handouts(site: dict[str, bytes], stems: list[str],
                             instructor: bool = False) -> dict[str, bytes]:
    """A built site (path → bytes) whose lesson pages keep a PDF button only where the PDF
    is in it. The pages link the handouts before they are printed (``build.py handouts``
    runs after ``site``, and not at all without Chromium or with --no-fit-check); a bundle
    or student publication packed from such a site gave students buttons that lead to a
    404 (docs/student-path.md)."""
    pages = dict(site)
    for stem in stems:
        page = f"lessons/{stem}.html"
        for label, href in handout_links(stem, instructor):
            if page not in pages or href.removeprefix("../") in site:
                continue
            button = handout_buttons(((label, href),)).encode()
            if button not in pages[page]:  # the button's markup changed: say so, not 404
                raise CourseError(f"links {href} but the site has no such file", path=page,
                                  hint="run `python build.py handouts`, then pack again")
            pages[page] = pages[page].replace(button, b"")
    return pages


def build_handouts(site: Path, stems: list[str], instructor: bool = False) -> list[Path]:
    """Print every lesson's handouts into ``site``/handouts/ (written together, atomically:
    a failure leaves the earlier ones). ``site`` is a built site (``build.py site``; with
    ``instructor``, ``build.py site --instructor``)."""
    if not (site / "index.html").is_file():
        command = "site --instructor" if instructor else "site"
        raise CourseError("no built site to print handouts from", path=site,
                          hint=f"run `python build.py {command}` first")
    missing = browser_missing()
    if missing:
        raise CourseError(f"cannot print the handouts: {missing}", hint=INSTALL_HINT)
    for stem in stems:
        for page in (site / "slides" / f"{stem}.html", site / "lessons" / f"{stem}.html"):
            if not page.is_file():
                raise CourseError("missing from the built site", path=page,
                                  hint="build the site again: it is older than content/")
    pdfs = _print_all(site, stems, instructor)
    return write_atomic({site / HANDOUTS / name: data for name, data in pdfs.items()})


def _print_all(site: Path, stems: list[str], instructor: bool) -> dict[str, bytes]:
    from playwright.sync_api import sync_playwright

    pdfs = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = offline_context(browser, site, device_scale_factor=PIXEL_RATIO)
            for stem in stems:
                deck = open_deck(context, site / "slides" / f"{stem}.html")
                deck.add_style_tag(content=SCREEN_ONLY)
                pdfs[Handout(stem, "slides").name()] = slides_pdf(context, deck)
                if instructor:
                    pdfs[Handout(stem, "instructor").name()] = instructor_pdf(context, deck)
                deck.close()
                pdfs[Handout(stem, "notes").name()] = notes_pdf(context,
                                                                site / "lessons" / f"{stem}.html")
        finally:
            browser.close()
    return {name: stable_pdf(data) for name, data in pdfs.items()}


def photographs(deck, answer: bool) -> list[tuple[bytes, str]]:
    """(PNG, speaker notes HTML) of every slide of the open deck, as fitted on screen."""
    shots = []
    for index in range(deck.evaluate("Reveal.getTotalSlides()")):
        shown = deck.evaluate(SHOW_SLIDE, [index, ALL_FRAGMENTS, answer])
        if shown["fit"] != "ok":  # a page would cut it, as the screen would
            raise CourseError(f"slide {index + 1} does not fit {DECK_WIDTH}×{DECK_HEIGHT}, so "
                              f"it cannot be printed whole", path=shown["source"] or None,
                              line=shown["line"] or None,
                              hint="`python build.py site` (its fit check) says what sticks "
                                   "out; split or shorten the slide")
        shots.append((deck.screenshot(type="png"), shown["notes"]))
    deck.evaluate("Reveal.slide(0, 0, -1)")  # (leaving a slide hides its solution)
    return shots


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def slides_pdf(context, deck) -> bytes:
    """One 16:9 page per slide: the slide exactly as the screen showed it."""
    images = "".join(f'<img src="{_data_uri(png)}" alt="">'
                     for png, _ in photographs(deck, answer=False))
    return _print_html(context, deck.title(), SLIDES_PAGE, images,
                       width=f"{DECK_WIDTH}px", height=f"{DECK_HEIGHT}px")


def instructor_pdf(context, deck) -> bytes:
    """One A4 page per slide: the slide with its solution shown, then its speaker notes."""
    total = deck.evaluate("Reveal.getTotalSlides()")
    pages = "".join(
        f'<section><h2>Slide {number} of {total}</h2><img src="{_data_uri(png)}" alt="">'
        f'<div class="notes">{notes}</div></section>'
        for number, (png, notes) in enumerate(photographs(deck, answer=True), start=1))
    return _print_html(context, deck.title(), INSTRUCTOR_PAGE, pages, format="A4")


def notes_pdf(context, page_path: Path) -> bytes:
    """The notes page, printed as the browser prints it (the theme's print style)."""
    page = context.new_page()
    try:
        page.goto(page_path.resolve().as_uri(), wait_until="load")
        page.evaluate("document.fonts.ready")
        # MathJax typesets after load where the page has math (mkdocs_hooks.py)
        page.evaluate("window.MathJax && MathJax.startup && MathJax.startup.promise")
        # a link into the site would print as this machine's file:// path: only links
        # that work from the paper's reader (the web) stay links
        page.evaluate(UNLINK_LOCAL)
        page.emulate_media(media="print")
        return page.pdf(format="A4", print_background=True,
                        margin={"top": "12mm", "bottom": "12mm", "left": "12mm",
                                "right": "12mm"})
    finally:
        page.close()


def _print_html(context, title: str, style: str, body: str, **size) -> bytes:
    page = context.new_page()
    try:
        page.set_content(f"<!doctype html><html><head><meta charset='utf-8'>"
                         f"<title>{html.escape(title)}</title><style>{style}</style></head>"
                         f"<body>{body}</body></html>",
                         wait_until="load")
        return page.pdf(print_background=True, margin={"top": "0", "bottom": "0",
                                                       "left": "0", "right": "0"}
                        if "width" in size else None, **size)
    finally:
        page.close()


_DATES = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}")
_ID = re.compile(rb"/ID \[<([0-9A-Fa-f]+)> ?<([0-9A-Fa-f]+)>\]")


def stable_pdf(data: bytes) -> bytes:
    """The PDF without what changes from one print to the next: its dates (1980-01-01,
    the bundles' zip date) and its random document id (a hash of the rest). Each
    replacement keeps its length, so the file's byte offsets stay right."""
    data = _DATES.sub(lambda match: b"/" + match.group(1) + b" (D:19800101000000", data)
    digest = hashlib.sha256(_ID.sub(b"", data)).hexdigest().upper().encode()

    def same_id(match: re.Match) -> bytes:
        whole, first, second = match.group(0), match.group(1), match.group(2)
        return (whole.replace(first, digest[:len(first)].ljust(len(first), b"0"), 1)
                .replace(second, digest[:len(second)].ljust(len(second), b"0")))

    return _ID.sub(same_id, data)
