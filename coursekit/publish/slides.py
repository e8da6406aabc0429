"""reveal.js decks: nbconvert's SlidesExporter with a template that needs no network.

reveal.js itself comes from the pinned npm package (``package.json``; ``npm ci`` puts it in
``node_modules/``) and is copied beside the decks, so a deck works at a workshop without
internet. Only the files a deck loads are copied. Math is typeset by the site's MathJax
copy (:mod:`coursekit.mathjax`), one folder up.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbconvert import SlidesExporter
from nbformat import NotebookNode

from ..config import Course
from ..errors import CourseError
from ..source.lesson import Lesson
from .deck_view import lesson_view
from .markdown_config import DeckMarkdown
from .mathjax import DECK_MATHJAX_URL
from .pages import with_json_outputs

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "site_static"
REVEAL_DIR = "reveal.js"  # beside the decks: slides/reveal.js/
# the deck's own layout and timers (site_static/), shipped inside the reveal.js folder
DECK_FILES = ("deck.css", "deck.js")
DECK_WIDTH, DECK_HEIGHT = 1280, 720  # 16:9, what a projector or a shared screen shows
# what a deck loads from the reveal.js package (the white theme imports its local fonts)
REVEAL_FILES = ("dist/reveal.css", "dist/reveal.js", "dist/theme/white.css",
                "plugin/notes/notes.js", "plugin/zoom/zoom.js", "LICENSE")
REVEAL_FONTS = "dist/theme/fonts/source-sans-pro"


def deck_exporter(mkdocs_yml: Path | None = None) -> SlidesExporter:
    """The deck renderer; its Markdown cells render as the course's pages do, with the
    extensions of ``mkdocs_yml`` (default: what ``coursekit init`` writes)."""
    return SlidesExporter(template_name="deck", extra_template_basedirs=[str(TEMPLATES)],
                          filters={"markdown2html": DeckMarkdown(mkdocs_yml)},
                          reveal_url_prefix=REVEAL_DIR, reveal_theme="white",
                          reveal_transition="none", reveal_number="c/t",
                          reveal_width=str(DECK_WIDTH), reveal_height=str(DECK_HEIGHT),
                          mathjax_url=DECK_MATHJAX_URL,
                          exclude_input_prompt=True, exclude_output_prompt=True,
                          config=with_json_outputs())


def lesson_deck(lesson: Lesson, exercise: NotebookNode, solution: NotebookNode,
                executed: NotebookNode | None, *, instructor: bool = False,
                exporter: SlidesExporter | None = None, course: Course | None = None) -> str:
    """A lesson's deck: the student's (``instructor=False``: stubs only, for
    build/site/slides/) or the instructor's (each exercise's solution in the speaker notes,
    and on the screen only by the answer key, ``A``). With ``course``, the deck opens on a
    title slide (course, lesson, presenters, date, a link to the notes page).
    Both load ``reveal.js/`` from beside the deck (:func:`reveal_assets`)."""
    nb = lesson_view(lesson, exercise, solution, executed, instructor=instructor,
                     course=course)
    return render_deck(nb, lesson.title, exporter)


def render_deck(nb: NotebookNode, title: str, exporter: SlidesExporter | None = None) -> str:
    """The deck's HTML. ``nb`` is a deck notebook (:func:`deck_view`).

    A lesson with no slide-marked cell still gets a deck: its title slide.
    """
    nb = nbformat.from_dict(nb)
    nb.metadata["title"] = title
    if not nb.cells:
        cell = nbformat.v4.new_markdown_cell(f"# {title}", id="coursekit-title")
        cell.metadata["slideshow"] = {"slide_type": "slide"}
        nb.cells.append(cell)
    if nb.metadata.get("coursekit", {}).get("deck") == "instructor":
        nb.metadata["title"] = f"{title} · instructor deck"  # the browser tab says so too
    body, _ = (exporter or deck_exporter()).from_notebook_node(nb)
    return body


def reveal_assets(node_modules: Path) -> dict[str, bytes]:
    """Relative path under ``slides/reveal.js/`` → bytes, from the installed npm package."""
    package = node_modules / "reveal.js"
    if not (package / "package.json").is_file():
        raise CourseError("reveal.js is not installed", path=package,
                          hint="run `npm ci` in the course folder (package.json pins it)")
    files = {name: (package / name).read_bytes() for name in REVEAL_FILES}
    for font in sorted((package / REVEAL_FONTS).iterdir()):
        files[f"{REVEAL_FONTS}/{font.name}"] = font.read_bytes()
    for name in DECK_FILES:
        files[f"coursekit/{name}"] = (STATIC / name).read_bytes()
    return files
