"""What a lesson's deck shows: the slide-marked cells, and what the lesson shows besides.

The student view of the notes page (:func:`merge_outputs`) is walked once, in order, and
becomes a flat list of slides (no vertical stacks: the right arrow reaches every slide):

* cells marked ``slide``/``subslide`` start a slide, ``-``/``fragment``/``notes`` join it;
* figures first, and no empty promises (deck_results.py): a slide shows the figures its
  cells draw, not their plotting code, and what the cells behind it (unmarked or
  ``skip`` code) print or draw is on it or on the next slide, under the same heading;
* every exercise (a cell whose solution is hidden from students) gets a slide with its
  task (the markdown before it), the stub and a countdown; the instructor's deck adds the
  solution to the speaker notes and, hidden, in the stub's place: never a fragment, so
  → and Space cannot project it; only the deck's answer key (deck.js) shows it. The
  student's deck never has it;
* an output made of labelled blocks (``===== temperature 0.6 =====``) gets one slide per
  block, so each fits and keeps its label.

Every slide's first cell carries the lesson file and line (``data-source``/``data-line``
on its ``<section>``), so the fit check can name where a slide that cannot fit comes from.
"""

from __future__ import annotations

import ast
import copy
import datetime
import html
import re
from dataclasses import dataclass, field

import nbformat
from nbformat import NotebookNode

from ..config import Course
from ..run.figures import figure_facts
from ..source.lesson import Lesson
from ..source.transforms import cell_id, is_speaker_notes, is_unchecked_note
from . import deck_results as results
from .figure_alt import cell_alts
from .long_solutions import continuation, room_beside, split_solution
from .student_view import (
    LABEL,
    clean_logs,
    drop_speaker_notes,
    labelled_blocks,
    merge_outputs,
    with_speaker_notes,
)

STARTS = ("slide", "subslide")
JOINS = ("-", "fragment", "notes")
DEFAULT_EXERCISE_MINUTES = 10  # per exercise, when the lesson header gives no `exercises`
IMAGE_TYPES = results.IMAGE_TYPES
SHORT_LINES = 2  # a heading and this many lines: a slide that shows nothing yet


@dataclass
class Exercise:
    number: int
    minutes: int
    stub: NotebookNode
    answer: NotebookNode


@dataclass
class _Deck:
    """The slides being built: cells in order, and the cell that started the current one."""

    source: str
    lines: dict[str, int]
    cells: list = field(default_factory=list)
    start: NotebookNode | None = None
    # exercise slides wait until the current slide ends: later cells still join it
    waiting: list = field(default_factory=list)

    def add(self, cell: NotebookNode, slide_type: str, line: int | None = None) -> None:
        if slide_type == "slide":
            self.flush()
        self._append(cell, slide_type, line)

    def short(self) -> bool:
        """The current slide is one markdown cell: a heading and a line or two."""
        start = self.start
        if start is None or self.cells[-1] is not start or start.cell_type != "markdown":
            return False
        lines = [line for line in start.source.split("\n") if line.strip()]
        return bool(lines) and lines[0].startswith("#") and len(lines) <= 1 + SHORT_LINES

    def current(self) -> list:
        """The cells of the current slide."""
        if self.start is None:
            return []
        return self.cells[next(n for n in range(len(self.cells) - 1, -1, -1)
                               if self.cells[n] is self.start):]

    def promise(self, count: int) -> None:
        """The current slide's cells produced ``count`` more results (the fit check
        makes sure a slide that shows none of them is followed by its continuation)."""
        if self.start is not None and count:
            data = self.start.metadata["slideshow"]["data"]
            data["promises"] = str(int(data.get("promises", "0")) + count)

    def place(self, cell: NotebookNode, outputs: list) -> None:
        """Results of a cell the deck does not show, without its code: on the current
        slide while they fit beside what it has, else on a continuation of it."""
        for part, chunk in enumerate(results.chunks(outputs)):
            shown = results.shown_cell(cell, chunk, part)
            used = sum(results.lines_of(c) for c in self.current())
            if self.start is None:
                self.add(shown, "slide")
                continue
            figure = results.is_figure(chunk[0])
            if used <= (results.FIGURE_BESIDE if figure
                        else results.SLIDE_LINES - results.lines_of(shown)):
                self.add(shown, "-")
                continue
            of = self.start.metadata["slideshow"]["data"].get("line", "0")
            title = results.heading_of(self.start)
            self._append(results.continuation(title, cell.id, part), "slide",
                         self.lines.get(cell.id))
            self.start.metadata["slideshow"]["data"]["continues"] = of
            self._append(shown, "-", None)

    def later(self, cell: NotebookNode, slide_type: str, line: int | None = None) -> None:
        """Add ``cell`` once the current slide is over (now, if no slide started yet)."""
        if self.start is None:
            self._append(cell, slide_type, line)
        else:
            self.waiting.append((cell, slide_type, line))

    def flush(self) -> None:
        waiting, self.waiting = self.waiting, []
        for cell, slide_type, line in waiting:
            self._append(cell, slide_type, line)

    def _append(self, cell: NotebookNode, slide_type: str, line: int | None) -> None:
        cell.metadata["slideshow"] = {"slide_type": slide_type}
        if slide_type == "slide":
            where = line or self.lines.get(cell.get("id"), 0)
            data = {"source": self.source, "line": str(where)}
            if cell.metadata.get("coursekit", {}).get("exercise"):
                data["exercise"] = str(cell.metadata["coursekit"]["exercise"])
            cell.metadata["slideshow"]["data"] = data
            self.start = cell
        self.cells.append(cell)


def lesson_view(lesson: Lesson, exercise: NotebookNode, solution: NotebookNode,
                executed: NotebookNode | None, *, instructor: bool = False,
                course: Course | None = None) -> NotebookNode:
    """:func:`deck_view` of a lesson: its file, lines and exercise minutes; with ``course``,
    a title slide first (:func:`title_slide`)."""
    source = f"{lesson.path.parent.name}/{lesson.path.name}"
    nb = deck_view(exercise, solution, executed, instructor=instructor, source=source,
                   lines={cell_id(cell.index): cell.line for cell in lesson.cells},
                   meta=lesson.meta,
                   minutes={cell_id(cell.index): cell.minutes for cell in lesson.cells
                            if cell.minutes is not None},
                   code_shown={cell_id(cell.index) for cell in lesson.cells
                               if cell.code_on_slide})
    if course is not None:
        title = title_slide(course, lesson)
        title.metadata["slideshow"] = {"slide_type": "slide", "data": {
            "source": source, "line": str(lesson.key_lines.get("title") or 1)}}
        nb.cells.insert(0, title)
    return nb


def title_slide(course: Course, lesson: Lesson) -> NotebookNode:
    """The course, the lesson, who presents it and when (``course.yml``), and a link to
    the lesson's notes page (``lessons/`` beside ``slides/``, on the site and in the
    bundle)."""
    byline = ", ".join(person["name"] for person in course.instructors)
    day = course.schedule.date if course.schedule else ""
    if day:
        when = datetime.date.fromisoformat(day)
        byline = " · ".join(part for part in (byline, f"{when.day} {when:%B %Y}") if part)
    parts = [f'<p class="ck-deck-course">{html.escape(course.title)}</p>',
             f"# {lesson.title}"]
    if byline:
        parts.append(f'<p class="ck-deck-byline">{html.escape(byline)}</p>')
    parts.append(f'<p class="ck-deck-notes"><a href="../lessons/{lesson.stem}.html">'
                 f"The notes page of this lesson</a></p>")
    return nbformat.v4.new_markdown_cell("\n\n".join(parts), id="coursekit-title")


def deck_view(exercise: NotebookNode, solution: NotebookNode, executed: NotebookNode | None,
              *, instructor: bool = False, source: str = "", lines: dict | None = None,
              meta: dict | None = None, minutes: dict | None = None,
              code_shown: set | None = None) -> NotebookNode:
    """The notebook :func:`render_deck` turns into slides. ``source`` names the lesson file
    and ``lines`` each cell's line (by cell id) in the slides' data attributes; ``meta`` is
    the lesson header (its ``exercises`` minutes), ``minutes`` the exercises' own (by cell
    id); ``code_shown``: ids of the cells whose figures keep their code on the slide."""
    # the instructor's deck carries the speaker notes (reveal.js' speaker view shows them)
    base = with_speaker_notes(exercise, solution) if instructor else drop_speaker_notes(exercise)
    nb = clean_logs(merge_outputs(base, executed))
    answers = {cell.get("id"): cell for cell in solution.cells}
    deck = _Deck(source, lines or {})
    stubs = [cell for cell in nb.cells if _hides_solution(cell, answers)]
    timers = exercise_minutes(meta or {}, [(minutes or {}).get(stub.id) for stub in stubs])
    task: NotebookNode | None = None  # the last markdown cell since the last exercise
    shown = False  # the cells are behind a slide of the deck (not a skipped section)
    for cell in nb.cells:
        if is_unchecked_note(cell):
            continue  # "no automatic check" is for pages: on a slide it would pose as a task
        kind = cell.metadata.get("slideshow", {}).get("slide_type")
        shown = _behind_slide(cell, kind, shown)
        if _hides_solution(cell, answers):
            number = stubs.index(cell) + 1
            exercise_ = Exercise(number, timers[number - 1], cell, answers[cell.id])
            _add_exercise(deck, exercise_, kind, task, instructor)
            # what the cells after a stub print is what students are to produce: the
            # exercise slide shows the task, not the answer's results
            task, shown = None, False
            continue
        if cell.cell_type == "markdown" and not is_speaker_notes(cell):
            task = cell
        if cell.metadata.get("jupyter", {}).get("source_hidden"):
            cell.metadata["transient"] = {"remove_source": True}  # the author hid the code
        results.figures_first(cell, code_shown or set())
        _lay_out(deck, cell, kind, shown)
    deck.flush()
    out = copy.deepcopy(nb)
    out.cells = deck.cells
    out.metadata["coursekit"] = {"deck": "instructor" if instructor else "student"}
    _describe_figures(out.cells)
    return out


def _behind_slide(cell: NotebookNode, kind: str | None, shown: bool) -> bool:
    """Whether the cells from ``cell`` on are behind a slide: a slide-marked cell opens
    one, a skipped or unmarked Markdown heading starts a section the deck leaves to the
    notes page (its results must not reach the slide before it)."""
    if kind in STARTS + JOINS and not is_speaker_notes(cell):
        return True
    if cell.cell_type == "markdown" and (kind == "skip" or (
            kind is None and cell.source.lstrip().startswith("#"))):
        return False
    return shown


def _lay_out(deck: _Deck, cell: NotebookNode, kind: str | None, shown: bool) -> None:
    """``cell`` onto the deck by its slide type; the results of a cell the deck does not
    show go on the slide they belong to, while ``shown``."""
    if kind == "subslide" and cell.cell_type == "code" and deck.short():
        kind = "-"  # a heading and a line announce this cell: it joins them
    if kind in STARTS and cell.cell_type == "markdown":
        for part in split_headings(cell):
            deck.add(part, "slide", deck.lines.get(cell.id))
    elif kind in STARTS:
        deck.add(cell, "slide")
    elif kind in JOINS and deck.start is not None:
        deck.add(cell, kind)
    elif kind in JOINS:
        deck.add(cell, "slide")  # nothing to join yet: it opens the deck
    if kind in (None, "skip") and shown and results.results(cell):
        deck.promise(len(results.results(cell)))  # counted on the slide they belong to
        deck.place(cell, results.results(cell))
    elif kind in STARTS + JOINS and shown:
        deck.promise(len(results.results(cell)))
    if kind in STARTS + JOINS and cell.cell_type == "code":
        _split_labelled(deck, cell)


def exercise_minutes(meta: dict, stated: list[int | None]) -> list[int]:
    """Minutes of each exercise: its own (``stated``, None where it gives none), else a
    share of what the header's ``exercises`` minutes leave, else a default."""
    total = meta.get("exercises") if isinstance(meta, dict) else None
    shared = [n for n in stated if n is None]
    if not shared:
        return list(stated)
    if not isinstance(total, (int, float)) or isinstance(total, bool) or total <= 0:
        share = DEFAULT_EXERCISE_MINUTES
    else:
        share = max(1, round((total - sum(n for n in stated if n is not None)) / len(shared)))
    return [share if n is None else n for n in stated]


def _hides_solution(cell: NotebookNode, answers: dict) -> bool:
    answer = answers.get(cell.get("id"))
    return answer is not None and answer.source != cell.source


def _add_exercise(deck: _Deck, exercise: Exercise, kind: str | None,
                  task: NotebookNode | None, instructor: bool) -> None:
    """The stub on the slide of its task; on a slide of its own, after the current one,
    when the task is not the current slide's start (it was skipped, or other slides came
    in between)."""
    stub, answer = exercise.stub, _solution(exercise)
    elide_stub(stub, answer)
    if instructor:  # the answer key shows the solution in the stub's place (deck.css)
        stub.metadata["coursekit"] = {"swap": "out"}
        answer.metadata["coursekit"] = {"swap": "in"}
    line = deck.lines.get(stub.id)
    joins = kind not in STARTS and task is not None and task is deck.start
    if joins:
        add = deck.add
        add(stub, "-", line)
        deck.start.metadata["slideshow"]["data"]["exercise"] = str(exercise.number)
    else:
        add = deck.add if kind in STARTS else deck.later
        body = None
        if task is not None and kind not in STARTS:
            heading, body = _task_cells(task, stub.id)
        else:
            heading = nbformat.v4.new_markdown_cell(f"## Exercise {exercise.number}",
                                                    id=f"{stub.id}-task")
        heading.metadata["coursekit"] = {"exercise": exercise.number}
        add(heading, "slide", line)
        if body is not None:
            if instructor:  # the solution needs the room: the task steps aside
                body.metadata["coursekit"] = {"swap": "out"}
            add(body, "-", line)
        add(stub, "-", line)
    # a solution too long for the slide goes on over the next ones (long_solutions.py)
    # (beside what the task's slide keeps showing when the stub joined it)
    parts = split_solution(answer, room_beside(deck.current() if joins else [])) \
        if instructor else []
    if instructor:  # hidden until the answer key; the countdown stays beside it
        add(parts[0], "-", line)
    add(_timer(exercise), "-", line)
    if instructor:  # what the presenter reads in the speaker view, never the room
        add(_answer_notes(exercise, answer), "notes", line)
    for number, part in enumerate(parts[1:], start=1):  # after the exercise's slide
        deck.later(continuation(exercise.number, number, exercise.stub.id), "slide", line)
        deck.later(part, "-", line)


def _task_cells(task: NotebookNode, stub_id: str) -> tuple[NotebookNode, NotebookNode | None]:
    """A copy of the task for the exercise's own slide: its heading, and the rest."""
    lines = task.source.split("\n")
    first = next((n for n, line in enumerate(lines) if line.startswith("#")), None)
    heading = copy.deepcopy(task)
    heading.id, heading.metadata = f"{stub_id}-task", {}
    if first is None:
        return heading, None
    heading.source = "\n".join(lines[:first + 1])
    rest = "\n".join(lines[first + 1:]).strip("\n")
    if not rest:
        return heading, None
    body = nbformat.v4.new_markdown_cell(rest, id=f"{stub_id}-task-body")
    return heading, body


def _timer(exercise: Exercise) -> NotebookNode:
    """A countdown the instructor starts (site_static/deck.js makes it tick)."""
    html = (f'<div class="ck-timer" data-minutes="{exercise.minutes}">'
            f'<span class="ck-timer-label">Exercise {exercise.number} · '
            f'{exercise.minutes} min</span> '
            f'<button type="button" class="ck-timer-button">Start '
            f'<span class="ck-timer-clock" role="timer">{exercise.minutes}:00</span></button>'
            f'</div>')
    return nbformat.v4.new_markdown_cell(html, id=f"{exercise.stub.id}-timer")


ANSWER_KEY = "A"  # deck.js binds it; the speaker notes name it


def _answer_notes(exercise: Exercise, answer: NotebookNode) -> NotebookNode:
    """The solution as a speaker note: shown to the presenter, never on the main screen."""
    text = answer.source
    if answer.cell_type == "code":  # a fence longer than any backtick run in the code
        fence = "`" * max([3] + [len(run) + 1 for run in re.findall("`+", text)])
        text = f"{fence}python\n{text}\n{fence}"
    head = (f"**Solution to exercise {exercise.number}** (press {ANSWER_KEY} to show it "
            f"on the screen)")
    return nbformat.v4.new_markdown_cell(f"{head}\n\n{text}",
                                         id=f"{exercise.stub.id}-solution-notes")


def _solution(exercise: Exercise) -> NotebookNode:
    answer = copy.deepcopy(exercise.answer)
    answer.id = f"{exercise.stub.id}-solution"
    answer.metadata = {}
    if answer.cell_type == "code":
        answer.outputs, answer.execution_count = [], None
    return answer


def _split_labelled(deck: _Deck, cell: NotebookNode) -> None:
    """An output of several labelled blocks keeps what comes before the first label;
    each block follows on a slide of its own, label first."""
    for output in cell.get("outputs", []):
        if output.get("output_type") != "stream":
            continue
        blocks = labelled_blocks(output.text)
        head = blocks.pop(0)[1] if blocks[0][0] is None else ""
        if len(blocks) < 2:
            continue
        output.text = head
        line = deck.lines.get(cell.id)
        for number, (label, body) in enumerate(blocks):
            title = LABEL.match(label).group(2)
            heading = nbformat.v4.new_markdown_cell(f"### {title}", id=f"{cell.id}-label{number}")
            deck.add(heading, "slide", line)
            part = nbformat.v4.new_code_cell(cell.source, id=f"{cell.id}-part{number}")
            part.outputs = [nbformat.v4.new_output("stream", name=output.name, text=body)]
            part.metadata["transient"] = {"remove_source": True}
            deck.add(part, "-", line)
    cell.outputs = [output for output in cell.get("outputs", [])
                    if output.get("output_type") != "stream" or output.text]


def _describe_figures(cells: list) -> None:
    """Alt text for each figure, and the dpi and smallest text its run recorded (the fit
    check's measure of its text), in the output the deck template reads."""
    for cell, alt in cell_alts(cells):
        for output in results.figures(cell):
            output.setdefault("metadata", {})["alt"] = alt
            output.metadata["facts"] = figure_facts(output)


def split_headings(cell: NotebookNode) -> list[NotebookNode]:
    """A slide cell with several headings of its first heading's level (``## Summary`` …
    ``## Going further``) becomes one slide per heading."""
    lines = cell.source.split("\n")
    first = next((n for n, line in enumerate(lines) if line.startswith("#")), None)
    if first is None:
        return [cell]
    marker = "#" * (len(lines[first]) - len(lines[first].lstrip("#"))) + " "
    # never inside a box (a fenced div's <div>): each part must hold whole HTML
    depth = [0]
    for line in lines:
        depth.append(depth[-1] + line.startswith("<div") - line.startswith("</div>"))
    cuts = [n for n, line in enumerate(lines)
            if n > first and line.startswith(marker) and depth[n] == 0]
    if not cuts:
        return [cell]
    parts = []
    for number, (start, end) in enumerate(zip([0] + cuts, cuts + [len(lines)], strict=True)):
        part = copy.deepcopy(cell)
        part.source = "\n".join(lines[start:end]).strip("\n")
        if number:
            part.id = f"{cell.id}-part{number}"
        parts.append(part)
    return parts


MAX_STUB_LINES = 14  # longer stubs show only the functions to fill in, the others elided


def elide_stub(stub: NotebookNode, answer: NotebookNode) -> None:
    """A long stub shows the functions the student fills in; every other function of
    the cell keeps its ``def`` line and ``...`` (the notebook has them whole). The
    solution is cut the same way, so the two take about the same room on the slide."""
    if stub.cell_type != "code" or stub.source.count("\n") < MAX_STUB_LINES:
        return
    try:
        stub_tree, answer_tree = ast.parse(stub.source), ast.parse(answer.source)
    except SyntaxError:
        return
    lines = stub.source.split("\n")
    todo = {n for n, line in enumerate(lines, start=1) if "YOUR CODE HERE" in line}
    keep = {node.name for node in _functions(stub_tree)
            if any(node.lineno <= n <= node.end_lineno for n in todo)}
    if not keep:
        return
    stub.source = _elide(stub.source, stub_tree, keep)
    answer.source = _elide(answer.source, answer_tree, keep)


def _functions(tree: ast.AST) -> list:
    return [node for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _elide(source: str, tree: ast.AST, keep: set[str]) -> str:
    lines = source.split("\n")
    dropped: set[int] = set()
    for node in _functions(tree):
        if node.name in keep or any(node.lineno <= n <= node.end_lineno
                                    for k in _functions(tree) if k.name in keep
                                    for n in (k.lineno,)):
            continue
        body_start = node.body[0].lineno
        if body_start == node.lineno:
            continue  # a one-line function is short enough
        header_end = body_start - 1 if body_start > node.lineno else node.lineno
        lines[header_end - 1] = lines[header_end - 1].rstrip() + " ..."
        dropped.update(range(header_end + 1, node.end_lineno + 1))
        # blank lines after an elided function go with it
        after = node.end_lineno + 1
        while after <= len(lines) and not lines[after - 1].strip():
            dropped.add(after)
            after += 1
    return "\n".join(line for n, line in enumerate(lines, start=1)
                     if n not in dropped).rstrip("\n")
