"""Is a code cell Python? The rule the marker parser and the exercise check share.

IPython's line magics (``%timeit``) and shell lines (``!pip``) are not Python; each is
read as ``pass`` at its indentation, so a block holding one still parses. A cell magic
(``%%bash``) makes the whole cell another language: it is not checked.
"""

from __future__ import annotations

import ast

_MAGIC = ("%", "!")


def without_magics(source: str) -> str:
    """``source`` with every magic or shell line replaced by ``pass``, line for line."""
    lines = source.split("\n")
    return "\n".join(line[: len(line) - len(line.lstrip())] + "pass"
                     if line.lstrip().startswith(_MAGIC) else line for line in lines)


def syntax_error(source: str) -> tuple[int, str] | None:
    """(0-based line, message) of the first syntax error in a code cell, or None."""
    if source.lstrip().startswith("%%"):
        return None
    try:
        ast.parse(without_magics(source))
    except SyntaxError as exc:
        return max(0, (exc.lineno or 1) - 1), exc.msg
    return None
