"""What the fit check measures besides fitting: can the room read the slide, and does it
show what it promises (issue 21 items 1, 2 and 4). Each rule is JavaScript run in the deck
by deck_check.MEASURE_SLIDE on the slide as fitted; a broken rule is a problem of that
slide, reported with its lesson file and line.

* **Figures**: a figure is shown at ≥ 90 % of its natural size or fills ≥ 55 % of the
  slide's height, and its smallest text is ≥ 18 px on the screen: the run records the
  figure's dpi and smallest text in points (run/figures.py, as ``data-dpi`` and
  ``data-text-pt`` on the ``<img>``), so text px = pt × dpi / 72 × shown / natural width.
  A figure without those facts (not drawn by matplotlib in a verified run) is held to the
  size rule only.
* **Clipping**: an element that clips its content (``overflow`` not visible) and has
  more content than room (the box that cut a ``)`` off, not the ``<pre>`` inside it).
* **Furniture**: the slide number, the arrows and the exercise timer may not overlap
  the slide's content or each other.
* **Empty promises**: a slide whose cells produce results (``data-promises``, counted by
  deck_view.py) but which shows only a heading and a line or two, and is not followed by
  its continuation (``data-continues``), promises what it does not show.
"""

from __future__ import annotations

MIN_FIGURE_TEXT_PX = 18
MIN_FIGURE_SCALE = 0.9      # of its natural size …
MIN_FIGURE_HEIGHT = 0.55    # … or of the slide's height
SHORT_TEXT_LINES = 2        # a heading and this many lines: nothing shown yet
FURNITURE_GAP_PX = 2        # closer than this counts as touching

LEGIBILITY = """
const legibility = (section, index, scale, tolerance, allShown) => {
    const problems = [];
    // a fragment not shown yet is not on the screen; one just shown may still be fading in
    // (its visibility and opacity are mid-transition): the class says where it is going
    const visible = (el) => el.checkVisibility() && !el.closest(".fragment:not(.visible)");
    const label = (el) => el.tagName.toLowerCase() + ' "'
        + (el.getAttribute("alt") || el.textContent).trim().replace(/\\s+/g, " ").slice(0, 40)
        + '"';
    const height = Reveal.getConfig().height;
    for (const img of section.querySelectorAll("img")) {
        if (!visible(img) || !img.naturalWidth) continue;
        const r = img.getBoundingClientRect();
        // the picture is drawn contained in its box (object-fit), at the smaller ratio
        const shown = Math.min(r.width / img.naturalWidth, r.height / img.naturalHeight) / scale;
        const tall = img.naturalHeight * shown / height;
        const size = Math.round(img.naturalWidth * shown) + "×"
            + Math.round(img.naturalHeight * shown)
            + " of " + img.naturalWidth + "×" + img.naturalHeight + " px";
        if (shown < MIN_SCALE - 0.005 && tall < MIN_HEIGHT - 0.005) {
            problems.push("figure " + label(img) + " is shown at " + Math.round(100 * shown)
                + " % of its size (" + size + "), " + Math.round(100 * tall) + " % of the "
                + "slide's height: at least " + Math.round(100 * MIN_SCALE) + " % or "
                + Math.round(100 * MIN_HEIGHT) + " %");
        }
        const pt = Number(img.dataset.textPt), dpi = Number(img.dataset.dpi);
        const px = pt * dpi / 72 * shown;
        if (pt && dpi && px < MIN_TEXT - 0.05) {
            problems.push("figure " + label(img) + " has text of " + px.toFixed(1)
                + " px (" + pt + " pt at " + dpi + " dpi, shown at " + Math.round(100 * shown)
                + " %): at least " + MIN_TEXT + " px");
        }
    }
    const textBoxes = (root) => {  // where the text inside ``root`` is drawn
        const found = [], walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            if (!node.textContent.trim() || !visible(node.parentElement)) continue;
            const range = document.createRange();
            range.selectNodeContents(node);
            // a glyph box is taller than its line: a fifth of the font may pass the bottom
            const slack = parseFloat(getComputedStyle(node.parentElement).fontSize) / 5;
            found.push(...[...range.getClientRects()].map((r) => ({right: r.right,
                bottom: r.bottom - slack})));
        }
        return found;
    };
    for (const el of section.querySelectorAll("*")) {
        if (el.closest("aside.notes, mjx-assistive-mml") || !visible(el)) continue;
        const style = getComputedStyle(el);
        if (style.overflowX === "visible" && style.overflowY === "visible") continue;
        if (el.scrollWidth <= el.clientWidth + tolerance
            && el.scrollHeight <= el.clientHeight + tolerance) continue;
        // it clips and has more than it shows: is any of its text drawn outside it?
        const box = el.getBoundingClientRect();
        let right = 0, below = 0;
        for (const r of [...textBoxes(el), ...[...el.querySelectorAll("img")]
                         .map((img) => img.getBoundingClientRect())]) {
            right = Math.max(right, r.right - box.right);
            below = Math.max(below, r.bottom - box.bottom);
        }
        if (right > tolerance || below > tolerance) {
            problems.push(label(el) + " cuts its content off: " + Math.round(right)
                + " px at the right, " + Math.round(below) + " px at the bottom");
        }
    }
    // the parts of the furniture that are drawn (the timer's box is as wide as the slide)
    const furniture = [...document.querySelectorAll(".reveal .slide-number, "
        + ".reveal .controls button, .ck-timer-label, .ck-timer-button")]
        .filter((el) => visible(el)
                && (!el.closest("section") || el.closest("section") === section));
    const touch = (a, b) => a.left < b.right + GAP && b.left < a.right + GAP
        && a.top < b.bottom + GAP && b.top < a.bottom + GAP;
    const name = (el) => el.matches(".slide-number") ? "the slide number"
        : el.matches(".controls button") ? "the arrows" : "the exercise timer";
    const boxes = (el) => {
        if (el.matches("img, button, input, svg, mjx-container")) {
            return [el.getBoundingClientRect()];
        }
        const found = [];
        for (const node of el.childNodes) {
            if (node.nodeType !== Node.TEXT_NODE || !node.textContent.trim()) continue;
            const range = document.createRange();
            range.selectNodeContents(node);
            found.push(...range.getClientRects());
        }
        return found;
    };
    for (let i = 0; i < furniture.length; i++) {
        const piece = furniture[i], box = piece.getBoundingClientRect();
        for (const other of furniture.slice(i + 1)) {
            if (name(other) !== name(piece) && touch(box, other.getBoundingClientRect())) {
                problems.push(name(piece) + " touches " + name(other));
            }
        }
        for (const el of section.querySelectorAll("*")) {
            if (el.closest("aside.notes, .ck-timer, mjx-assistive-mml") || !visible(el)) continue;
            if (boxes(el).some((r) => r.width > 0 && touch(box, r))) {
                problems.push(name(piece) + " overlaps " + label(el));
                break;
            }
        }
    }
    const promises = Number(section.dataset.promises || 0);
    const next = Reveal.getSlides()[index + 1];
    const continued = next && next.dataset.continues === section.dataset.line;
    if (allShown && promises && !continued) {
        const shownResult = [...section.querySelectorAll("img, pre, .jp-OutputArea-output, "
            + "table")].some(visible);
        const lines = new Set();
        for (const el of section.querySelectorAll("*")) {
            if (el.closest("h1, h2, h3, h4, aside.notes, .ck-timer") || !visible(el)) continue;
            for (const r of boxes(el)) if (r.height > 0) lines.add(Math.round(r.top));
        }
        if (!shownResult && lines.size <= SHORT_LINES) {
            problems.push("it shows a heading and " + lines.size + " line(s) while its cells "
                + "produce " + promises + " result(s); show them on this slide or the next");
        }
    }
    return problems;
};
""".replace("MIN_SCALE", str(MIN_FIGURE_SCALE)).replace("MIN_HEIGHT", str(MIN_FIGURE_HEIGHT)) \
    .replace("MIN_TEXT", str(MIN_FIGURE_TEXT_PX)).replace("SHORT_LINES", str(SHORT_TEXT_LINES)) \
    .replace("GAP", str(FURNITURE_GAP_PX))
