"""The solution-marker grammar: one cell's source in, its exercise and solution versions out.

Which lines are markers is decided in :mod:`.marker_forms` (every dialect, near misses);
here an explicit line-by-line state machine (outside / in a solution, hidden-tests, prompt
or variant block) builds the two versions. It fails loudly: every malformed case raises
:class:`MarkerError` with the line number inside the cell, which the caller turns into a
line of the lesson file.
"""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass, field

from ..errors import MarkerError
from . import mooc
from .fenced_divs import has_divs, split_divs
from .marker_forms import IGNORE_CELL, Mark, code_mark, markdown_mark
from .syntax import without_magics

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
MARKDOWN_STUB = "YOUR ANSWER HERE"
LINE_STUB_COMMENT = "# YOUR CODE HERE"
_SOLUTION_MARKS = ("begin", "end", "line")
_IGNORE_MARKS = ("ignore", "ignore_begin", "ignore_end")
# the marker word that ends each kind of marked line
_LINE_WORDS = {"line": "SOLUTION", "seed": "SEED", "ignore": "IGNORE"}
# block headers that do not parse on their own, even with a body
_CLAUSES = ("try", "else", "elif", "except", "except*", "finally", "match", "case")


@dataclass(frozen=True)
class Variant:
    """Another answer to a solution block: a correct alternative or a typical mistake."""

    kind: str  # "alternative" | "mistake"
    label: str  # the mistake's description, "" for an alternative
    line: int  # 0-based line of the BEGIN marker in the cell
    solution: str  # the cell's solution version with this body in the block's place


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
    variants: list[Variant] = field(default_factory=list)
    #: otter's '# IGNORE' first line: the cell reaches neither notebook
    ignored: bool = False
    #: the MOOC's 'solution' tag: the cell reaches the solution notebook only
    solution_only: bool = False
    #: how a stub is assessed when no check is declared: "open" for the MOOC's stubs
    unchecked: str = ""
    #: for each line of ``exercise`` / ``solution``, the 0-based cell line it comes from
    #: (a stub: its BEGIN marker), to map a traceback back to the lesson file
    exercise_lines: list[int] = field(default_factory=list)
    solution_lines: list[int] = field(default_factory=list)


def _comment_lines(source: str) -> dict[int, int] | None:
    """Map 0-based line → column where a real comment starts, via the tokenizer.

    IPython magics (``%``/``!`` lines) are read as ``pass`` (syntax.py) so they do not
    upset the tokenizer. Returns None when the cell is not tokenizable Python.
    """
    found: dict[int, int] = {}
    readline = io.StringIO(without_magics(source) + "\n").readline
    try:
        for tok in tokenize.generate_tokens(readline):
            if tok.type == tokenize.COMMENT:
                found[tok.start[0] - 1] = tok.start[1]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    return found


def _marks(lines: list[str], is_code: bool) -> list[Mark | None]:
    if not is_code:
        return [markdown_mark(line, i) for i, line in enumerate(lines)]
    comments = _comment_lines("\n".join(lines))
    if comments is None:  # not valid Python: guess that the first '#' starts a comment
        comments = {i: line.index("#") for i, line in enumerate(lines) if "#" in line}
    return [code_mark(line, comments.get(i), i) for i, line in enumerate(lines)]


def _without_marker(line: str, word: str = "SOLUTION") -> str:
    """The code of a ``# SOLUTION`` (``# SEED``, ``# IGNORE``) line, the marker dropped."""
    return line[: line.rindex("#", 0, line.rindex(word))].rstrip("# \t").rstrip()


def opens_block(code: str) -> bool:
    """Does this one line open an indented block (``if x:``, ``def f():``, ``with …:``)?"""
    body = code.strip()
    if not body.endswith(":"):
        return False
    if body.split()[0].rstrip(":") in _CLAUSES:
        return True
    try:
        ast.parse(body + " pass")
    except SyntaxError:
        return False
    try:  # 'x[1:' + pass is no statement; 'lambda:' alone parses, so is no header
        ast.parse(body)
    except SyntaxError:
        return True
    return False


def _line_stub(line: str, lineno: int) -> tuple[str, str]:
    """``x = expr  # SOLUTION`` → (``x = ...  # YOUR CODE HERE``, ``x = expr``)."""
    code = _without_marker(line)
    indent = code[: len(code) - len(code.lstrip())]
    body = code.strip()
    try:
        stmt = ast.parse(body).body
    except SyntaxError:
        stmt = []
    if len(stmt) != 1:
        header = opens_block(code)
        raise MarkerError("'# SOLUTION' needs one complete statement on its line" +
                          (", not a block header" if header else ""), line=lineno,
                          hint="wrap longer answers in ### BEGIN SOLUTION / ### END SOLUTION" +
                          ("; '# SOLUTION NO PROMPT' hides the header with its block"
                           if header else ""))
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


def split_cell(source: str, cell_type: str, solution_tag: bool = False,
               nbgrader_solution: bool = False, dialect: str = "") -> SplitCell:
    """Split one cell. ``solution_tag``: the cell carries ``tags=["solution"]``;
    ``nbgrader_solution``: nbgrader's metadata makes it a solution cell, which is the
    same except that an empty one still gets its stub (nbgrader gives it one).
    ``dialect``: the lesson's ``markers:`` (``scikit-learn-mooc``), or "" for the rest."""
    if dialect == mooc.DIALECT:
        return _mooc_cell(source, cell_type, solution_tag)
    is_code = cell_type == "code"
    whole = solution_tag or nbgrader_solution
    what = "a cell tagged 'solution'" if solution_tag else "an nbgrader solution cell"
    if solution_tag and not source.strip():
        raise MarkerError("'solution' tag on an empty cell", line=0,
                          hint="write the solution in the cell or remove the tag")
    lines = source.split("\n")
    if IGNORE_CELL.match(lines[0].strip()):
        return _ignored_cell(lines)
    if not is_code and not whole and has_divs(lines):  # the Carpentries' dialect
        return _div_cell(lines)
    marks = _marks(lines, is_code)
    if whole and not any(m and m.kind in _SOLUTION_MARKS for m in marks):
        other = next((i for i, m in enumerate(marks) if m), None)
        if other is not None:
            raise MarkerError(f"{what} with no solution block hides all of itself, so it "
                              "cannot hold other markers", line=other,
                              hint="mark the answer with ### BEGIN SOLUTION / "
                              "### END SOLUTION, or move the other markers to their own cell")
        return _whole_cell(lines, is_code)
    split = _Machine(lines, is_code).run(marks)
    # Markdown that is all answer (otter's deleted solution cells, imported as a NO PROMPT
    # block) leaves the exercise rather than stand there as an empty cell
    split.solution_only = not is_code and not split.exercise.strip() and bool(split.solution)
    return split


def _mooc_cell(source: str, cell_type: str, solution_tag: bool) -> SplitCell:
    """The MOOC's rules (mooc.py); lines before a ``# solution`` line, and cells without
    one, still go through the ordinary markers."""
    lines = source.split("\n")
    if solution_tag:
        return SplitCell(exercise="", solution=source, solution_only=True,
                         secrets=[(i, line.strip()) for i, line in enumerate(lines)
                                  if line.strip()],
                         solution_lines=list(range(len(lines))))
    at = mooc.answer_start(source) if cell_type == "code" else None
    if at is None:
        split = split_cell(source, cell_type)
        if cell_type == "markdown":
            split.exercise = mooc.exercise_title(split.exercise)
        return split
    prefix = lines[:at]
    split = split_cell("\n".join(prefix), cell_type) if prefix else SplitCell("", "")
    # the MOOC keeps the blank lines before its marker; the split trimmed them
    blanks = len(prefix) - len(_trim(list(prefix)).split("\n")) if split.solution \
        else len(prefix)
    shown = split.exercise.split("\n") if split.solution else []
    split.exercise = "\n".join([*shown, *[""] * blanks, mooc.STUB])
    split.exercise_lines = split.exercise_lines[: len(shown)] + \
        list(range(at - blanks, at)) + [at]
    kept = split.solution.split("\n") if split.solution else []
    split.solution = _trim([*kept, *[""] * blanks, *lines[at + 1:]])
    split.solution_lines = (split.solution_lines[: len(kept)] + list(range(at - blanks, at))
                            + list(range(at + 1, len(lines))))
    split.solution_lines = split.solution_lines[: split.solution.count("\n") + 1]
    split.secrets += [(i, line.strip()) for i, line in enumerate(lines[at + 1:], at + 1)
                      if line.strip()]
    split.has_stub, split.unchecked = True, "open"
    return split


def _whole_cell(lines: list[str], is_code: bool) -> SplitCell:
    secrets = [(i, line.strip()) for i, line in enumerate(lines) if line.strip()]
    solution = _trim(list(lines))
    return SplitCell(exercise="\n".join(_stub("", is_code)), solution=solution,
                     secrets=secrets, has_stub=True,
                     exercise_lines=[0] * len(_stub("", is_code)),
                     solution_lines=list(range(solution.count("\n") + 1)))


def _div_cell(lines: list[str]) -> SplitCell:
    found = split_divs(lines)
    exercise, solution = _trim(found.exercise), _trim(found.solution)
    return SplitCell(exercise=exercise, solution=solution, secrets=found.secrets,
                     public=found.public,
                     exercise_lines=found.exercise_lines[: len(found.exercise)],
                     solution_lines=found.solution_lines[: len(found.solution)])


def _ignored_cell(lines: list[str]) -> SplitCell:
    """otter leaves a cell whose first line is ``# IGNORE`` out of both notebooks."""
    return SplitCell(exercise="", solution="", ignored=True,
                     secrets=[(i, line.strip()) for i, line in enumerate(lines[1:], 1)
                              if line.strip()])


@dataclass
class _Open:
    """The block the machine is inside."""

    kind: str  # "begin" | "hidden_begin" | "scheme_begin" | "prompt_begin" | "vbegin"
    line: int
    indent: str
    mark: Mark
    start: int = 0  # where its body begins in the solution lines
    body: list[str] = field(default_factory=list)  # a variant's lines


_NAMES = {"begin": "BEGIN SOLUTION", "hidden_begin": "BEGIN HIDDEN TESTS",
          "scheme_begin": "BEGIN MARK SCHEME",
          "prompt_begin": "BEGIN PROMPT", "vbegin": "BEGIN {variant}"}
_CLOSERS = {"begin": "end", "hidden_begin": "hidden_end", "scheme_begin": "scheme_end",
            "prompt_begin": "prompt_end", "vbegin": "vend"}


def _name(kind: str, mark: Mark) -> str:
    return _NAMES[kind].format(variant=mark.variant.upper())


class _Machine:
    """Outside any block, or inside exactly one (blocks do not nest)."""

    def __init__(self, lines: list[str], is_code: bool):
        self.lines, self.is_code = lines, is_code
        self.exercise: list[str] = []
        self.solution: list[str] = []
        self.ex_map: list[int] = []  # cell line of each exercise / solution line
        self.sol_map: list[int] = []
        self.out = SplitCell(exercise="", solution="")
        self.open: _Open | None = None
        self.last_block: tuple[int, int, str] | None = None  # solution span and indent
        self.pending: list[tuple[_Open, tuple[int, int, str]]] = []
        # a block header marked '# SOLUTION NO PROMPT': (its indent, its line); its body
        # goes with it. Blank lines wait until the next line says whether they belong.
        self.hiding: tuple[str, int] | None = None
        self.blanks: list[int] = []
        self.ignoring: int | None = None  # the line of an open '# BEGIN IGNORE'

    def run(self, marks: list[Mark | None]) -> SplitCell:
        for i, (line, mark) in enumerate(zip(self.lines, marks, strict=False)):
            # otter strips IGNORE lines before it looks at any other marker
            if self.ignoring is not None or mark is not None and mark.kind in _IGNORE_MARKS:
                self._ignore(i, line, mark)
                continue
            if self.hiding is not None and self._hidden_body(i, line, mark):
                continue
            if self.open is None:
                self._outside(i, line, mark)
            else:
                self._inside(i, line, mark)
        self._flush_blanks(self.exercise, self.ex_map)
        if self.ignoring is not None:
            raise MarkerError("'# BEGIN IGNORE' is never closed", line=self.ignoring,
                              hint="add '# END IGNORE' after the lines to leave out")
        if self.open is not None:
            name = _name(self.open.kind, self.open.mark)
            raise MarkerError(f"'{name}' is never closed", line=self.open.line,
                              hint="add the matching END marker after the block")
        self.out.variants = [self._variant(block, span) for block, span in self.pending]
        self.out.exercise, self.out.solution = _trim(self.exercise), _trim(self.solution)
        self.out.exercise_lines = self.ex_map[: len(self.exercise)]
        self.out.solution_lines = self.sol_map[: len(self.solution)]
        return self.out

    def _outside(self, i: int, line: str, mark: Mark | None) -> None:
        if mark is None:
            self._add(self.exercise, self.ex_map, [line], i)
            self._add(self.solution, self.sol_map, [line], i)
            self.out.public.append(line.strip())
        elif mark.kind == "line":
            self._line(i, line, mark)
        elif mark.kind == "seed":  # otter: the solution sets the seed, students do not
            answer = _without_marker(line, "SEED")
            self._add(self.solution, self.sol_map, [answer], i)
            self.out.secrets.append((i, answer.strip()))
        elif mark.kind in _CLOSERS:
            if mark.kind == "vbegin" and self.last_block is None:
                raise MarkerError(f"'BEGIN {mark.variant.upper()}' needs a solution block "
                                  "before it in the same cell", line=i,
                                  hint="put it after the ### END SOLUTION it is a variant of")
            indent = line[: len(line) - len(line.lstrip())]
            self.open = _Open(mark.kind, i, indent, mark, start=len(self.solution))
        else:
            raise MarkerError(f"'{line.strip()}' without a matching BEGIN marker", line=i,
                              hint="remove it or add the BEGIN marker above")

    def _line(self, i: int, line: str, mark: Mark) -> None:
        if mark.no_prompt:  # otter: the line is the answer and nothing stands in its place
            answer = _without_marker(line)
            if not answer.strip():
                raise MarkerError("'# SOLUTION NO PROMPT' needs code on its line", line=i,
                                  hint="put it at the end of the line it hides")
            if opens_block(answer):  # the body is part of the answer (otter kept it)
                self.hiding = (answer[: len(answer) - len(answer.lstrip())], i)
        else:
            stub, answer = _line_stub(line, i)
            self._add(self.exercise, self.ex_map, [stub], i)
            self.out.has_stub = True
        self._add(self.solution, self.sol_map, [answer], i)
        self.out.secrets.append((i, answer.strip()))

    def _ignore(self, i: int, line: str, mark: Mark | None) -> None:
        """otter's IGNORE: the line reaches neither version, and no student may see it."""
        kind = mark.kind if mark is not None else None
        if kind == "ignore_end":
            if self.ignoring is None:
                raise MarkerError("'# END IGNORE' without a matching '# BEGIN IGNORE'",
                                  line=i, hint="remove it or add '# BEGIN IGNORE' above")
            self.ignoring = None
        elif kind == "ignore_begin":  # otter reads a second BEGIN as part of the block
            self.ignoring = i if self.ignoring is None else self.ignoring
        else:
            text = _without_marker(line, "IGNORE") if kind == "ignore" else line
            if text.strip():
                self.out.secrets.append((i, text.strip()))

    def _hidden_body(self, i: int, line: str, mark: Mark | None) -> bool:
        """True when line ``i`` belongs to the body of a hidden block header."""
        indent, header = self.hiding
        if not line.strip():
            self.blanks.append(i)
            return True
        if not line.startswith(indent) or len(line) - len(line.lstrip()) <= len(indent):
            self.hiding = None  # dedented: the block is over, the blanks are shared
            self._flush_blanks(self.exercise, self.ex_map)
            return False
        if mark is not None and mark.kind not in _LINE_WORDS:
            raise MarkerError(f"'{line.strip()}' inside a block hidden by '# SOLUTION NO "
                              f"PROMPT' (cell line {header + 1})", line=i,
                              hint="the whole block is the answer: drop the inner marker")
        self._flush_blanks(None, None)
        answer = _without_marker(line, _LINE_WORDS[mark.kind]) if mark is not None else line
        self._add(self.solution, self.sol_map, [answer], i)
        self.out.secrets.append((i, answer.strip()))
        return True

    def _flush_blanks(self, lines: list[str] | None, origins: list[int] | None) -> None:
        """Pending blank lines go to the solution, and to ``lines`` (the exercise) too
        when they stand between two shown statements."""
        for i in self.blanks:
            self._add(self.solution, self.sol_map, [""], i)
            if lines is not None:
                self._add(lines, origins, [""], i)
        self.blanks = []

    def _inside(self, i: int, line: str, mark: Mark | None) -> None:
        block = self.open
        if mark is not None and mark.kind == _CLOSERS[block.kind]:
            self._close(i, block, mark)
        elif mark is not None and not (block.kind == "begin" and mark.kind in _LINE_WORDS):
            what = "nested" if mark.kind == block.kind else f"'{line.strip()}' inside"
            raise MarkerError(f"{what} '{_name(block.kind, block.mark)}' block (opened on "
                              f"cell line {block.line + 1})", line=i,
                              hint="close the open block first; blocks do not nest")
        elif block.kind == "prompt_begin":  # prompt text: the exercise only
            self._add(self.exercise, self.ex_map, [line], i)
            self.out.public.append(line.strip())
        else:
            answer = _without_marker(line, _LINE_WORDS[mark.kind]) if mark is not None \
                else line
            if block.kind == "vbegin":
                block.body.append(answer)
            else:
                self._add(self.solution, self.sol_map, [answer], i)
            if answer.strip():
                self.out.secrets.append((i, answer.strip()))

    def _close(self, i: int, block: _Open, mark: Mark) -> None:
        self.open = None
        if block.kind == "vbegin":
            if mark.variant != block.mark.variant:
                raise MarkerError(f"'BEGIN {block.mark.variant.upper()}' (cell line "
                                  f"{block.line + 1}) closed by '{mark.variant.upper()}'",
                                  line=i, hint=f"write '### END {block.mark.variant.upper()}'")
            if not any(line.strip() for line in block.body):
                raise MarkerError(f"empty {block.mark.variant} block", line=block.line,
                                  hint="put the variant's code between the markers")
            self.pending.append((block, self.last_block))
        elif block.kind == "begin":
            if not block.mark.no_prompt:  # an empty block still gets its stub (nbgrader)
                self._add(self.exercise, self.ex_map, _stub(block.indent, self.is_code),
                          block.line)
                self.out.has_stub = True
            self.last_block = (block.start, len(self.solution), block.indent)

    @staticmethod
    def _add(lines: list[str], origins: list[int], new: list[str], origin: int) -> None:
        lines.extend(new)
        origins.extend([origin] * len(new))

    def _variant(self, block: _Open, span: tuple[int, int, str]) -> Variant:
        start, end, indent = span
        body = [indent + line[len(block.indent):] if line.startswith(block.indent) else
                indent + line.lstrip() if line.strip() else "" for line in block.body]
        solution = self.solution[:start] + body + self.solution[end:]
        return Variant(kind=block.mark.variant, label=block.mark.label, line=block.line,
                       solution=_trim(solution))
