"""The two local speed-ups the scale benchmark (bench/scale.py) led to keep their results."""

from __future__ import annotations

import nbformat
from hypothesis import given, strategies as st

from coursekit.source.leaks import normalise, normalise_lines
from coursekit.source.transforms import _cell

# text rich in the whitespace the two versions could treat differently
TEXT = st.text(alphabet=st.sampled_from(list("ab \t\n\r\x0b\x0c\x1c\x85\xa0\u2028\u3000")),
               max_size=40)


@given(TEXT)
def test_whole_text_normalising_equals_the_line_by_line_one(text):
    assert normalise_lines(text) == "\n".join(normalise(line) for line in text.split("\n"))


def test_cells_equal_what_nbformat_makes():
    metadata = {"tags": ["check"], "slideshow": {"slide_type": "slide"}}
    for kind, make in (("code", nbformat.v4.new_code_cell),
                       ("markdown", nbformat.v4.new_markdown_cell)):
        expected = make(source="x = 1", metadata=metadata)
        expected.id = "cell-001"
        made = _cell(kind, "cell-001", "x = 1", metadata)
        assert made == expected
        assert made.metadata is not metadata  # a copy: transforms edit it in place
        nbformat.validate(nbformat.v4.new_notebook(cells=[made]))
