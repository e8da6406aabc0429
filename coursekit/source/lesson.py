"""Read lessons: ``content/NN_slug.py`` (jupytext percent format) → :class:`Lesson`.

Everything is validated here, once, so later stages can trust the model: header keys,
profiles, tags, markers. Errors name the lesson file and the line.
"""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jupytext

from ..config import check_yaml_size, read_text
from ..errors import CourseError, LessonFormatError, MarkerError
from .fenced_divs import with_instructor_cells
from .markers import SplitCell, split_cell
from .mooc import DIALECT as MOOC_DIALECT
from .nbgrader_cells import nbgrader_cell
from .syntax import syntax_error

KNOWN_TAGS = ("solution", "check", "parameters", "metrics", "manual", "open")
# an exercise with no automatic check: graded by a person, or with no single answer
UNCHECKED_TAGS = ("manual", "open")
# the header's ``markers:``: a dialect whose rules differ from the default's (mooc.py)
MARKER_DIALECTS = (MOOC_DIALECT,)
COURSE_KEYS = ("title", "summary", "accelerator", "data", "profiles", "timeout",
               "output_limit", "teaching", "exercises", "questions", "objectives",
               "keypoints", "markers")
# the schedule's keys (the Carpentries Workbench's): minutes, and lists of sentences
MINUTE_KEYS = ("teaching", "exercises")
OUTCOME_KEYS = ("questions", "objectives", "keypoints")
PROFILE_KEYS = ("parameters", "targets", "backends")
# the Keras 3 backends; a profile may adjust its parameters for each (``backends:``) so
# that every backend meets the same targets in the same time
KERAS_BACKENDS = ("tensorflow", "jax", "torch")
# what a profile may say for one backend: its targets only with the reason they differ,
# which the lesson's page shows next to them
BACKEND_KEYS = ("parameters", "targets", "reason")
TARGET_KEYS = ("min", "max")
ACCELERATORS = ("cpu", "gpu")
# cell metadata that reaches the notebooks; jupytext's own bookkeeping is dropped
# (``caption``: a figure's alt text on the pages, declared by the lesson)
KEPT_CELL_METADATA = ("tags", "slideshow", "jupyter", "caption")

_STEM = re.compile(r"^(\d+)_[a-z0-9_]+$")
_CELL_MARKER = re.compile(r"^# %%")


@dataclass
class Cell:
    index: int
    cell_type: str
    source: str
    metadata: dict
    line: int  # 1-based line of the lesson file where this cell's source starts
    split: SplitCell
    # an exercise's own minutes (``# %% minutes=5``: its deck timer); None: a share of
    # the header's ``exercises`` minutes. Not cell metadata: it stays out of the notebooks
    minutes: int | None = None
    # ``# %% code_on_slide=true``: the deck shows the code of a cell that draws a figure
    # (by default a slide shows the figure only). Not cell metadata either
    code_on_slide: bool = False

    @property
    def tags(self) -> list[str]:
        return list(self.metadata.get("tags", []))

    @property
    def unchecked(self) -> str:
        """"manual" or "open" for an exercise that declares no automatic check (its tag,
        nbgrader's manually graded answer, the MOOC's stubs); "" for the rest."""
        declared = [tag for tag in UNCHECKED_TAGS if tag in self.tags]
        if declared:
            return declared[0]
        grader = self.metadata.get("nbgrader", {})
        if grader.get("solution") and grader.get("grade"):
            return "manual"
        return self.split.unchecked


@dataclass
class Lesson:
    path: Path
    stem: str
    order: int
    title: str
    summary: str
    accelerator: str
    data: dict
    profiles: dict
    meta: dict
    cells: list[Cell] = field(default_factory=list)
    teaching: int | None = None  # minutes; None: the header does not say
    exercises: int | None = None
    questions: list[str] = field(default_factory=list)  # what the lesson answers
    objectives: list[str] = field(default_factory=list)
    keypoints: list[str] = field(default_factory=list)
    timeout: int | None = None  # seconds a cell may run; None: verify's --timeout / default
    output_limit: int | None = None  # kB of output a cell may keep; None: the default
    # course key -> its line in the header, for errors found after reading (verify's)
    key_lines: dict[str, int] = field(default_factory=dict)
    markers: str = ""  # the header's marker dialect; "" for the default

    @property
    def timed(self) -> bool:
        return self.teaching is not None and self.exercises is not None

    @property
    def minutes(self) -> int:
        return (self.teaching or 0) + (self.exercises or 0)

    @property
    def parameters(self) -> dict:
        """Defaults of the ``parameters`` cell: name → value (None when not a literal)."""
        found: dict = {}
        for cell in self.cells:
            if "parameters" in cell.tags:
                try:
                    found.update(parameter_defaults(cell.source))
                except SyntaxError as exc:
                    raise LessonFormatError(f"the parameters cell is not valid Python: "
                                            f"{exc.msg}", path=self.path,
                                            line=cell.line + (exc.lineno or 1) - 1) from None
        return found

    def cell_at(self, index: int) -> Cell:
        return self.cells[index]


def parameter_defaults(source: str) -> dict:
    values = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    try:
                        values[target.id] = ast.literal_eval(node.value)
                    except ValueError:
                        values[target.id] = None
    return values


def discover(content: Path) -> list[Path]:
    """Lesson files in order; two lessons with the same number are an error."""
    paths = sorted(p for p in content.glob("*.py") if not p.name.startswith("_"))
    seen: dict[int, Path] = {}
    for path in paths:
        match = _STEM.match(path.stem)
        if not match:
            raise LessonFormatError("lesson file names look like NN_slug.py "
                                    "(digits, underscore, lowercase letters)", path=path)
        order = int(match.group(1))
        if order in seen:
            raise LessonFormatError(f"duplicate lesson order {match.group(1)} "
                                    f"(also used by {seen[order].name})", path=path, line=1,
                                    hint="give each lesson its own number")
        seen[order] = path
    return paths


def read_lesson(path: Path) -> Lesson:
    text = read_text(path, LessonFormatError)
    file_lines = text.split("\n")
    header, first_line = _header_yaml(file_lines)
    check_yaml_size(header, path, LessonFormatError, first_line=first_line)
    try:
        nb = jupytext.reads(text, fmt="py:percent")
    except Exception as exc:  # jupytext raises several types; all mean "cannot parse"
        line = _parse_error_line(exc)
        raise LessonFormatError(f"cannot read as a jupytext percent script: {exc}",
                                path=path, line=line or 1,
                                hint="check the YAML of the '# ---' header" if line else None
                                ) from None
    meta = nb.metadata.get("course") or {}
    if not isinstance(meta, dict):
        raise LessonFormatError("'course:' must be a mapping of keys (title, summary, ...)",
                                path=path, line=_key_line(file_lines, "course") or 1)
    meta = dict(meta)
    lesson = _header(path, file_lines, meta)
    starts = _cell_starts(file_lines, len(nb.cells))
    for index, (raw, start) in enumerate(with_instructor_cells(nb.cells, starts, path)):
        lesson.cells.append(_read_cell(path, index, raw, start, lesson.markers))
    _check_profiles(lesson, file_lines)
    _check_exercise_minutes(lesson)
    return lesson


def _check_exercise_minutes(lesson: Lesson) -> None:
    """The exercises' own minutes fit in the header's ``exercises`` minutes."""
    stated = [cell for cell in lesson.cells if cell.minutes is not None]
    total = sum(cell.minutes for cell in stated)
    if stated and lesson.exercises is not None and total > lesson.exercises:
        raise LessonFormatError(f"the exercises' own minutes add up to {total}, more than "
                                f"the header's 'exercises: {lesson.exercises}'",
                                path=lesson.path,
                                line=lesson.key_lines.get("exercises") or 1,
                                hint="raise 'exercises' in the header (the schedule "
                                     "counts it) or lower the cells' minutes=")


def _header_yaml(file_lines: list[str]) -> tuple[str, int]:
    """The YAML of the ``# ---`` header, uncommented as jupytext reads it, line for line,
    and the file line of its first line. The header may follow a ``#!`` or encoding line:
    the first ``# ---`` above the first cell is taken."""
    start = next((i for i, line in enumerate(file_lines) if line.rstrip() == "# ---"
                  or _CELL_MARKER.match(line)), None)
    if start is None or file_lines[start].rstrip() != "# ---":
        return "", 1
    body = []
    for line in file_lines[start + 1:]:
        if line.rstrip() == "# ---":
            break
        body.append(line[2:] if line.startswith("# ") else line.lstrip("#"))
    return "\n".join(body), start + 2


def _parse_error_line(exc: Exception) -> int | None:
    """The file line of a header YAML error: its mark counts 0-based from the line after
    the opening '# ---'."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return mark.line + 2 if mark is not None else None


def _key_line(file_lines: list[str], key: str, after: int | None = 0) -> int | None:
    """The header line of ``key``, the first one below line ``after`` (so a profile's
    ``backends:`` is found below that profile, not under an earlier one)."""
    pattern = re.compile(rf"^#\s+{re.escape(key)}\s*:")
    for number, line in enumerate(file_lines, start=1):
        if line.startswith("# %%"):
            break
        if number > (after or 0) and pattern.match(line):
            return number
    return None


def _header(path: Path, file_lines: list[str], meta: dict) -> Lesson:
    course_line = _key_line(file_lines, "course") or 1
    for key in meta:
        if key not in COURSE_KEYS:
            raise LessonFormatError(f"unknown course key '{key}'", path=path,
                                    line=_key_line(file_lines, str(key)) or course_line,
                                    hint=_did_you_mean(str(key), COURSE_KEYS))
    title = meta.get("title")
    if title is None or isinstance(title, str) and not title.strip():
        raise LessonFormatError("the lesson has no title", path=path, line=course_line,
                                hint="add 'title:' to the course: block of the header")
    for key in ("title", "summary"):
        if not isinstance(meta.get(key, ""), str):
            raise LessonFormatError(f"'{key}' must be text, not {meta[key]!r}", path=path,
                                    line=_key_line(file_lines, key) or course_line,
                                    hint="quote it, on one line: e.g. " + key + ": 'Words'")
    accelerator = meta.get("accelerator", "cpu")
    if accelerator not in ACCELERATORS:
        raise LessonFormatError(f"accelerator must be one of {', '.join(ACCELERATORS)}",
                                path=path, line=_key_line(file_lines, "accelerator"))
    for key in ("data", "profiles"):
        if not isinstance(meta.get(key, {}), dict):
            raise LessonFormatError(f"'{key}' must be a mapping", path=path,
                                    line=_key_line(file_lines, key))
    markers = meta.get("markers", "")
    if markers and markers not in MARKER_DIALECTS:
        raise LessonFormatError(f"unknown marker dialect {markers!r}", path=path,
                                line=_key_line(file_lines, "markers"),
                                hint=_did_you_mean(str(markers), MARKER_DIALECTS))
    return Lesson(path=path, stem=path.stem, order=_order(path), markers=markers,
                  title=title.strip(), summary=meta.get("summary", "").strip(),
                  accelerator=accelerator, data=_data(path, file_lines, meta),
                  profiles=dict(meta.get("profiles", {})), meta=meta,
                  timeout=_whole_number(path, file_lines, meta, "timeout"),
                  output_limit=_whole_number(path, file_lines, meta, "output_limit"),
                  key_lines={key: _key_line(file_lines, key) for key in meta},
                  **schedule_keys(meta, _header_error(path, file_lines)))


def _data(path: Path, file_lines: list[str], meta: dict) -> dict:
    """``data: {file name: parameter name}``: both must be text."""
    data = dict(meta.get("data", {}))
    for name, param in data.items():
        if not isinstance(name, str) or not isinstance(param, str):
            raise LessonFormatError(f"data entry {name!r}: {param!r} must map a file name to "
                                    "the parameter that receives its path", path=path,
                                    line=_key_line(file_lines, "data"),
                                    hint="e.g. data: {mnist.npz: data_path}")
    return data


# header keys that take a whole number: (what it counts, an example for the hint)
WHOLE_KEYS = {"timeout": ("seconds", "'timeout: 600': the longest a cell may run"),
              "output_limit": ("kilobytes", "'output_limit: 4000': the most output a cell "
                               "keeps (the notebook keeps ten times that)")}


def _whole_number(path: Path, file_lines: list[str], meta: dict, key: str) -> int | None:
    """A header key of :data:`WHOLE_KEYS`: a whole number, 1 or more (None: the default)."""
    value, (unit, example) = meta.get(key), WHOLE_KEYS[key]
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                              or value < 1):
        raise LessonFormatError(f"'{key}' must be a whole number of {unit} (1 or more), "
                                f"not {value!r}", path=path, line=_key_line(file_lines, key),
                                hint=f"e.g. {example}")
    return value


def _header_error(path: Path, file_lines: list[str]) -> Callable[[str, str, str], Exception]:
    def error(key: str, message: str, hint: str) -> Exception:
        return LessonFormatError(message, path=path, line=_key_line(file_lines, key), hint=hint)
    return error


def schedule_keys(meta: dict, error: Callable[[str, str, str], Exception]) -> dict:
    """``teaching``/``exercises`` minutes and the ``questions``/``objectives``/``keypoints``
    lists of a header; ``error(key, message, hint)`` makes the exception for a bad value
    (a lesson's names its header line, an importer's the source's)."""
    found: dict = {}
    for key in MINUTE_KEYS:
        value = meta.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise error(key, f"'{key}' must be a whole number of minutes (0 or more), "
                             f"not {value!r}", f"e.g. '{key}: 35'")
        found[key] = value
    for key in OUTCOME_KEYS:
        value = meta.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip()
                                                  for v in value):
            raise error(key, f"'{key}' must be a list of sentences",
                        f"e.g. '{key}: [Build a model in Keras.]'")
        found[key] = [v.strip() for v in value]
    return found


def _order(path: Path) -> int:
    match = _STEM.match(path.stem)
    return int(match.group(1)) if match else 0


def _cell_starts(file_lines: list[str], n_cells: int) -> list[int]:
    """1-based line where each cell's source begins (the line after its ``# %%``)."""
    body_from = 0
    if file_lines and file_lines[0].startswith("# ---"):
        body_from = next((i for i in range(1, len(file_lines))
                          if file_lines[i].startswith("# ---")), 0) + 1
    markers = [i + 2 for i in range(body_from, len(file_lines))
               if _CELL_MARKER.match(file_lines[i])]
    if len(markers) == n_cells - 1:  # text before the first marker forms a cell too
        first = next(i for i in range(body_from, len(file_lines)) if file_lines[i].strip())
        markers.insert(0, first + 1)
    return markers if len(markers) == n_cells else [body_from + 1] * n_cells


def _read_cell(path: Path, index: int, raw, start: int, dialect: str = "") -> Cell:
    marker = start - 1  # the cell's `# %%` line, where its metadata is
    metadata = {k: raw.metadata[k] for k in KEPT_CELL_METADATA if k in raw.metadata}
    tags = metadata.get("tags", [])
    if not isinstance(metadata.get("slideshow", {}), dict):  # jupytext checks tags itself
        raise LessonFormatError(f"cell metadata 'slideshow' must be a dict, not "
                                f"{metadata['slideshow']!r}", path=path, line=start - 1,
                                cell=index + 1, hint='e.g. # %% slideshow={"slide_type": '
                                                     '"slide"}')
    for tag in tags:
        if tag not in KNOWN_TAGS:
            raise LessonFormatError(f"unknown cell tag '{tag}'", path=path, line=start - 1,
                                    cell=index + 1, hint=_did_you_mean(tag, KNOWN_TAGS))
    # a notebook written for nbgrader: its metadata says which cells are answers
    metadata, nbgrader_solution = nbgrader_cell(raw.metadata, metadata, raw.cell_type,
                                                path, start - 1, index + 1)
    source = raw.source
    if raw.cell_type == "code":
        # jupytext keeps blank lines that separate cells; they are not part of the lesson
        source = source.rstrip("\n ")
        stripped = source.lstrip("\n")
        start += len(source) - len(stripped)
        source = stripped
    try:
        split = split_cell(source, raw.cell_type, "solution" in tags, nbgrader_solution,
                           dialect)
    except MarkerError as err:
        raise MarkerError(err.message, path=path, line=start + (err.line or 0),
                          cell=index + 1, hint=err.hint) from None
    if raw.cell_type == "code":
        _check_python(path, index, start, split)
    _check_unchecked(path, index, marker, tags, split)
    minutes = _cell_minutes(path, index, marker, raw.metadata.get("minutes"), split)
    code_on_slide = raw.metadata.get("code_on_slide", False)
    if code_on_slide not in (True, False) or (code_on_slide and raw.cell_type != "code"):
        raise LessonFormatError(f"'code_on_slide' must be true or false on a code cell, not "
                                f"{code_on_slide!r} on a {raw.cell_type} cell", path=path,
                                line=marker, cell=index + 1, hint="e.g. # %% code_on_slide=true")
    return Cell(index=index, cell_type=raw.cell_type, source=source, metadata=metadata,
                line=start, split=split, minutes=minutes, code_on_slide=code_on_slide)


def _check_unchecked(path: Path, index: int, line: int, tags: list, split: SplitCell) -> None:
    """``manual``/``open`` say how an exercise is assessed: one of them, on a stub."""
    declared = [tag for tag in UNCHECKED_TAGS if tag in tags]
    if len(declared) > 1:
        raise LessonFormatError("an exercise is either 'manual' or 'open', not both",
                                path=path, line=line, cell=index + 1,
                                hint="'manual': a person grades it; 'open': it has no "
                                     "single answer")
    if declared and split.exercise == split.solution:
        raise LessonFormatError(f"'{declared[0]}' tag on a cell that is not an exercise "
                                "(it has no solution to hide)", path=path, line=line,
                                cell=index + 1,
                                hint="put the tag on the cell with the solution markers")


def _cell_minutes(path: Path, index: int, line: int, value, split: SplitCell) -> int | None:
    """``minutes=N`` on an exercise cell's marker line: a whole number, 1 or more."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise LessonFormatError(f"'minutes' must be a whole number of minutes (1 or more), "
                                f"not {value!r}", path=path, line=line, cell=index + 1,
                                hint="e.g. # %% minutes=5")
    if split.exercise == split.solution:
        raise LessonFormatError("'minutes' on a cell that is not an exercise (it has no "
                                "solution to hide)", path=path, line=line, cell=index + 1,
                                hint="put minutes= on the exercise's code cell, the one "
                                     "with the solution markers")
    return value


def _check_python(path: Path, index: int, start: int, split: SplitCell) -> None:
    """A code cell whose solution parses must have an exercise version that parses: a
    marker that cut a statement in two (otter's NO PROMPT on an ``if`` line once left its
    body behind) fails here, before anything is written, instead of reaching students as
    an IndentationError. (A solution that does not parse is verify's to report, as
    nbgrader accepts an empty solution block.)"""
    found = syntax_error(split.exercise)
    if found is None or syntax_error(split.solution) is not None:
        return
    line, message = found
    origins = split.exercise_lines

    def file_line(number: int) -> int:  # 0-based line of the exercise → file line
        return start + (origins[min(number, len(origins) - 1)] if origins else 0)
    # Python's "expected an indented block after 'if' statement on line 2" counts in the
    # version it parsed: say the lesson file's line instead
    message = re.sub(r"on line (\d+)", lambda m: f"on line {file_line(int(m.group(1)) - 1)}",
                     message)
    raise MarkerError(f"the exercise version of this cell is not valid Python ({message}): "
                      "the solution markers removed part of a statement", path=path,
                      line=file_line(line), cell=index + 1,
                      hint="hide whole statements: a block header with its body, or the "
                           "body in ### BEGIN SOLUTION / ### END SOLUTION")


def _check_profiles(lesson: Lesson, file_lines: list[str]) -> None:
    names = set(lesson.parameters)
    profiles = _key_line(file_lines, "profiles")
    for name, profile in lesson.profiles.items():
        line = _key_line(file_lines, str(name), after=profiles) or profiles
        if not isinstance(name, str) or not isinstance(profile, dict) \
                or set(profile) - set(PROFILE_KEYS):
            raise LessonFormatError(f"profile '{name}' may only have "
                                    f"{', '.join(PROFILE_KEYS[:-1])} and {PROFILE_KEYS[-1]}",
                                    path=lesson.path, line=line,
                                    hint="a profile is a name (smoke, full) mapping to "
                                         "{parameters: {...}, targets: {...}}")
        _check_parameters(lesson, names, f"profile '{name}'", profile.get("parameters"), line)
        _check_backends(lesson, names, name, profile.get("backends"), file_lines, line)
        _check_targets(lesson, name, profile.get("targets"),
                       _key_line(file_lines, "targets", after=line) or line)
    for data_file, param in lesson.data.items():
        if param not in names:
            raise LessonFormatError(f"data file '{data_file}' feeds '{param}', which the "
                                    "parameters cell does not define", path=lesson.path,
                                    line=_key_line(file_lines, "data"))


def _check_targets(lesson: Lesson, profile: str, targets, line: int | None) -> None:
    """``targets: {metric: {min: x, max: y}}``, every bound a number."""
    shape = "{min: x} or {max: y} with numbers"
    if targets is None:
        return
    if not isinstance(targets, dict):
        raise LessonFormatError(f"targets of profile '{profile}' must be a mapping of "
                                f"metric names to {shape}", path=lesson.path, line=line,
                                hint="e.g. targets: {accuracy: {min: 0.9}}")
    for metric, bounds in targets.items():
        if not isinstance(bounds, dict) or not bounds or set(bounds) - set(TARGET_KEYS):
            raise LessonFormatError(f"target '{metric}' of profile '{profile}' must look "
                                    f"like {shape}", path=lesson.path, line=line)
        for edge, bound in bounds.items():
            if isinstance(bound, bool) or not isinstance(bound, (int, float)):
                raise LessonFormatError(f"target '{metric}' of profile '{profile}': {edge} "
                                        f"must be a number, not {bound!r}", path=lesson.path,
                                        line=line, hint=f"e.g. {{{edge}: 0.9}}, unquoted")


def _check_parameters(lesson: Lesson, names: set, owner: str, parameters,
                      line: int | None) -> None:
    """``names``: the parameters cell's (parsed once by the caller for every profile)."""
    if parameters is not None and not isinstance(parameters, dict):
        raise LessonFormatError(f"{owner}: parameters must be a mapping such as "
                                "{epochs: 3}", path=lesson.path, line=line)
    for param in parameters or {}:
        if param not in names:
            raise LessonFormatError(f"{owner} sets '{param}', which the parameters cell "
                                    "does not define", path=lesson.path, line=line,
                                    hint=_did_you_mean(param, sorted(names)))


def _check_backends(lesson: Lesson, names: set, profile: str, backends,
                    file_lines: list[str], line: int | None) -> None:
    """``backends: {jax: {parameters: {...}}}``: per-backend parameters of a profile."""
    if backends is None:
        return
    line = _key_line(file_lines, "backends", after=line) or line
    if not isinstance(backends, dict):
        raise LessonFormatError(f"profile '{profile}': backends must map a backend to "
                                "{parameters: {...}}", path=lesson.path, line=line)
    for backend, spec in backends.items():
        where = _key_line(file_lines, str(backend), after=line) or line
        if backend not in KERAS_BACKENDS:
            raise LessonFormatError(f"profile '{profile}' adjusts unknown backend "
                                    f"'{backend}'", path=lesson.path, line=where,
                                    hint=_did_you_mean(str(backend), KERAS_BACKENDS))
        if not isinstance(spec, dict) or not spec or set(spec) - set(BACKEND_KEYS):
            raise LessonFormatError(f"profile '{profile}', backend '{backend}': write "
                                    "{parameters: {name: value}}, and targets of its own "
                                    "only with their reason: {targets: {...}, reason: ...}",
                                    path=lesson.path, line=where)
        reason = spec.get("reason")
        if ("targets" in spec) != (isinstance(reason, str) and bool(reason.strip())):
            raise LessonFormatError(f"profile '{profile}', backend '{backend}': "
                                    + ("targets of its own need a reason" if "targets" in spec
                                       else "a reason needs the targets it explains"),
                                    path=lesson.path, line=where,
                                    hint="reason: one sentence, shown on the lesson's page, "
                                         "saying why this backend is held to other targets")
        _check_parameters(lesson, names, f"profile '{profile}' on {backend}",
                          spec.get("parameters"), where)
        _check_targets(lesson, f"{profile}' on '{backend}", spec.get("targets"), where)


def _did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    known = f"known: {', '.join(choices)}" if choices else ""
    return f"did you mean '{close[0]}'? ({known})" if close else known


def load_lessons(content: Path, broken: list[CourseError] | None = None) -> list[Lesson]:
    """Every lesson of ``content``. ``broken``: where a lesson that cannot be read goes
    (verify: it fails in the report while the others run); None: its error is raised."""
    paths = discover(content)
    if not paths:
        raise CourseError("no lessons found", path=content,
                          hint="add content/NN_slug.py files in jupytext percent format")
    lessons = []
    for path in paths:
        try:
            lessons.append(read_lesson(path))
        except CourseError as err:
            if broken is None:
                raise
            broken.append(err)
    return lessons
