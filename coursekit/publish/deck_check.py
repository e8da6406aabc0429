"""The fit check: every slide of every deck, laid out for real by headless Chromium.

A deck is opened at 1280×720 (its own size, so one slide pixel is one screen pixel), with
every request outside the built site refused. Each slide is shown, fitted by the deck's
own script (site_static/deck.js) and measured: every element's box must lie inside the
slide's box, no code may be cut at the right edge, no code may be smaller than 20 px on
screen (what the back of a room reads), and no slide may carry more than 130 words of prose
(above 90 is a warning). A slide that fails is a build error naming the lesson file and the
line of the cell that starts the slide (the ``data-source``/``data-line`` of its
``<section>``). Figures large enough to read, no box that cuts its content off, the slide's
furniture clear of its content, and no slide that promises a result without showing it:
deck_legibility.py.

Chromium comes from the Debian package, driven by Playwright (which never downloads a
browser). Without them the build fails (exit 2) on every machine alike, so that no machine
publishes decks another would refuse; ``--no-fit-check`` (or ``COURSEKIT_NO_FIT_CHECK=1``)
skips the check on purpose, and says so.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CourseError
from ..source.slide_room import WORDS_MAX, WORDS_WARN
from .deck_legibility import LEGIBILITY
from .slides import DECK_HEIGHT, DECK_WIDTH

CHROMIUM = Path(os.environ.get("COURSEKIT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SKIP_ENV = "COURSEKIT_NO_FIT_CHECK"  # the --no-fit-check flag, for CI configurations
INSTALL_HINT = ("install Chromium (`apt-get install chromium`, or set COURSEKIT_CHROMIUM to "
                "its path) and Playwright (a dependency of coursekit), or skip the check "
                "on purpose with --no-fit-check")
MIN_CODE_PX = 20
TOLERANCE_PX = 1  # sub-pixel rounding of boxes
TIMEOUT_MS = 30_000
ALL_FRAGMENTS = 1000  # a fragment index past the last: every fragment shown

# Visible words of a slide's prose: text not in code, outputs, math, speaker notes or the
# slide's own furniture (the timer), shown on the screen.
PROSE_WORDS = """
const proseWords = (section) => {
    const notProse = "pre, code, aside.notes, .jp-OutputArea, mjx-container, .ck-timer, "
        + ".ck-solution-label, script, style";
    const walker = document.createTreeWalker(section, NodeFilter.SHOW_TEXT);
    let count = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        if (!el || el.closest(notProse)) continue;
        // displayed, that is: fragments count as shown (the verdict takes the slide with
        // all of them shown; just after Reveal.slide their visibility is mid-transition)
        if (!el.checkVisibility()) continue;
        count += (node.textContent.match(/[\\p{L}\\p{N}]+(?:['\u2019][\\p{L}]+)*/gu) || []).length;
    }
    return count;
};
"""

# Runs in the deck: show slide ``index`` with its fragments up to ``fragment`` (-1: none)
# and, in an instructor's deck, its solution shown or not (``answer``: the answer key),
# fit it, then measure it against the slide box.
MEASURE_SLIDE = """
async ([index, fragment, tolerance, answer]) => {
    /*PROSE_WORDS*/
    /*LEGIBILITY*/
    Reveal.slide(index, 0, fragment);
    const section = Reveal.getCurrentSlide();
    await window.coursekitDeck.showAnswer(section, answer);
    const scale = Reveal.getScale();
    const box = document.querySelector(".reveal .slides").getBoundingClientRect();
    const name = (el) => (el.tagName.toLowerCase()
        + (el.className && typeof el.className === "string"
           ? "." + el.className.trim().split(/\\s+/)[0] : "")
        + ' "' + el.textContent.trim().replace(/\\s+/g, " ").slice(0, 40) + '"');
    const problems = [], out = new Set();
    let minCode = null;
    for (const el of section.querySelectorAll("*")) {
        if (el.closest("aside.notes, mjx-assistive-mml")) continue;
        const style = getComputedStyle(el);
        if (style.display === "none") continue;
        if (el.matches("pre, code")) {
            const px = parseFloat(style.fontSize) * scale;
            minCode = minCode === null ? px : Math.min(minCode, px);
        }
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        const below = r.bottom - box.bottom, right = r.right - box.right;
        const outside = below > tolerance || right > tolerance
            || r.left < box.left - tolerance || r.top < box.top - tolerance;
        if (outside) {
            out.add(el);
            if (!out.has(el.parentElement)) {  // the outermost element says enough
                problems.push(name(el) + " ends " + Math.round(Math.max(below, 0))
                              + " px below and " + Math.round(Math.max(right, 0))
                              + " px right of the slide");
            }
        }
        if (el.tagName === "PRE" && el.scrollWidth > el.clientWidth + tolerance) {
            problems.push(name(el) + " is cut at the right edge");
        }
    }
    problems.push(...legibility(section, index, scale, tolerance, fragment !== -1));
    return {index: index, total: Reveal.getTotalSlides(), source: section.dataset.source || "",
            line: Number(section.dataset.line || 0), exercise: section.dataset.exercise || "",
            fit: section.dataset.fit || "", figures: section.querySelectorAll("img").length,
            problems: problems, minCode: minCode, words: proseWords(section)};
}
""".replace("/*PROSE_WORDS*/", PROSE_WORDS.strip()).replace("/*LEGIBILITY*/", LEGIBILITY.strip())


@dataclass
class SlideFit:
    """One slide as measured."""

    index: int
    source: str
    line: int
    exercise: str
    figures: int
    min_code_px: float | None
    problems: list[str] = field(default_factory=list)
    words: int = 0  # of visible prose, the most any state of the slide shows

    def fits(self) -> bool:
        """The check passes it: inside the slide, code large enough, prose short enough."""
        return not self.problems and not self.small_code() and self.words <= WORDS_MAX

    def small_code(self) -> bool:
        return self.min_code_px is not None and self.min_code_px < MIN_CODE_PX - 0.01


def browser_missing() -> str | None:
    """Why the check cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401  (only needed for this check)
    except ImportError:
        return "the Playwright package is not installed"
    if not CHROMIUM.is_file():
        return f"Chromium is not at {CHROMIUM}"
    return None


def skipped(skip: bool = False) -> bool:
    """The check is skipped on purpose: ``--no-fit-check`` or ``$COURSEKIT_NO_FIT_CHECK``."""
    return skip or os.environ.get(SKIP_ENV, "").lower() not in ("", "0", "false", "no")


def open_deck(context, deck: Path):
    """A page showing ``deck`` (file://), its layout final."""
    page = context.new_page()
    page.goto(deck.resolve().as_uri())
    page.wait_for_function("window.coursekitDeck && window.Reveal && Reveal.isReady()",
                           timeout=TIMEOUT_MS)
    page.evaluate("window.coursekitDeck.ready")
    return page


def measure(page) -> list[SlideFit]:
    """Every slide of the deck open in ``page``, in order, measured with no fragment shown
    and with all of them shown and the solution too (the instructor's answer key)."""
    fits, index, total = [], 0, 1
    while index < total:
        states = [page.evaluate(MEASURE_SLIDE, [index, fragment, TOLERANCE_PX, answer])
                  for fragment, answer in ((-1, False), (ALL_FRAGMENTS, True))]
        first, total = states[0], states[0]["total"]
        codes = [state["minCode"] for state in states if state["minCode"] is not None]
        problems = list(dict.fromkeys(p for state in states for p in state["problems"]))
        fits.append(SlideFit(index, first["source"], first["line"], first["exercise"],
                             max(state["figures"] for state in states),
                             min(codes) if codes else None, problems,
                             max(state["words"] for state in states)))
        index += 1
    page.evaluate("Reveal.slide(0, 0, -1)")  # (leaving a slide hides its solution)
    return fits


def offline_context(browser, root: Path, **options):
    """A 1280×720 browser context that may load files under ``root`` and nothing else;
    ``options``: more of Playwright's context options (the handouts' pixel ratio)."""
    context = browser.new_context(viewport={"width": DECK_WIDTH, "height": DECK_HEIGHT},
                                  **options)
    allowed = root.resolve().as_uri() + "/"

    def gate(route):
        url = route.request.url
        if url.startswith((allowed, "data:", "about:")):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", gate)
    return context


def measure_decks(root: Path, decks: list[Path]) -> dict[Path, list[SlideFit]]:
    """Each deck (under ``root``) → its slides as measured."""
    from playwright.sync_api import sync_playwright

    found = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = offline_context(browser, root)
            for deck in decks:
                page = open_deck(context, deck)
                found[deck] = measure(page)
                page.close()
        finally:
            browser.close()
    return found


def check_decks(project_root: Path, site: Path, decks: list[Path],
                skip: bool = False) -> None:
    """Raise for the first slide that cannot fit, or when no browser is here to measure
    them; ``skip`` (or ``$COURSEKIT_NO_FIT_CHECK``): not checked, on purpose, said so."""
    if skipped(skip):
        print("note: the slides were not checked for fit (--no-fit-check)", file=sys.stderr)
        return
    missing = browser_missing()
    if missing:
        raise CourseError(f"cannot check that the slides fit: {missing}", hint=INSTALL_HINT)
    for deck, slides in measure_decks(site, decks).items():
        for warning in wordy_warnings(deck, slides):
            print(warning, file=sys.stderr)
        for slide in slides:
            if not slide.fits():
                raise unfit_error(project_root, deck, slide)


def wordy_warnings(deck: Path, slides: list[SlideFit]) -> list[str]:
    """A line for each slide with more prose than a room listens to, short of the error."""
    return [f"warning: {slide.source or deck.name}:{slide.line}: slide {slide.index + 1} of "
            f"{deck.name} has {slide.words} words of prose (more than {WORDS_WARN}); move "
            f"some to the notes page (a markdown cell with no slide type) or its speaker notes"
            for slide in slides if WORDS_WARN < slide.words <= WORDS_MAX]


def unfit_error(project_root: Path, deck: Path, slide: SlideFit) -> CourseError:
    problems = list(slide.problems)
    if slide.small_code():
        problems.append(f"code at {slide.min_code_px:.1f} px (at least {MIN_CODE_PX} px)")
    if slide.words > WORDS_MAX:
        problems.append(f"{slide.words} words of prose (at most {WORDS_MAX})")
    where = project_root / slide.source if slide.source else deck
    return CourseError(
        f"slide {slide.index + 1} of {deck.name} does not fit {DECK_WIDTH}×{DECK_HEIGHT}: "
        + "; ".join(problems[:3]), path=where, line=slide.line or None,
        hint="split the slide (start a new one with a `slide` cell), shorten its text or "
             "code, move prose to the notes page (a markdown cell with no slide type) or the "
             "speaker notes (a `notes` cell); a figure too small to read needs a slide of its "
             "own or larger text (fontsize=) or a smaller figsize in its lesson cell")
