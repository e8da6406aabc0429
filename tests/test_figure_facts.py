"""Figures drawn for slides, and what a verified run records of each (run/figures.py): one
tiny lesson, one kernel."""

from __future__ import annotations

from conftest import lesson_source, make_course
from coursekit.run.figures import FONT_PT, figure_facts
from verify_fixture import build, executed

PLOTS = '''
# %%
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(4, 3))
ax.plot([1, 2, 3])
ax.set_title("default sizes")
plt.show()

# %%
fig, ax = plt.subplots(figsize=(4, 3), dpi=80)
ax.plot([3, 2])
ax.text(0.5, 2.5, "small print", fontsize=6)
plt.show()

# %%
answer = 42  # SOLUTION

# %% tags=["check"]
assert answer == 42, "the answer"
'''


def test_a_verified_figure_uses_the_slide_font_and_records_its_dpi_and_smallest_text(
        tmp_path, capsys):
    root = make_course(tmp_path, {"01_plots": lesson_source(PLOTS)})
    assert build(capsys, root, "notebooks").code == 0
    result = build(capsys, root, "verify")
    assert result.code == 0, result.out + result.err
    nb = executed(root, "01_plots")
    figures = [output for cell in nb.cells if cell.cell_type == "code"
               for output in cell.outputs if "image/png" in output.get("data", {})]
    assert [figure_facts(output) for output in figures] == [
        {"dpi": 100.0, "smallest_text_pt": float(FONT_PT)},  # tick labels at the base font
        {"dpi": 80.0, "smallest_text_pt": 6.0}]              # an explicit fontsize counts
