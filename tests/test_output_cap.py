"""Bounded outputs (issue 23, item 5): a cell that prints megabytes keeps its share, says
so, and the run, the cache entry and the page stay small; errors always come through."""

from __future__ import annotations

import json

import pytest

from conftest import lesson_source, make_course
from coursekit.run.output_cap import NOTEBOOK_FACTOR, OutputBudget
from verify_fixture import build, executed, runs

HEADER = """\
# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   course:
#     title: A chatty lesson
#     output_limit: 50
#     profiles:
#       smoke:
#         targets:
#           lines: {min: 1}
# ---
"""

CHATTY = """\
# %%
for i in range(40_000):
    print(f"step {i:05d}: loss 0.123456")  # 30 bytes a line: 1.2 MB in all

# %%
print("the next cell still speaks")

# %% tags=["metrics"]
from IPython.display import display
display({"application/json": {"lines": 40_000}}, raw=True)
"""


def test_the_budget_counts_each_cell_and_the_whole_notebook():
    budget = OutputBudget(cell_kb=1)
    assert budget.admit(0, 600) and not budget.admit(0, 600)  # the cell's 1,000 bytes
    assert budget.admit(1, 600)                               # another cell has its own
    assert budget.note(0) is not None and budget.note(0) is None  # one note a cell
    for cell in range(2, NOTEBOOK_FACTOR + 5):
        budget.admit(cell, 900)
    assert budget.total <= 1000 * NOTEBOOK_FACTOR             # the notebook's share


def test_a_probe_leaves_the_cells_own_count_as_it_was():
    budget = OutputBudget(cell_kb=1)
    budget.admit(3, 700)
    before = budget.start(3)
    assert budget.admit(3, 900)  # the probe's run counts afresh
    budget.undo(3, before)
    assert budget.cells[3] == 700 and budget.total == 700


@pytest.fixture
def chatty(tmp_path, capsys):
    root = make_course(tmp_path / "course",
                       {"01_chatty": lesson_source(CHATTY, header=HEADER)})
    assert build(capsys, root, "notebooks").code == 0
    result = build(capsys, root, "verify")
    assert result.code == 0, result.out + result.err
    return root


def test_a_cell_that_prints_megabytes_keeps_its_limit_and_says_so(chatty):
    nb = executed(chatty, "01_chatty")
    # the lesson's own cells (ids cell-NNN), not coursekit's setup cell before them
    loud, next_cell = [c for c in nb.cells
                       if c.cell_type == "code" and c.id.startswith("cell-")][:2]
    kept = sum(len(json.dumps(output)) for output in loud.outputs)
    assert kept < 60_000, kept  # 50 kB and the note, not 1.2 MB
    assert "passed 50 kB" in "".join(o.get("text", "") for o in loud.outputs)
    assert "step 00000" in "".join(o.get("text", "") for o in loud.outputs)
    assert "the next cell still speaks" in next_cell.outputs[0]["text"]
    entry = runs(chatty)[("01_chatty", "smoke", "tensorflow")]
    assert entry["status"] == "passed"
    assert (chatty / "build" / "executed" / "smoke" / "tensorflow" /
            "01_chatty.ipynb").stat().st_size < 200_000


def test_an_error_after_the_limit_still_names_its_line(tmp_path, capsys):
    failing = CHATTY.replace('print("the next cell still speaks")',
                             'print("x" * 200_000)\nraise ValueError("after the flood")')
    root = make_course(tmp_path / "course",
                       {"01_chatty": lesson_source(failing, header=HEADER)})
    assert build(capsys, root, "notebooks").code == 0
    result = build(capsys, root, "verify")
    assert result.code == 1
    assert "ValueError" in result.err + result.out and "after the flood" in result.err + result.out


def test_a_bad_output_limit_names_the_header_line(tmp_path, capsys):
    header = HEADER.replace("output_limit: 50", "output_limit: lots")
    root = make_course(tmp_path / "course", {"01_chatty": lesson_source(CHATTY, header=header)})
    result = build(capsys, root, "notebooks")
    assert result.code == 2
    assert "01_chatty.py:9:" in result.err and "'output_limit' must be a whole number" in result.err
