"""Variant blocks (issue 11's interface): alternatives and typical mistakes of a solution."""

import textwrap

import pytest

from coursekit.errors import MarkerError
from coursekit.source.markers import Variant, split_cell


def src(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


CELL = src("""
    def area(r):
        ### BEGIN SOLUTION
        return 3.14159 * r ** 2
        ### END SOLUTION
        ### BEGIN ALTERNATIVE
        return 3.14159 * r * r
        ### END ALTERNATIVE
        ### BEGIN MISTAKE: uses the diameter
        return 3.14159 * (2 * r) ** 2
        ### END MISTAKE
    print(area(1))
""")


def test_variants_leave_both_versions_and_carry_their_solution():
    cell = split_cell(CELL, "code")
    assert cell.exercise == src("""
        def area(r):
            # YOUR CODE HERE
            raise NotImplementedError()
        print(area(1))
    """)
    assert cell.solution == "def area(r):\n    return 3.14159 * r ** 2\nprint(area(1))"
    assert cell.variants == [
        Variant("alternative", "", 4, "def area(r):\n    return 3.14159 * r * r\nprint(area(1))"),
        Variant("mistake", "uses the diameter", 7,
                "def area(r):\n    return 3.14159 * (2 * r) ** 2\nprint(area(1))"),
    ]
    secrets = [text for _, text in cell.secrets]
    assert "return 3.14159 * r * r" in secrets
    assert "return 3.14159 * (2 * r) ** 2" in secrets


def test_variant_is_reindented_to_the_block_it_replaces():
    cell = split_cell(src("""
        def f(x):
            ### BEGIN SOLUTION
            y = x + 1
            return y
            ### END SOLUTION
        ### BEGIN ALTERNATIVE
        return x + 1
        ### END ALTERNATIVE
    """), "code")
    assert cell.variants[0].solution == "def f(x):\n    return x + 1"


def test_variant_replaces_the_nearest_block_before_it():
    cell = split_cell(src("""
        ### BEGIN SOLUTION
        a = 1
        ### END SOLUTION
        ### BEGIN SOLUTION
        b = 2
        ### END SOLUTION
        ### BEGIN MISTAKE: off by one
        b = 3
        ### END MISTAKE
        print(a, b)
    """), "code")
    assert cell.variants[0].solution == "a = 1\nb = 3\nprint(a, b)"


@pytest.mark.parametrize("source, message, line", [
    ("### BEGIN ALTERNATIVE\nx = 1\n### END ALTERNATIVE", "needs a solution block", 0),
    ("### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n### BEGIN ALTERNATIVE\nx = 2",
     "never closed", 3),
    ("### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n### BEGIN MISTAKE\nx = 2\n"
     "### END MISTAKE", "needs a label", 3),
    ("### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n### BEGIN MISTAKE:  \nx = 2\n"
     "### END MISTAKE", "needs a label", 3),
    ("### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n### BEGIN ALTERNATIVE\n"
     "### END ALTERNATIVE", "empty alternative", 3),
    ("### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n### BEGIN ALTERNATIVE\nx = 2\n"
     "### END MISTAKE", "closed by", 5),
    ("### BEGIN SOLUTION\nx = 1\n### BEGIN ALTERNATIVE\nx = 2\n### END ALTERNATIVE\n"
     "### END SOLUTION", "inside", 2),
    ("### END ALTERNATIVE", "without a matching", 0),
])
def test_malformed_variants_name_the_line(source, message, line):
    with pytest.raises(MarkerError) as info:
        split_cell(source, "code")
    assert message in info.value.message
    assert info.value.line == line


def test_variant_in_markdown_is_an_error():
    with pytest.raises(MarkerError, match="only works in a code cell"):
        split_cell("### BEGIN SOLUTION\nIt overfits.\n### END SOLUTION\n"
                   "### BEGIN ALTERNATIVE\nIt memorises.\n### END ALTERNATIVE", "markdown")


def test_lesson_cells_expose_variants(tmp_path):
    from conftest import lesson_source
    from coursekit.source.lesson import read_lesson

    path = tmp_path / "01_v.py"
    path.write_text(lesson_source("# %%\n" + CELL), encoding="utf-8")
    lesson = read_lesson(path)
    cell = next(c for c in lesson.cells if c.split.variants)
    begin = cell.line + cell.split.variants[1].line
    assert path.read_text().split("\n")[begin - 1].strip() == "### BEGIN MISTAKE: uses the diameter"
