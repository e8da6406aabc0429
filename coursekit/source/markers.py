"""The solution-marker grammar: one cell's source in, its exercise and solution versions out.

The parser is an explicit line-by-line state machine (outside a block / inside a block)
that fails loudly: every malformed case raises :class:`MarkerError` with the line number
inside the cell, which the caller turns into a line of the lesson file.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass, field

from ..errors import MarkerError

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
MARKDOWN_STUB = "YOUR ANSWER HERE"
LINE_STUB_COMMENT = "# YOUR CODE HERE"

_LINE_MARKER = re.compile(r"\s*#\s*SOLUTION\s*$")
_ANY_MARKER = re.compile(r"(BEGIN|END) SOLUTION|#\s*SOLUTION\s*$")


@dataclass
class SplitCell:
    """The two versions of one cell, and what must never reach a student."""

    exercise: str
    solution: str
    #: (line in cell, 0-based; stripped text) of every line hidden from the student
    secrets: list[tuple[int, str]] = field(default_factory=list)
    #: lines visible to the student (used to tell secret lines from shared ones)
    public: list[str] = field(default_factory=list)
    has_stub: bool = False


def _comment_lines(source: str) -> dict[int, int] | None:
    """Map 0-based line → column where a real comment starts, via the tokenizer.

    IPython magics (``%``/``!`` lines) are blanked first so they do not upset the
    tokenizer. Returns None when the cell is not tokenizable Python.
    """
    lines = source.split("\n")
    cleaned = "\n".join("" if l.lstrip().startswith(("%", "!")) else l for l in lines)
    found: dict[int, int] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(cleaned + "\n").readline):
            if tok.type == tokenize.COMMENT:
                found[tok.start[0] - 1] = tok.start[1]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    return found


def _marker_kind(line: str, comment_col: int | None, is_code: bool, lineno: int) -> str | None:
    """Classify one line as 'begin', 'end', 'line' or None; raise on a misplaced marker."""
    if not _ANY_MARKER.search(line):
        return None
    stripped = line.strip()
    if not is_code:
        if stripped == BEGIN:
            return "begin"
        if stripped == END:
            return "end"
        return None
    in_comment = comment_col is not None and (
        BEGIN in line[comment_col:] or END in line[comment_col:]
        or _LINE_MARKER.search(line[comment_col:]))
    if not in_comment:
        if BEGIN in line or END in line or _LINE_MARKER.search(line):
            raise MarkerError("solution marker inside a string literal", line=lineno,
                              hint="markers must be comments; move it out of the string")
        return None
    comment = line[comment_col:].strip()
    if BEGIN in comment or END in comment:
        if line[:comment_col].strip():
            raise MarkerError("block marker must be on a line of its own", line=lineno,
                              hint=f"put '{BEGIN}' / '{END}' alone on the line")
        return "begin" if BEGIN in comment else "end"
    return "line"


def _line_stub(line: str, lineno: int) -> tuple[str, str]:
    """``x = expr  # SOLUTION`` → (``x = ...  # YOUR CODE HERE``, ``x = expr``)."""
    code = _LINE_MARKER.sub("", line).rstrip()
    indent = code[: len(code) - len(code.lstrip())]
    body = code.strip()
    try:
        stmt = ast.parse(body).body
    except SyntaxError:
        stmt = []
    if len(stmt) != 1:
        raise MarkerError("'# SOLUTION' needs one complete statement on its line", line=lineno,
                          hint="wrap longer answers in ### BEGIN SOLUTION / ### END SOLUTION")
    node = stmt[0]
    if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and node.value is not None:
        # ast columns count UTF-8 bytes; the statement is one line, so lineno is 1
        target = body.encode("utf-8")[: node.value.col_offset].decode("utf-8").rstrip()
        return f"{indent}{target} ...  {LINE_STUB_COMMENT}", code
    return f"{indent}...  {LINE_STUB_COMMENT}", code


def _stub(indent: str, is_code: bool) -> list[str]:
    if is_code:
        return [indent + s for s in CODE_STUB]
    return [indent + MARKDOWN_STUB]


def _trim(lines: list[str]) -> str:
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def has_markers(source: str) -> bool:
    return bool(_ANY_MARKER.search(source))


def split_cell(source: str, cell_type: str, solution_tag: bool = False) -> SplitCell:
    """Split one cell. ``solution_tag``: the cell carries ``tags=["solution"]``."""
    is_code = cell_type == "code"
    if solution_tag and not source.strip():
        raise MarkerError("'solution' tag on an empty cell", line=0,
                          hint="write the solution in the cell or remove the tag")
    lines = source.split("\n")
    comments = _comment_lines(source) if is_code else {}
    if comments is None:  # not valid Python: fall back to "the line starts a comment"
        comments = {i: l.index("#") for i, l in enumerate(lines) if l.lstrip().startswith("#")}
    kinds = [_marker_kind(l, comments.get(i), is_code, i) for i, l in enumerate(lines)]
    if solution_tag and not any(kinds):
        return _whole_cell(lines, is_code)
    return _run_machine(lines, kinds, is_code)


def _whole_cell(lines: list[str], is_code: bool) -> SplitCell:
    secrets = [(i, l.strip()) for i, l in enumerate(lines) if l.strip()]
    return SplitCell(exercise="\n".join(_stub("", is_code)), solution=_trim(list(lines)),
                     secrets=secrets, has_stub=True)


def _run_machine(lines: list[str], kinds: list[str | None], is_code: bool) -> SplitCell:
    exercise: list[str] = []
    solution: list[str] = []
    out = SplitCell(exercise="", solution="")
    begin_line: int | None = None  # state: None = outside a block
    indent = ""
    for i, (line, kind) in enumerate(zip(lines, kinds)):
        if begin_line is None:
            if kind == "begin":
                begin_line, indent = i, line[: len(line) - len(line.lstrip())]
            elif kind == "end":
                raise MarkerError(f"'{END}' without a matching '{BEGIN}'", line=i,
                                  hint="remove it or add the BEGIN marker above")
            elif kind == "line":
                stub, answer = _line_stub(line, i)
                exercise.append(stub)
                solution.append(answer)
                out.secrets.append((i, answer.strip()))
                out.has_stub = True
            else:
                exercise.append(line)
                solution.append(line)
                out.public.append(line.strip())
        else:
            if kind == "begin":
                raise MarkerError(f"nested '{BEGIN}' (the block opened on cell line "
                                  f"{begin_line + 1} is still open)", line=i,
                                  hint=f"close the first block with '{END}' first")
            if kind == "end":
                if i == begin_line + 1:
                    raise MarkerError("empty solution block", line=begin_line,
                                      hint="put the solution between the markers")
                exercise.extend(_stub(indent, is_code))
                out.has_stub = True
                begin_line = None
            else:
                answer = _LINE_MARKER.sub("", line).rstrip() if kind == "line" else line
                solution.append(answer)
                if answer.strip():
                    out.secrets.append((i, answer.strip()))
    if begin_line is not None:
        raise MarkerError(f"'{BEGIN}' is never closed", line=begin_line,
                          hint=f"add '{END}' after the solution")
    out.exercise, out.solution = _trim(exercise), _trim(solution)
    return out
