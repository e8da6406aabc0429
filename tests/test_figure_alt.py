"""One alt-text rule for notes pages and decks (coursekit/publish/figure_alt.py): the
lesson's caption, else the figure's title however the code sets it, else the heading.
Every case runs through both views, so the two can never drift apart again."""

from __future__ import annotations

import nbformat
import pytest

from conftest import ROOT
from coursekit.config import load_course
from coursekit.publish.deck_view import deck_view, lesson_view
from coursekit.publish.figure_alt import figure_titles
from coursekit.publish.student_view import notes_notebook
from coursekit.source.lesson import load_lessons
from coursekit.source.transforms import exercise_notebook, solution_notebook
from site_fixture import fake_executed

PNG = {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}
HEADING = "## Loss curves"


def page_alt(source: str, caption: str | None = None, heading: str = HEADING) -> str:
    nb = _lesson(source, caption, heading)
    page = notes_notebook(nb, nb, nb, publish_solutions=False)
    return page.cells[-1].metadata["coursekit"]["alt"]


def deck_alt(source: str, caption: str | None = None, heading: str = HEADING) -> str:
    nb = _lesson(source, caption, heading)
    deck = deck_view(nb, nb, nb)
    [alt] = [output.metadata["alt"] for cell in deck.cells if cell.cell_type == "code"
             for output in cell.outputs]
    return alt


def _lesson(source: str, caption: str | None, heading: str) -> nbformat.NotebookNode:
    """A heading slide and an unmarked code cell that draws one figure."""
    text = nbformat.v4.new_markdown_cell(f"{heading}\nWhat the model learns.", id="a",
                                         metadata={"slideshow": {"slide_type": "slide"}})
    plot = nbformat.v4.new_code_cell(source, id="b")
    plot.outputs = [nbformat.v4.new_output("display_data", data=PNG)]
    if caption is not None:
        plot.metadata["caption"] = caption
    nb = nbformat.v4.new_notebook()
    nb.cells = [text, plot]
    return nb


VIEWS = pytest.mark.parametrize("alt_of", [page_alt, deck_alt], ids=["page", "deck"])

FORMS = {
    "plt.title": ('plt.plot(x)\nplt.title("Loss per epoch")', "Loss per epoch"),
    "ax.set_title": ("ax.set_title('Loss per epoch', fontsize=10)", "Loss per epoch"),
    "keyword label": ('ax.set_title(label="Loss per epoch")', "Loss per epoch"),
    "ax.set": ('ax.set(xlabel="epoch", ylabel="loss", title="Loss per epoch", yscale="log")',
               "Loss per epoch"),
    "fig.suptitle": ('fig, ax = plt.subplots()\nfig.suptitle("Loss per epoch")', "Loss per epoch"),
    "f-string": ('ax.set_title(f"Confusion matrix (accuracy {acc:.1%})")',
                 "Confusion matrix (accuracy …)"),
    "two axes": ('a.set(title="Loss")\nb.set_title("Accuracy")', "Loss; Accuracy"),
    "in a loop": ('for ax in axes:\n    ax.set_title("Sample")\nplt.show()', "Sample"),
    "after a magic": ('%matplotlib inline\nplt.title("Loss per epoch")', "Loss per epoch"),
}


@VIEWS
@pytest.mark.parametrize("form", FORMS)
def test_every_way_of_titling_a_figure_names_it(alt_of, form):
    source, title = FORMS[form]
    assert alt_of(source) == f"Figure: {title}"


@VIEWS
def test_the_caption_comes_before_the_title(alt_of):
    alt = alt_of('plt.title("Loss")', caption="Training and validation loss, $\\log$ scale")
    assert alt == "Training and validation loss, log scale"  # TeX would be typeset: words only


@VIEWS
def test_the_figure_title_comes_before_its_axes_titles(alt_of):
    source = 'ax.set_title("first image")\nfig.suptitle("Training images and their labels")'
    assert alt_of(source) == "Figure: Training images and their labels"


@VIEWS
@pytest.mark.parametrize("source", ["plt.plot(x)", 'ax.set_title(f"{name}")',
                                    "ax.set_title(label)", "plt.title(", 'print("title")'])
def test_without_a_written_title_the_heading_names_the_figure(alt_of, source):
    assert alt_of(source) == "Figure: Loss curves"
    assert alt_of(source, heading="### The `fit` loop") == "Figure: The fit loop"


@VIEWS
def test_without_title_or_heading_the_figure_is_only_a_figure(alt_of):
    assert alt_of("plt.plot(x)", heading="No heading here") == "Figure"


def test_titles_come_in_the_order_of_the_code_each_once():
    source = ('for ax in axes:\n    ax.set_title("B")\nax0.set_title("A")\n'
              'ax1.set(title="B")\nplt.title("C")')
    assert figure_titles(source) == ["B", "A", "C"]


def test_a_subslide_without_a_heading_takes_its_sections():
    nb = _lesson("plt.plot(x)", None, HEADING)
    nb.cells[1].metadata["slideshow"] = {"slide_type": "subslide"}
    [alt] = [output.metadata["alt"] for cell in deck_view(nb, nb, nb).cells
             if cell.cell_type == "code" for output in cell.outputs]
    assert alt == "Figure: Loss curves"


@pytest.mark.parametrize("lesson", load_lessons(ROOT / "content"), ids=lambda lesson: lesson.stem)
def test_every_figure_of_the_shipped_lessons_is_named_on_its_page_and_deck(lesson):
    """Stand-in outputs (a figure under every cell that shows a plot), no training: the
    page and the deck name each figure the same way, never as a bare "Figure"."""
    course = load_course(ROOT / "course.yml")
    exercise, solution = exercise_notebook(lesson, course), solution_notebook(lesson, course)
    executed = fake_executed(solution)
    page = {cell.id: cell.metadata["coursekit"]["alt"]
            for cell in notes_notebook(exercise, solution, executed, False).cells
            if any("image/png" in output.get("data", {}) for output in cell.get("outputs", []))}
    deck = {cell.id: output.metadata["alt"]
            for cell in lesson_view(lesson, exercise, solution, executed).cells
            if cell.cell_type == "code" for output in cell.outputs
            if "image/png" in output.get("data", {})}
    assert page and deck
    assert all(alt.startswith("Figure: ") and len(alt) > len("Figure: ") + 3
               for alt in [*page.values(), *deck.values()]), (page, deck)
    # a figure the deck shows without its code is in a copy of the cell (deck_results:
    # '<id>-result<N>' for its later parts): it names the figure as the page does
    assert {ident: page[ident.partition("-result")[0]] for ident in deck} == deck
