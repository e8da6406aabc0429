"""What a deck shows (coursekit/publish/deck_view.py), on tiny notebooks: no kernel, no
browser. The browser side is tests/test_browser_decks.py."""

from __future__ import annotations

import nbformat

from coursekit.publish.deck_view import deck_view, elide_stub, exercise_minutes
from coursekit.publish.student_view import trim_lines

PNG = {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}


def cell(kind, source, slide_type=None, cell_id="c", outputs=None):
    make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
    new = make(source, id=cell_id)
    if slide_type:
        new.metadata["slideshow"] = {"slide_type": slide_type}
    if outputs is not None:
        new.outputs = outputs
    return new


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def slides(nb):
    """The deck notebook as slides: lists of (cell id, slide data) per slide."""
    found = []
    for c in nb.cells:
        if c.metadata["slideshow"]["slide_type"] == "slide":
            found.append([])
        found[-1].append(c.id)
    return found


def starts(nb):
    return [c.metadata["slideshow"].get("data") for c in nb.cells
            if c.metadata["slideshow"]["slide_type"] == "slide"]


def test_subslides_become_slides_each_with_its_file_and_line():
    nb = notebook(cell("markdown", "# One", "slide", "a"),
                  cell("markdown", "## Two", "subslide", "b"),
                  cell("markdown", "more", "fragment", "c"))
    deck = deck_view(nb, nb, None, source="content/01_x.py", lines={"a": 3, "b": 9})
    assert slides(deck) == [["a"], ["b", "c"]]
    assert starts(deck) == [{"source": "content/01_x.py", "line": "3"},
                            {"source": "content/01_x.py", "line": "9"}]


def test_what_the_cells_behind_a_slide_print_and_draw_is_on_it_or_the_next_without_code():
    figure = nbformat.v4.new_output("display_data", data=PNG)
    text = nbformat.v4.new_output("stream", name="stdout", text="the result\n")
    nb = notebook(cell("markdown", "## What the neuron sees\nThe points are test data.", "slide",
                       "a"),
                  cell("code", "plt.plot(x)\nplt.show()", None, "b", [text, figure]),
                  cell("code", "print(1)", None, "c", [text]),
                  cell("code", "plt.show()", "skip", "d", [figure]))
    deck = deck_view(nb, nb, nb, lines={"a": 4, "d": 30})
    # the slide has room for a figure beside a heading and a line; the second goes on
    assert slides(deck) == [["a", "b", "b-result1", "c"], ["d-continued0", "d"]]
    assert all(c.metadata["transient"] == {"remove_source": True} for c in deck.cells[1:4])
    assert [o.output_type for o in deck.cells[2].outputs] == ["display_data"]
    assert deck.cells[2].outputs[0].metadata["alt"] == "Figure: What the neuron sees"
    assert deck.cells[4].source == "### What the neuron sees (continued)"
    assert starts(deck)[1] == {"source": "", "line": "30", "continues": "4"}
    assert starts(deck)[0]["promises"] == "4"  # b's two outputs, c's, d's


def exercise_notebooks(stub_kind=None, task_kind="skip"):
    exercise = notebook(cell("markdown", "## Intro", "slide", "a"),
                        cell("markdown", "## Your turn\nWrite `f`.", task_kind, "b"),
                        cell("code",
                             "def f():\n    # YOUR CODE HERE\n    raise NotImplementedError()",
                             stub_kind, "c"),
                        cell("markdown", "after the exercise", "-", "d"))
    solution = nbformat.from_dict(exercise)
    solution.cells[2].source = "def f():\n    return 42"
    return exercise, solution


def test_an_exercise_gets_a_slide_after_the_current_one_with_task_stub_and_timer():
    exercise, solution = exercise_notebooks()
    deck = deck_view(exercise, solution, None, meta={"exercises": 12})
    # the cell after the exercise still belongs to the slide it follows
    assert slides(deck) == [["a", "d"], ["c-task", "c-task-body", "c", "c-timer"]]
    assert starts(deck)[1]["exercise"] == "1"
    text = "\n".join(c.source for c in deck.cells)
    assert "YOUR CODE HERE" in text and "return 42" not in text
    assert 'data-minutes="12"' in text


def test_the_instructor_deck_swaps_task_and_stub_for_the_solution_and_keeps_the_timer():
    exercise, solution = exercise_notebooks()
    deck = deck_view(exercise, solution, None, instructor=True)
    by_id = {c.id: c for c in deck.cells}
    assert by_id["c-solution"].source == "def f():\n    return 42"
    swaps = {c.id: c.metadata.get("coursekit", {}).get("swap") for c in deck.cells}
    assert swaps["c-solution"] == "in"
    assert swaps["c"] == swaps["c-task-body"] == "out"
    assert swaps["c-task"] is None and swaps["c-timer"] is None  # heading and countdown stay
    # never a fragment: no step of → or Space reaches the solution
    assert all(c.metadata["slideshow"]["slide_type"] != "fragment" for c in deck.cells)
    assert deck.metadata["coursekit"]["deck"] == "instructor"


def test_the_instructor_deck_puts_the_solution_in_the_speaker_notes():
    exercise, solution = exercise_notebooks()
    deck = deck_view(exercise, solution, None, instructor=True)
    notes = [c for c in deck.cells if c.metadata["slideshow"]["slide_type"] == "notes"]
    assert [c.id for c in notes] == ["c-solution-notes"]
    assert slides(deck)[-1][-1] == "c-solution-notes"  # on the exercise's own slide
    assert "```python\ndef f():\n    return 42\n```" in notes[0].source
    assert "press A" in notes[0].source
    student = deck_view(exercise, solution, None)
    assert not any("return 42" in c.source for c in student.cells)
    assert student.metadata["coursekit"]["deck"] == "student"


def test_a_solution_with_a_code_fence_in_it_keeps_its_note_whole():
    exercise, solution = exercise_notebooks()
    solution.cells[2].source = 'def f():\n    return "```"'
    deck = deck_view(exercise, solution, None, instructor=True)
    note = next(c for c in deck.cells if c.id == "c-solution-notes")
    assert '````python\ndef f():\n    return "```"\n````' in note.source


def test_a_stub_under_its_task_slide_joins_it():
    exercise, solution = exercise_notebooks(stub_kind=None, task_kind="slide")
    deck = deck_view(exercise, solution, None)
    assert slides(deck) == [["a"], ["b", "c", "c-timer", "d"]]
    assert starts(deck)[1]["exercise"] == "1"


def test_labelled_blocks_get_a_slide_each_and_are_never_trimmed():
    samples = "".join(f"===== temperature {t} =====\n" + "".join(f"line {n}\n" for n in range(12))
                      for t in ("0.2", "0.6", "1.0"))
    assert trim_lines(samples) == samples
    log = "".join(f"epoch {n}\n" for n in range(60))
    assert "lines trimmed" in trim_lines(log)
    assert trim_lines(log + samples).endswith(samples)
    out = nbformat.v4.new_output("stream", name="stdout", text=samples)
    nb = notebook(cell("markdown", "## Let it write", "slide", "a"),
                  cell("code", "print(samples)", "subslide", "b", [out]))
    deck = deck_view(nb, nb, nb, lines={"b": 20})
    # a heading and a line announce the samples: the cell joins them, no empty slide
    assert slides(deck)[0] == ["a", "b"]
    assert [s[0] for s in slides(deck)] == ["a", "b-label0", "b-label1", "b-label2"]
    labels = [c.source for c in deck.cells if c.id.startswith("b-label")]
    assert labels == ["### temperature 0.2", "### temperature 0.6", "### temperature 1.0"]
    parts = [c.outputs[0].text for c in deck.cells if c.id.startswith("b-part")]
    assert parts[1] == "".join(f"line {n}\n" for n in range(12))
    assert deck.cells[1].outputs == []  # nothing before the first label
    assert {d["line"] for d in starts(deck)[1:]} == {"20"}


def test_two_headings_of_the_same_level_make_two_slides():
    nb = notebook(cell("markdown", "## Summary\n- a\n\n## Going further\n- b", "slide", "a"))
    deck = deck_view(nb, nb, None, lines={"a": 7})
    assert [c.source for c in deck.cells] == ["## Summary\n- a", "## Going further\n- b"]
    assert {d["line"] for d in starts(deck)} == {"7"}


def test_a_box_with_its_heading_inside_stays_one_slide_of_whole_html():
    """A fenced div's box (an imported Carpentries callout) opens with its <div> before
    its heading: cut there, the slide would get an empty box and a stray </div>."""
    box = ('<div class="admonition callout" markdown="1">\n\n## Data\nToo little?\n\n'
           '## More\nAugment it.\n\n</div>')
    deck = deck_view(notebook(cell("markdown", box, "slide", "a")), notebook(), None)
    assert [c.source for c in deck.cells] == [box]
    after = cell("markdown", "<p>x</p>\n## One\na\n## Two\nb", "slide", "b")
    deck = deck_view(notebook(after), notebook(), None)
    assert [c.source for c in deck.cells] == ["<p>x</p>\n## One\na", "## Two\nb"]


def test_a_long_stub_shows_the_function_to_fill_in():
    body = "\n".join(f"        self.w{n} = {n}" for n in range(14))
    stub = cell("code", "class Cell:\n    def __init__(self):\n" + body + "\n\n"
                "    def call(self, x):\n        # YOUR CODE HERE\n"
                "        raise NotImplementedError()\n")
    answer = cell("code", stub.source.replace("        # YOUR CODE HERE\n"
                                              "        raise NotImplementedError()\n",
                                              "        return x + 1\n"))
    elide_stub(stub, answer)
    assert stub.source == ("class Cell:\n    def __init__(self): ...\n    def call(self, x):\n"
                           "        # YOUR CODE HERE\n        raise NotImplementedError()")
    assert answer.source.endswith("    def __init__(self): ...\n    def call(self, x):\n"
                                  "        return x + 1")


def test_exercise_minutes_share_the_headers_total():
    assert exercise_minutes({"exercises": 30}, [None] * 3) == [10, 10, 10]
    assert exercise_minutes({"exercises": 25}, [None] * 4) == [6] * 4
    assert exercise_minutes({}, [None] * 3) == [10] * 3
    assert exercise_minutes({"exercises": "soon"}, [None] * 2) == [10, 10]


def test_an_exercise_with_its_own_minutes_keeps_them_the_others_share_the_rest():
    assert exercise_minutes({"exercises": 16}, [None, 10, None]) == [3, 10, 3]
    assert exercise_minutes({"exercises": 16}, [4, 12]) == [4, 12]
    assert exercise_minutes({}, [7, None]) == [7, 10]


def test_the_deck_timer_shows_the_exercises_own_minutes():
    exercise, solution = exercise_notebooks()
    deck = deck_view(exercise, solution, None, meta={"exercises": 30}, minutes={"c": 4})
    timer = next(c for c in deck.cells if c.id == "c-timer")
    assert 'data-minutes="4"' in timer.source and "4 min" in timer.source


def test_a_heading_shows_the_outputs_of_the_cells_after_it():
    text = nbformat.v4.new_output("stream", name="stdout", text="1,000 questions: 0.98\n")
    nb = notebook(cell("markdown", "## Results", "slide", "a"),
                  cell("code", "print(score)", None, "b", [text]),
                  cell("code", "print(more)", None, "c", [text]))
    deck = deck_view(nb, nb, nb)
    assert slides(deck) == [["a", "b", "c"]]
    assert deck.cells[1].outputs[0].text == "1,000 questions: 0.98\n"
    assert deck.cells[1].metadata["transient"] == {"remove_source": True}
