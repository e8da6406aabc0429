"""The two views of a lesson page (student: no speaker notes, no success under a stub;
instructor: notes, solutions, timing, run details), the parameters line, and speaker
notes as secrets of every student artifact (figure alt text: test_figure_alt.py).
Tiny in-memory notebooks."""

from __future__ import annotations

import dataclasses

import nbformat

from coursekit.publish.deck_view import deck_view
from coursekit.publish.pages import LessonLinks, lesson_page, run_parameters_text
from coursekit.publish.student_view import merge_outputs, notes_notebook
from coursekit.run.verify import Verified
from coursekit.source.leaks import scan_text, secrets_by_stem
from coursekit.source.lesson import load_lessons
from site_fixture import FIXTURE

SQUARES = load_lessons(FIXTURE / "content")[0]
LINKS = LessonLinks(colab="C", notebook="N", slides="S")
NOTE = "Tell the room why the carry is hard."


def code(cell_id, source, *outputs, tags=()):
    cell = nbformat.v4.new_code_cell(source, id=cell_id, metadata={"tags": list(tags)})
    cell.outputs = list(outputs)
    return cell


def out(text):
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def notes_cell():
    return nbformat.v4.new_markdown_cell(NOTE, id="cell-001",
                                         metadata={"slideshow": {"slide_type": "notes"}})


EXERCISE = notebook(code("cell-000", "n = 4", tags=["parameters"]),
                    code("cell-002", "y = ...  # YOUR CODE HERE"),
                    code("cell-003", "print(x)"),
                    code("cell-004", "assert y == 42\nprint('Exercise 1 passed.')", tags=["check"]),
                    code("cell-005", "z = 1"),
                    code("cell-006", "assert z == 1\nprint('ok')", tags=["check"]))
SOLUTION = notebook(code("cell-000", "n = 4", tags=["parameters"]), notes_cell(),
                    code("cell-002", "y = 42"), code("cell-003", "print(x)"),
                    *[cell for cell in EXERCISE.cells[3:]])
EXECUTED = notebook(code("cell-000", "n = 4", tags=["parameters"]),
                    code("papermill-id", "# Parameters\nn = 5\n", tags=["injected-parameters"]),
                    notes_cell(),
                    code("cell-002", "y = 42"), code("cell-003", "print(x)", out("x\n")),
                    code("cell-004", EXERCISE.cells[3].source, out("Exercise 1 passed.\n")),
                    code("cell-005", "z = 1"), code("cell-006", "assert z == 1\nprint('ok')",
                                                    out("ok\n")))


def outputs(nb):
    return {cell.id: "".join(o.text for o in cell.get("outputs", [])) for cell in nb.cells
            if cell.cell_type == "code"}


def test_a_check_after_a_stub_shows_no_success_the_next_check_does():
    view = merge_outputs(EXERCISE, EXECUTED)
    assert outputs(view) == {"cell-000": "", "cell-002": "", "cell-003": "x\n",
                             "cell-004": "", "cell-005": "", "cell-006": "ok\n"}


def test_the_student_page_has_no_speaker_notes_the_instructors_has_them_as_admonitions():
    # an exercise that still has its notes cell (before the transform dropped them)
    with_notes = notebook(*SOLUTION.cells[:2], *EXERCISE.cells[1:])
    student = notes_notebook(with_notes, SOLUTION, EXECUTED, publish_solutions=False)
    assert NOTE not in "".join(cell.source for cell in student.cells)
    instructor = notes_notebook(EXERCISE, SOLUTION, EXECUTED, False, instructor=True)
    notes = [cell for cell in instructor.cells if cell.source == NOTE]
    assert [cell.metadata["coursekit"] for cell in notes] == [{"notes": True}]
    assert [cell.id for cell in instructor.cells][:3] == ["cell-000", "cell-001", "cell-002"]
    assert "cell-002-solution" in [cell.id for cell in instructor.cells]  # solutions too
    page, _ = lesson_page(SQUARES, instructor, LINKS, Verified(None, EXECUTED, True),
                          instructor=True)
    assert f'!!! quote speaker-notes "Speaker notes"\n    \n    {NOTE}' in page


def test_only_the_instructors_deck_has_speaker_notes():
    # even an exercise that still carried the notes cell gives a student deck without it
    assert NOTE not in str(deck_view(notebook(*SOLUTION.cells), SOLUTION, EXECUTED))
    instructor = deck_view(EXERCISE, SOLUTION, EXECUTED, instructor=True)
    assert NOTE in [cell.source for cell in instructor.cells]


def test_the_parameters_line_lists_the_injected_values_and_the_defaults_that_differ():
    run = {"profile": "smoke", "parameters": {"n": 7}}
    text = run_parameters_text(SQUARES, Verified(run, EXECUTED, True))
    assert text == ("These outputs ran with `n = 5`. The parameters cell below shows the "
                    "values your own run uses: `n = 4`.\n{: #run-parameters }")
    without_cell = run_parameters_text(SQUARES, Verified(run, None, True))
    assert without_cell.startswith("These outputs ran with `n = 7`.")  # the report's record


def test_speaker_notes_are_secrets_of_every_student_artifact():
    secrets = secrets_by_stem([SQUARES])["01_squares"]
    notes = [secret for secret in secrets if secret.kind == "speaker note"]
    assert [secret.text for secret in notes] == [
        "Speaker note: remind everyone that squaring doubles the exponent."]
    leak = scan_text(notes, "<p>Speaker note: remind everyone that squaring doubles the "
                            "exponent.</p>", "lessons/01_squares.html")
    assert [str(found) for found in leak] == [
        "lessons/01_squares.html: contains speaker note 'Speaker note: remind everyone that "
        f"squaring doubles the exponent.' ({SQUARES.path}:{notes[0].line})"]


def test_a_data_files_parameter_is_not_listed_as_a_run_setting():
    reads_data = dataclasses.replace(SQUARES, data={"squares.csv": "n"})
    text = run_parameters_text(reads_data, Verified({"profile": "smoke"}, EXECUTED, True))
    assert text.startswith("These outputs ran with the notebook's own parameters.")
