"""The marker grammar, one cell at a time (in-memory sources, no files)."""

import textwrap

import pytest

from coursekit.errors import MarkerError
from coursekit.source.markers import split_cell


def src(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def test_block_in_code_becomes_stub_at_marker_indentation():
    cell = split_cell(src("""
        def area(r):
            pi = 3.14159
            ### BEGIN SOLUTION
            return pi * r ** 2
            ### END SOLUTION
        print(area(1))
    """), "code")
    assert cell.exercise == src("""
        def area(r):
            pi = 3.14159
            # YOUR CODE HERE
            raise NotImplementedError()
        print(area(1))
    """)
    assert cell.solution == src("""
        def area(r):
            pi = 3.14159
            return pi * r ** 2
        print(area(1))
    """)
    assert cell.has_stub
    assert cell.secrets == [(3, "return pi * r ** 2")]


def test_block_in_markdown_becomes_answer_stub():
    cell = split_cell(src("""
        Why does the loss go down?

        ### BEGIN SOLUTION
        Because gradient descent follows the slope.
        ### END SOLUTION
    """), "markdown")
    assert cell.exercise == "Why does the loss go down?\n\nYOUR ANSWER HERE"
    assert "Because gradient descent" in cell.solution
    assert "BEGIN" not in cell.solution


def test_line_marker_keeps_assignment_target():
    cell = split_cell("x_scaled = x / 255.0  # SOLUTION\nprint(x_scaled)", "code")
    assert cell.exercise == "x_scaled = ...  # YOUR CODE HERE\nprint(x_scaled)"
    assert cell.solution == "x_scaled = x / 255.0\nprint(x_scaled)"


@pytest.mark.parametrize("line, stub", [
    ("    a, b = f(x)  # SOLUTION", "    a, b = ...  # YOUR CODE HERE"),
    ("total += step * 2  #SOLUTION", "total += ...  # YOUR CODE HERE"),
    ("size: int = 3 * 4  # SOLUTION", "size: int = ...  # YOUR CODE HERE"),
    ("model.fit(x, y)  # SOLUTION", "...  # YOUR CODE HERE"),
    ("naïve = 'é' + x  # SOLUTION", "naïve = ...  # YOUR CODE HERE"),
])
def test_line_marker_forms(line, stub):
    cell = split_cell(line, "code")
    assert cell.exercise == stub
    assert "SOLUTION" not in cell.solution


def test_solution_tag_replaces_whole_cell():
    cell = split_cell("def f(x):\n    return 2 * x", "code", solution_tag=True)
    assert cell.exercise == "# YOUR CODE HERE\nraise NotImplementedError()"
    assert cell.solution == "def f(x):\n    return 2 * x"


def test_solution_tag_with_markers_replaces_only_the_regions():
    cell = split_cell("import math\n### BEGIN SOLUTION\ny = math.pi\n### END SOLUTION",
                      "code", solution_tag=True)
    assert cell.exercise == "import math\n# YOUR CODE HERE\nraise NotImplementedError()"


def test_markdown_solution_tag():
    cell = split_cell("It overfits.", "markdown", solution_tag=True)
    assert cell.exercise == "YOUR ANSWER HERE"


def test_cell_without_markers_is_unchanged():
    source = "import numpy as np\n# a comment mentioning SOLUTION in passing\nx = 1"
    cell = split_cell(source, "code")
    assert cell.exercise == cell.solution == source
    assert not cell.has_stub


def test_magics_do_not_break_comment_detection():
    cell = split_cell("%matplotlib inline\n!ls\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION",
                      "code")
    assert cell.exercise.endswith("raise NotImplementedError()")


@pytest.mark.parametrize("source, message, line", [
    ("x = 1\n### BEGIN SOLUTION\ny = 2", "never closed", 1),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n### END SOLUTION",
     "nested", 1),
    ("x = 1\n### END SOLUTION", "without a matching", 1),
    ('s = """\n### BEGIN SOLUTION\n"""', "inside a string literal", 1),
    ("s = 'x  # SOLUTION'", None, None),  # a marker-looking string not at line end: fine
    ('t = """\nx = 1  # SOLUTION\n"""', "inside a string literal", 1),
    ("x = 1  ### BEGIN SOLUTION\ny = 2\n### END SOLUTION", "line of its own", 0),
    ("for i in range(3):  # SOLUTION", "complete statement", 0),
])
def test_malformed_markers_name_the_line(source, message, line):
    if message is None:
        assert split_cell(source, "code").exercise == source
        return
    with pytest.raises(MarkerError) as info:
        split_cell(source, "code")
    assert message in info.value.message
    assert info.value.line == line


def test_markdown_unclosed_block():
    with pytest.raises(MarkerError, match="never closed"):
        split_cell("Intro\n### BEGIN SOLUTION\nanswer", "markdown")


def test_solution_tag_on_empty_cell():
    with pytest.raises(MarkerError, match="empty cell"):
        split_cell("  \n", "code", solution_tag=True)
