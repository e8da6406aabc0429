"""Where a long solution is cut for the instructor's deck (issue 19 item 8); what a browser
shows of it: tests/test_browser_instructor_deck.py."""

from __future__ import annotations

import ast

import nbformat

from coursekit.publish.deck_view import deck_view
from coursekit.publish.long_solutions import ROOM_PX, room_beside, split_solution
from coursekit.publish.markdown_config import DeckMarkdown
from coursekit.source.slide_room import TEXT_LINE_PX


def code_cell(source: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(source, id="cell-001")


def test_a_short_solution_stays_whole():
    cell = code_cell("def f(x):\n    return x * x")
    assert [part.source for part in split_solution(cell)] == [cell.source]


def test_a_long_function_is_cut_between_its_statements_every_line_once():
    loop = ["    for n in range(3):", "        total += n", "        print(n)"]
    lines = ["def long_answer(x):", "    total = 0", *loop * 12, "    return total"]
    parts = split_solution(code_cell("\n".join(lines)))
    assert len(parts) > 1
    assert "\n".join(part.source for part in parts) == "\n".join(lines)
    for part in parts[1:]:  # each continuation starts with a statement, never inside one
        assert part.source.split("\n")[0].strip().startswith(("for ", "return"))
    assert [part.id for part in parts] == ["cell-001"] + [
        f"cell-001-part{n}" for n in range(1, len(parts))]
    ast.parse("\n".join(lines))  # (the input is a real function)


def test_a_long_numbered_answer_goes_on_counting_on_its_next_slide():
    items = [f"{n}. Reason {n}: a sentence long enough to take most of a line on the slide, "
             f"as real answers do." for n in range(1, 8)]
    parts = split_solution(nbformat.v4.new_markdown_cell("\n".join(items), id="cell-002"))
    assert len(parts) == 2
    html = DeckMarkdown()(parts[1].source)
    first = int(parts[1].source.split('start="')[1].split('"')[0])
    assert html.startswith(f'<ol start="{first}">') and html.count("<li>") == 8 - first
    assert "Reason 7:" in html and "Reason 1:" not in html


def test_only_the_instructors_deck_gets_continuations():
    body = "\n".join(f"    step_{n} = x + {n}" for n in range(40))
    notebooks = []
    for source in ("def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()",
                   f"def f(x):\n{body}\n    return step_39"):
        nb = nbformat.v4.new_notebook()
        task = nbformat.v4.new_markdown_cell("## Task", id="cell-000")
        task.metadata["slideshow"] = {"slide_type": "slide"}
        nb.cells = [task, code_cell(source)]
        notebooks.append(nb)
    student = deck_view(*notebooks, None)
    instructor = deck_view(*notebooks, None, instructor=True)
    assert not [cell for cell in student.cells if "step_" in cell.source]
    continued = [cell for cell in instructor.cells if "continued" in cell.source]
    assert continued and all(cell.metadata["slideshow"]["slide_type"] == "slide"
                             for cell in continued)
    parts = [cell for cell in instructor.cells
             if cell.metadata.get("coursekit", {}).get("swap") == "in"]
    assert len(parts) == len(continued) + 1  # every part hidden until the answer key


def test_a_solution_beside_its_tasks_text_gets_the_room_the_text_leaves():
    task = nbformat.v4.new_markdown_cell("## Task\n\n" + "\n".join(
        f"Line {n} of a task that stays on the slide while the solution is shown."
        for n in range(6)), id="cell-000")
    hidden = code_cell("# YOUR CODE HERE")  # the stub: hidden while the solution shows
    hidden.metadata["coursekit"] = {"swap": "out"}
    assert room_beside([task, hidden]) == ROOM_PX - 6 * TEXT_LINE_PX
    assert room_beside([]) == ROOM_PX
    answer = code_cell("\n".join(f"x_{n} = {n}" for n in range(14)))
    assert len(split_solution(answer)) == 1
    assert len(split_solution(answer, room_beside([task, hidden]))) == 2
