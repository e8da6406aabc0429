"""Notes pages: the student view of a lesson (stubs + verified outputs) and its Markdown.

Units on tiny in-memory notebooks; golden files for the fixture lessons' whole pages
(tests/fixtures/site/golden/, written only by tests/regen_golden.py).
"""

from __future__ import annotations

import nbformat
import pytest

from coursekit.config import load_course
from coursekit.publish.pages import (
    badge,
    device_text,
    fenced,
    home_page,
    render_notes,
    verification_page,
)
from coursekit.publish.student_view import (
    add_solutions,
    clean_logs,
    merge_outputs,
    resolve_overwrites,
    trim_lines,
)
from coursekit.run.verify import Verified
from coursekit.source.lesson import load_lessons
from golden_files import golden_text
from site_fixture import FIXTURE, GOLDEN, PIXEL, golden_renderings

COURSE = load_course(FIXTURE / "course.yml")
LESSONS = load_lessons(FIXTURE / "content")
SQUARES = LESSONS[0]


def code(cell_id: str, source: str, *outputs) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source, id=cell_id)
    cell.outputs = list(outputs)
    return cell


def stdout(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def notebook(*cells) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


EXERCISE = notebook(nbformat.v4.new_markdown_cell("[![Open In Colab](x)](y)", id="colab-badge"),
                    code("cell-000", "x = 2"),
                    code("cell-001", "y = ...  # YOUR CODE HERE"),
                    code("cell-002", "print(y)"))
SOLUTION = notebook(code("cell-000", "x = 2"), code("cell-001", "y = x * 21"),
                    code("cell-002", "print(y)"))
EXECUTED = notebook(code("cell-000", "x = 2", stdout("set x\n")),
                    code("injected-parameters", "x = 2"),
                    code("cell-001", "y = x * 21", stdout("secret 42\n")),
                    code("cell-002", "print(y)", stdout("42\n")))


def test_outputs_come_only_from_cells_the_student_sees_unchanged():
    view = merge_outputs(EXERCISE, EXECUTED)
    assert [cell.id for cell in view.cells] == ["cell-000", "cell-001", "cell-002"]
    assert [cell.source for cell in view.cells] == ["x = 2", "y = ...  # YOUR CODE HERE",
                                                    "print(y)"]
    assert [[o.text for o in cell.outputs] for cell in view.cells] == [["set x\n"], [], ["42\n"]]
    assert EXERCISE.cells[3].outputs == []  # the input notebook is not changed


def test_a_cell_edited_since_the_verification_loses_its_stale_output():
    edited = merge_outputs(notebook(code("cell-002", "print(y + 1)")), EXECUTED)
    assert edited.cells[0].outputs == []


def test_without_a_verified_run_the_view_has_no_outputs():
    assert all(not cell.outputs for cell in merge_outputs(EXERCISE, None).cells)


def test_published_solutions_follow_their_stub_with_their_verified_output():
    view = add_solutions(merge_outputs(EXERCISE, EXECUTED), SOLUTION, EXECUTED)
    ids = [cell.id for cell in view.cells]
    assert ids == ["cell-000", "cell-001", "cell-001-solution", "cell-002"]
    answer = view.cells[2]
    assert answer.source == "y = x * 21" and answer.metadata == {"coursekit": {"solution": True}}
    assert [o.text for o in answer.outputs] == ["secret 42\n"]


def test_progress_bars_resolve_to_what_a_terminal_shows():
    assert resolve_overwrites("1/3 [=  ]\r2/3 [== ]\r3/3 [===]\n") == "3/3 [===]\n"
    assert resolve_overwrites("loss 0.9\b\b\b0.1\ndone") == "loss 0.1\ndone"
    assert resolve_overwrites("long line\rshort\n") == "shortline\n"  # like a terminal


def test_long_logs_keep_head_and_tail():
    text = "\n".join(f"line {n}" for n in range(1, 101)) + "\n"
    lines = trim_lines(text).split("\n")
    assert lines[:2] == ["line 1", "line 2"] and "line 100" in lines
    assert "… (81 lines trimmed) …" in lines and "line 50" not in lines
    assert trim_lines("a\nb\n") == "a\nb\n"


def test_logs_are_merged_and_lose_their_colour_codes():
    # a colour, a hidden cursor (``?`` parameter) and a hyperlink (OSC) around the text
    colored = stdout("\x1b[?25l\x1b[32mepoch 2\x1b[0m \x1b]8;;https://keras.io\x1b\\docs"
                     "\x1b]8;;\x1b\\\x1b[?25h\n")
    nb = clean_logs(notebook(code("c", "fit()", stdout("epoch 1\r"), colored)))
    assert [o.text for o in nb.cells[0].outputs] == ["epoch 2 docs\n"]


def test_fences_outgrow_backticks_in_the_text():
    assert fenced("a ``` b", "text") == "````text\na ``` b\n````"
    assert fenced("plain\n", "python") == "```python\nplain\n```"


def test_code_is_shown_exactly_as_written():
    source = "def a():\n    pass\n\n\ndef b():\n    return '```'"
    body, _ = render_notes(notebook(code("cell-000", source)), "07_code")
    assert f"````python\n{source}\n````" in body


def test_figures_become_files_beside_the_page():
    figure = nbformat.v4.new_output("display_data", data={"image/png": PIXEL})
    nb = notebook(code("cell-000", "plot()", figure))
    body, figures = render_notes(nb, "07_plots")
    assert "![Figure](07_plots_files/07_plots_0_0.png)" in body
    assert list(figures) == ["07_plots_files/07_plots_0_0.png"]
    assert figures["07_plots_files/07_plots_0_0.png"][:4] == b"\x89PNG"


RUN = {"lesson": "01_squares", "profile": "smoke", "backend": "jax", "status": "passed",
       "date": "2026-02-03", "metrics": {"total": 30.0}, "device": {"gpus": ["NVIDIA H100"]}}


def test_the_badge_says_profile_backend_device_date_and_metrics_against_targets():
    text = badge(SQUARES, Verified(RUN, None, True))
    assert text.startswith('!!! success "Verified: profile smoke · backend jax · NVIDIA H100 · '
                           '2026-02-03"')
    assert "| total | 30 | ≥ 30 |" in text


def test_the_badge_tells_a_failed_a_stale_and_a_missing_verification():
    failed = badge(SQUARES, Verified(dict(RUN, status="failed"), None, False))
    assert failed.startswith('!!! failure "Verification failed: profile smoke')
    assert badge(SQUARES, Verified(RUN, None, False)).startswith(
        '!!! warning "Edited since its verification"')
    assert badge(SQUARES, Verified(None, None)).startswith('!!! warning "Not verified yet"')


def test_devices_are_named_briefly():
    assert device_text({"cpu": "AMD EPYC", "cores": 2, "gpus": []}) == "AMD EPYC (2 cores)"
    assert device_text({"gpus": ["A100", "A100"]}) == "A100, A100"
    assert device_text(None) == "device unknown"


def test_home_page_has_overview_schedule_lessons_setup_and_bundle_download():
    page = home_page(COURSE, LESSONS, "tiny-course-1.0.zip")
    assert page.startswith("# Tiny Fixture Course\n\nTwo small lessons")
    assert 'href="downloads/tiny-course-1.0.zip" download' in page
    assert "- **Ada Example**, Fixture instructor" in page
    assert "| 09:30–09:45 | *Coffee break* | 15 |" in page
    assert ("| [Squares and a plot](lessons/01_squares.md) | Square numbers, check them, and "
            "draw them. | [Slides](slides/01_squares.html) · [Open in Colab](https://colab."
            "research.google.com/github/example-org/tiny-course-student/blob/v1.0/exercises/"
            "01_squares.ipynb) |") in page
    assert "pip install -r requirements.txt" in page


def test_verification_page_lists_every_run():
    checks = {"alternatives": {"passed": 2, "total": 2}, "mistakes": {"caught": 3, "total": 3},
              "unhelpful": 0}
    page = verification_page(LESSONS, [dict(RUN, checks=checks),
                                        dict(RUN, lesson="02_words", status="failed",
                                             metrics={})])
    rows = [line for line in page.split("\n") if line.startswith("| [")]
    assert rows == ["| [Squares and a plot](lessons/01_squares.md) | smoke | jax | passed | "
                    "2/2 alternatives pass, 3/3 mistakes caught | "
                    '<span class="nowrap">total = 30</span> | '
                    '<span class="nowrap">2026-02-03</span> |',
                    "| [Counting words](lessons/02_words.md) | smoke | jax | failed | – | – | "
                    '<span class="nowrap">2026-02-03</span> |']
    assert "All runs: NVIDIA H100." in page  # one device: said once, not in every row


def test_runs_on_different_devices_name_theirs_in_a_column():
    other = dict(RUN, lesson="02_words", device={"cpu": "AMD EPYC", "cores": 2})
    page = verification_page(LESSONS, [RUN, other])
    assert "| Lesson | Profile | Backend | Device | Status | Checks | Metrics | Date |" in page
    assert "| smoke | jax | AMD EPYC (2 cores) | passed |" in page


RENDERINGS = golden_renderings()


@pytest.mark.parametrize("name", sorted(n for n in RENDERINGS if n.endswith(".md")))
def test_notes_page_matches_golden(name):
    assert RENDERINGS[name] == golden_text(GOLDEN / name)


def test_golden_pages_show_stubs_and_never_a_stubs_output():
    page = RENDERINGS["02_words.md"]
    assert "raise NotImplementedError()" in page and "sentence.split()" not in page
    assert "output of cell-002" not in page  # cell-002 is the stub: its output is the answer's
    published = RENDERINGS["02_words.solutions.md"]
    assert '??? success "Solution"' in published and "    words = sentence.split()" in published


def test_formulas_reach_the_notes_page_as_written():
    """Markdown cells pass through verbatim: arithmatex (mkdocs.yml) finds the math."""
    page = RENDERINGS["01_squares.md"]
    assert "The square of $x_i$ is $x_i^2$, and the squares below $n^2$ add up to" in page
    assert "\n$$\n\\begin{aligned}\nx^2 &= x \\cdot x\\\\\n" in page
