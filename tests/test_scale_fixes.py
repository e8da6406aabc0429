"""The local speed-up the scale benchmark (bench/scale.py) led to keeps its result."""

from __future__ import annotations

import nbformat

from coursekit.source.transforms import _cell


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
