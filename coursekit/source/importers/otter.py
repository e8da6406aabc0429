"""An otter-grader master notebook (otter's Jupyter assign format) → one lesson.

otter's raw boundary cells (``# BEGIN QUESTION`` … ``# END QUESTION``, ``SOLUTION``,
``TESTS``, ``PROMPT``) and its ``# ASSIGNMENT CONFIG`` cell are read here and leave the
lesson; the cells between them become coursekit's forms, so that the exercise is what
``otter assign`` gives students (tests/test_import_otter.py compares the two):

- code in a solution block keeps its lines and otter's markers (``# SOLUTION``, ``# IGNORE``,
  ``# SEED``, ``# BEGIN PROMPT``…), which the lesson reads as otter does;
- Markdown in a solution block is the answer: the first one becomes a ``solution`` cell
  (a stub for students) when the question is graded by hand and has no prompt of its own,
  as otter adds its response cell then; the others leave the exercise (a NO PROMPT block);
  a cell tagged ``otter_include`` stays in both;
- a prompt block's cells are in both notebooks (they hide no answer);
- a tests block becomes one ``check`` cell: its public tests as assertions, its hidden ones
  in a HIDDEN TESTS block (verify runs them, students never see them);
- a question without tests gets no check: its stubs are declared ``manual`` (``manual:
  true``) or ``open``, so no later question's check is taken for theirs.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml
from nbformat import NotebookNode

from ...errors import CourseError
from ..markers import split_cell
from .common import first_heading, lesson_text, single_notebook, title_from_name

# otter's own patterns (otter/assign/blocks.py): the first line of a raw cell, any case
_BOUNDARY = re.compile(r"#\s+(begin|end)\s+(question|solution|tests|prompt)\s*", re.I)
_CONFIG = re.compile(r"#\s+assignment\s+config\s*", re.I)
_TEST_CONFIG_END = "# END TEST CONFIG"
_CONFIG_HINT = "under '# BEGIN QUESTION', write the question's settings as YAML (name: q1)"
_BLOCKS_HINT = ("each '# BEGIN …' raw cell needs its '# END …', and solution, tests and "
                "prompt blocks sit directly inside a question, as otter assign requires")


def _first_line(cell: NotebookNode) -> str:
    return cell.source.split("\n", 1)[0]


def _boundary(cell: NotebookNode) -> tuple[str, str] | None:
    """("begin"|"end", block kind) of an otter boundary cell, else None."""
    match = _BOUNDARY.match(_first_line(cell)) if cell.cell_type == "raw" else None
    return (match.group(1).lower(), match.group(2).lower()) if match else None


@dataclass
class _Question:
    manual: bool
    prompt: bool = False  # a prompt block came first: otter adds no response cell
    stubbed: bool = False  # the Markdown answer's stub is written
    stubs: list[NotebookNode] = field(default_factory=list)
    tests: list[tuple[str, bool]] = field(default_factory=list)  # (assertion, hidden)


class OtterNotebook:
    name = "an otter-grader master notebook (.ipynb in otter assign's format)"

    def matches(self, paths: Sequence[Path]) -> bool:
        nb = single_notebook(paths)
        return nb is not None and any(_boundary(cell) or (cell.cell_type == "raw" and _CONFIG.match(
            _first_line(cell))) for cell in nb.cells)

    def convert(self, paths: Sequence[Path]) -> str:
        path = paths[0]
        nb = nbformat.read(path, as_version=4)
        nb.cells = _Converter(path).cells(nb.cells)
        title = first_heading(nb) or title_from_name(path)
        return lesson_text(nb, {"title": title})


class _Converter:
    """One walk over the master notebook, a stack of the blocks it is in."""

    def __init__(self, path: Path):
        self.path = path
        self.blocks: list[str] = []
        self.question: _Question | None = None
        self.out: list[NotebookNode] = []
        self.index = 0  # the cell being read, for errors
        self.seed: tuple[str, str, str | None] | None = None

    def cells(self, cells: list[NotebookNode]) -> list[NotebookNode]:
        for index, cell in enumerate(cells):  # outputs are read by tests, never written
            self.index = index
            if cell.cell_type == "raw" and _CONFIG.match(_first_line(cell)):
                self.seed = _seed_config(cell)  # the rest is otter's grading
                continue
            bound = _boundary(cell)
            if bound:
                self._boundary(bound, cell, index)
            else:
                self._content(cell)
        if self.blocks:
            raise self._error(f"'# BEGIN {self.blocks[-1].upper()}' is never closed", None)
        return self.out

    def _error(self, message: str, index: int | None, hint: str = _BLOCKS_HINT) -> CourseError:
        where = f" (cell {index + 1})" if index is not None else ""
        return CourseError(message + where, path=self.path, hint=hint)

    def _boundary(self, bound: tuple[str, str], cell: NotebookNode, index: int) -> None:
        edge, kind = bound
        if edge == "begin":
            # otter's nesting: a question holds solution, tests and prompt blocks, no deeper
            if kind == "question" and self.blocks:
                raise self._error("'# BEGIN QUESTION' inside another block", index)
            if kind != "question" and self.blocks != ["question"]:
                raise self._error(f"'# BEGIN {kind.upper()}' outside a question, or inside "
                                  "another of its blocks", index)
            if kind == "question":
                self.question = _Question(manual=self._manual(cell, index))
            elif kind == "prompt":
                self.question.prompt = True
            self.blocks.append(kind)
            return
        if not self.blocks or self.blocks[-1] != kind:
            raise self._error(f"'# END {kind.upper()}' closes no open block", index)
        self.blocks.pop()
        if kind == "question":
            self._close_question()

    def _manual(self, cell: NotebookNode, index: int) -> bool:
        """The question's ``manual:`` from the YAML under its BEGIN QUESTION line."""
        try:
            config = yaml.safe_load(cell.source.partition("\n")[2]) or {}
        except yaml.YAMLError as error:
            problem = getattr(error, "problem", None) or "unreadable"
            raise self._error(f"the question's configuration is not YAML ({problem})",
                              index, _CONFIG_HINT) from None
        if not isinstance(config, dict):
            raise self._error("the question's configuration is not a mapping", index,
                              _CONFIG_HINT)
        return bool(config.get("manual", False))

    def _close_question(self) -> None:
        """otter's check comes after the question's last cell; a question without tests
        has none, and its stubs are declared so that no later question's check is theirs."""
        question, self.question = self.question, None
        if question.tests:
            self.out.append(_check_cell(question.tests))
        else:
            for cell in question.stubs:
                cell.metadata.setdefault("tags", []).append(
                    "manual" if question.manual else "open")

    def _content(self, cell: NotebookNode) -> None:
        block = self.blocks[-1] if self.blocks else ""
        if block == "tests":
            if cell.cell_type != "code":
                raise self._error(f"a {cell.cell_type} cell in a tests block", self.index,
                                  "a tests block holds code cells only (otter's rule): "
                                  "move the text before '# BEGIN TESTS'")
            self.question.tests.extend(_assertions(cell))
        elif block == "solution" and cell.cell_type == "markdown":
            self._markdown_answer(cell)
        else:
            if self.seed and cell.cell_type == "code":
                cell.source = _seed_lines(cell.source, *self.seed)
            if block == "solution" and _hides_something(cell):
                self.question.stubs.append(cell)
            self.out.append(cell)

    def _markdown_answer(self, cell: NotebookNode) -> None:
        tags = cell.metadata.get("tags", [])
        question = self.question
        if "otter_include" in tags:  # Markdown that students keep; otter drops the tag
            cell.metadata["tags"] = [t for t in tags if t != "otter_include"]
            if not cell.metadata["tags"]:
                del cell.metadata["tags"]
        elif question.manual and not question.prompt and not question.stubbed:
            cell.metadata["tags"] = [*tags, "solution"]
            question.stubbed = True
        else:  # the answer only: otter deletes the cell from the student's notebook
            cell.source = ("<!-- BEGIN SOLUTION NO PROMPT -->\n" + cell.source.strip("\n")
                           + "\n<!-- END SOLUTION -->")
        self.out.append(cell)


def _seed_config(cell: NotebookNode) -> tuple[str, str, str | None] | None:
    """(variable, students' value, autograder's value or None) of the config's ``seed:``
    when it names a variable, else None."""
    try:
        config = yaml.safe_load(cell.source.partition("\n")[2]) or {}
    except yaml.YAMLError:
        return None  # otter's own settings: it reports them, nothing here reads them
    seed = config.get("seed") if isinstance(config, dict) else None
    if not isinstance(seed, dict) or not seed.get("variable"):
        return None
    autograder = seed.get("autograder_value")
    return (str(seed["variable"]), str(seed.get("student_value")),
            None if autograder is None else str(autograder))


def _seed_lines(source: str, variable: str, student: str, autograder: str | None) -> str:
    """otter sets the seed variable to the students' value in their notebook and to the
    autograder's in its own: here the student's line is a prompt and the solution keeps
    the autograder's (or the author's) line."""
    pattern = re.compile(rf"(\s*){re.escape(variable)}\s*(=|<-)\s*(.*)$")
    lines = []
    for line in source.split("\n"):
        match = pattern.match(line)
        indent = match.group(1) if match else ""
        solution = f"{indent}{variable} = {autograder}" if match and autograder else line
        shown = f"{indent}{variable} = {student}"
        if not match or solution.strip() == shown.strip():
            lines.append(line)
            continue
        lines += [f"{solution}  # SOLUTION NO PROMPT", f'{indent}""" # BEGIN PROMPT', shown,
                  f'{indent}"""  # END PROMPT']
    return "\n".join(lines)


def _hides_something(cell: NotebookNode) -> bool:
    if cell.cell_type != "code":
        return False
    split = split_cell(cell.source, "code")
    return split.exercise != split.solution


def _assertions(cell: NotebookNode) -> list[tuple[str, bool]]:
    """One otter test cell as (check code, hidden). otter compares what the test's last
    line shows with what it showed in the master notebook (the cell's saved output)."""
    lines = cell.source.split("\n")
    hidden = False
    ends = [i for i, line in enumerate(lines) if line.rstrip().endswith(_TEST_CONFIG_END)]
    if ends:
        config = yaml.safe_load("\n".join(lines[1:ends[0]])) or {}
        hidden = bool(config.get("hidden", False))
        lines = lines[ends[0] + 1:]
    shown = "".join("".join(o.get("data", {}).get("text/plain", ""))
                    for o in cell.get("outputs", []) if o.get("output_type") == "execute_result")
    body = "\n".join(lines).strip("\n")
    return [(_call_test_functions(_assert_shown(body, shown)), hidden)]


def _call_test_functions(body: str) -> str:
    """A test written as ``def test_…(names):`` is run by otter's exception-based format
    with those names from the notebook; as a doctest (otter's default) it only defines
    the function and passes whatever the answer. The check calls it, as its author does in
    the master notebook (the call marked ``# IGNORE`` there)."""
    try:
        tree = ast.parse(body)
    except SyntaxError:
        return body
    calls = [f"{node.name}({', '.join(a.arg for a in node.args.args)})" for node in tree.body
             if isinstance(node, ast.FunctionDef) and node.name.startswith("test")]
    return "\n".join([body, *calls])


def _assert_shown(body: str, shown: str) -> str:
    """The test's code, its last expression asserted to show ``shown`` (nothing shown:
    the code only has to run)."""
    lines = body.split("\n")
    try:
        last = ast.parse(body).body[-1]
    except (SyntaxError, IndexError):
        return body
    if not shown or not isinstance(last, ast.Expr):
        return body
    start = last.lineno - 1
    expr = "\n".join(lines[start:])
    head = lines[:start]
    if shown == "True":
        test = f"assert {expr}"
    elif shown == "False":
        test = f"assert not ({expr})"
    else:
        test = f"assert repr({expr}) == {shown!r}"
    return "\n".join([*head, test])


def _check_cell(tests: list[tuple[str, bool]]) -> NotebookNode:
    public = [code for code, hidden in tests if not hidden]
    secret = [code for code, hidden in tests if hidden]
    lines = list(public)
    if secret:
        lines += ["### BEGIN HIDDEN TESTS", *secret, "### END HIDDEN TESTS"]
    return nbformat.v4.new_code_cell("\n".join(lines), metadata={"tags": ["check"]})


OTTER = OtterNotebook()
