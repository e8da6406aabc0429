"""Figures first and no empty promises (coursekit/publish/deck_results.py, deck_view.py), on
tiny in-memory notebooks: no kernel, no browser. What the browser measures of them is
tests/test_browser_legibility.py."""

from __future__ import annotations

import nbformat
import pytest

from conftest import lesson_source
from coursekit.errors import CourseError
from coursekit.publish.deck_results import RESULT_LINES
from coursekit.publish.deck_view import deck_view, lesson_view
from coursekit.run.figures import figure_facts
from coursekit.source.lesson import load_lessons
from test_deck_view import PNG, cell, notebook, slides, starts

FIGURE = {"output_type": "display_data", "data": PNG,
          "metadata": {"image/png": {"coursekit": {"dpi": 100.0, "smallest_text_pt": 6.0}}}}


def text(body: str):
    return nbformat.v4.new_output("stream", name="stdout", text=body)


def test_a_slide_shows_its_figure_not_the_plotting_code_unless_the_lesson_asks():
    nb = notebook(cell("markdown", "## A plot", "slide", "a"),
                  cell("code", "plt.plot(x)", "-", "b", [nbformat.from_dict(FIGURE)]),
                  cell("markdown", "## The code too", "slide", "c"),
                  cell("code", "plt.plot(y)", "-", "d", [nbformat.from_dict(FIGURE)]))
    deck = deck_view(nb, nb, nb, code_shown={"d"})
    by_id = {c.id: c for c in deck.cells}
    assert by_id["b"].metadata["transient"] == {"remove_source": True}
    assert "transient" not in by_id["d"].metadata
    # the facts the run recorded reach the template (the fit check's text px)
    assert by_id["b"].outputs[0].metadata["facts"] == {"dpi": 100.0, "smallest_text_pt": 6.0}
    assert figure_facts(FIGURE) == {"dpi": 100.0, "smallest_text_pt": 6.0}
    assert figure_facts({"output_type": "display_data", "data": PNG}) == {}


def test_a_long_result_shows_its_end_on_a_continuation_when_the_slide_is_full():
    prose = "\n".join(["## Training", *(["A line of prose that is long enough to wrap " * 2] * 6)])
    log = "".join(f"epoch {n}\n" for n in range(1, 19))  # short of the notes page's trim
    nb = notebook(cell("markdown", prose, "slide", "a"),
                  cell("code", "model.fit(...)", None, "b", [text(log)]))
    deck = deck_view(nb, nb, nb, lines={"a": 7, "b": 12})
    assert slides(deck) == [["a"], ["b-continued0", "b"]]
    assert deck.cells[1].source == "### Training (continued)"
    assert starts(deck) == [{"source": "", "line": "7", "promises": "1"},
                            {"source": "", "line": "12", "continues": "7"}]
    shown = deck.cells[2].outputs[0].text.splitlines()
    assert shown[0] == f"… {18 - RESULT_LINES} earlier lines: see the notes page"
    assert shown[1:] == [f"epoch {n}" for n in range(19 - RESULT_LINES, 19)]


def test_results_of_skipped_or_notes_only_sections_checks_and_metrics_are_no_promise():
    metrics = nbformat.v4.new_output("display_data",
                                     data={"application/json": {"a": 1}, "text/plain": "{}"})
    warning = nbformat.v4.new_output("stream", name="stderr", text="a warning\n")
    check = cell("code", "assert x", None, "c", [text("Exercise 1 passed.\n")])
    check.metadata["tags"] = ["check"]
    nb = notebook(cell("markdown", "## Shown", "slide", "a"),
                  cell("code", "warn()", None, "b", [warning]), check,
                  cell("code", "report()", None, "d", [metrics]),
                  cell("markdown", "## Aside", "skip", "e"),
                  cell("code", "print(1)", None, "f", [text("1\n")]),
                  cell("markdown", "## Back on a slide", "slide", "g"),
                  cell("markdown", "### For the notes page", None, "h"),
                  cell("code", "print(2)", None, "i", [text("2\n")]))
    deck = deck_view(nb, nb, nb)
    assert slides(deck) == [["a"], ["g"]]
    assert all("promises" not in data for data in starts(deck))


def test_what_the_cells_after_a_stub_print_stays_off_the_exercise_slide():
    exercise = notebook(cell("markdown", "## Your turn\nWrite `f`.", "slide", "a"),
                        cell("code", "def f():\n    # YOUR CODE HERE\n    raise "
                             "NotImplementedError()", None, "b"),
                        cell("code", "print(f())", None, "c", [text("42\n")]))
    solution = nbformat.from_dict(exercise)
    solution.cells[1].source = "def f():\n    return 42"
    deck = deck_view(exercise, solution, solution)
    assert [c.id for c in deck.cells if c.id.startswith("c")] == []


def test_code_on_slide_reaches_the_deck_and_a_bad_value_names_its_line(tmp_path):
    body = """
    # %% [markdown] slideshow={"slide_type": "slide"}
    # ## A plot

    # %% slideshow={"slide_type": "-"} code_on_slide=true
    print("drawn")
    """
    (tmp_path / "01_plot.py").write_text(lesson_source(body), encoding="utf-8")
    lesson = load_lessons(tmp_path)[0]
    assert [c.code_on_slide for c in lesson.cells] == [False, True]
    nb = notebook(cell("markdown", "## A plot", "slide", "cell-000"),
                  cell("code", 'print("drawn")', "-", "cell-001",
                       [nbformat.from_dict(FIGURE)]))
    deck = lesson_view(lesson, nb, nb, nb)
    assert "transient" not in deck.cells[1].metadata  # the code stays
    (tmp_path / "01_plot.py").write_text(
        lesson_source(body.replace("code_on_slide=true", 'code_on_slide="yes"')),
        encoding="utf-8")
    with pytest.raises(CourseError) as caught:
        load_lessons(tmp_path)
    assert "'code_on_slide' must be true or false" in str(caught.value)
    assert caught.value.line == 14  # the cell's marker line
