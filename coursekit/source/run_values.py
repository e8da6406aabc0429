"""Numbers a lesson cites from its own verified runs: ``{{ PROFILE.METRIC[:SPEC] }}``.

This module reads and checks the placeholders (a profile the lesson declares, a metric
its targets or its ``metrics`` cell name, a format spec Python accepts) and writes the
form the notebooks carry. Notebooks are generated before any run and must not depend on
one (``build.py check`` is deterministic), so they show "see the lesson page" inside a
span that keeps the citation; the site and the decks put the run's value in its place
(:mod:`coursekit.publish.cited_values`).
"""

from __future__ import annotations

import ast
import html
import re
from dataclasses import dataclass

from ..errors import LessonFormatError
from .lesson import Lesson

# ``{{ course.title }}``, ``{{ lesson.title }}``: course.yml's placeholders, not runs
COURSE_ROOTS = ("course", "lesson")
METRICS_TAG = "metrics"
CITATION = re.compile(r"\{\{\s*(?P<profile>\w+)\.(?P<metric>\w+)\s*"
                      r"(?::(?P<spec>[^{}]*?))?\s*\}\}")
# the notebooks' form: the citation in an attribute, words for the reader inside
NOTEBOOK_FORM = re.compile(r'<span class="run-value" data-cite="(?P<cite>[^"]*)">'
                           r"[^<]*</span>")


@dataclass(frozen=True)
class Citation:
    profile: str
    metric: str
    spec: str = ""  # a Python format spec (".1%"); "": the page's default

    @property
    def text(self) -> str:
        return f"{self.profile}.{self.metric}" + (f":{self.spec}" if self.spec else "")


def is_citation(match: re.Match) -> bool:
    return match.group("profile") not in COURSE_ROOTS


def citations(lesson: Lesson) -> list[Citation]:
    """Every citation in the lesson's Markdown, checked; the first bad one is an error
    naming its line, before anything is written."""
    names, patterns = known_metrics(lesson)
    found = []
    for cell in lesson.cells:
        if cell.cell_type != "markdown":
            continue
        for match in CITATION.finditer(cell.source):
            if not is_citation(match):
                continue
            line = cell.line + cell.source[: match.start()].count("\n")
            found.append(_checked(lesson, match, line, names, patterns))
    return found


def _checked(lesson: Lesson, match: re.Match, line: int, names: set[str],
             patterns: list[re.Pattern]) -> Citation:
    citation = Citation(match.group("profile"), match.group("metric"),
                        (match.group("spec") or "").strip())
    where = dict(path=lesson.path, line=line)
    if citation.profile not in lesson.profiles:
        raise LessonFormatError(f"'{match.group(0)}' cites profile '{citation.profile}', "
                                "which the lesson does not declare", **where,
                                hint=f"profiles: {', '.join(lesson.profiles) or 'none'} "
                                     "(the header's course: profiles:)")
    if citation.metric not in names and not any(p.fullmatch(citation.metric)
                                                for p in patterns):
        raise LessonFormatError(f"'{match.group(0)}' cites metric '{citation.metric}', "
                                "which no target names and the metrics cell does not "
                                "publish", **where,
                                hint=f"known: {', '.join(sorted(names)) or 'none'}; add it "
                                     "to the metrics cell's dict, as a literal key")
    try:
        format(0.5, citation.spec)
    except ValueError as exc:
        raise LessonFormatError(f"'{match.group(0)}': format spec '{citation.spec}' is "
                                f"not valid ({exc})", **where,
                                hint="use a Python format spec such as .1% or .3f") from None
    return citation


def known_metrics(lesson: Lesson) -> tuple[set[str], list[re.Pattern]]:
    """Metric names the lesson declares: its targets, and the keys its metrics cells
    write as literals; an f-string key (``f"val_{name}"``) gives a pattern."""
    names = {str(metric) for profile in lesson.profiles.values() if isinstance(profile, dict)
             for metric in (profile.get("targets") or {})}
    patterns: list[re.Pattern] = []
    for cell in lesson.cells:
        if cell.cell_type != "code" or METRICS_TAG not in cell.tags:
            continue
        for key in _literal_keys(cell.split.solution):
            if isinstance(key, str):
                names.add(key)
            else:
                patterns.append(key)
    return names, patterns


def _literal_keys(source: str) -> list:
    """Dict keys, ``x["key"] = …`` targets and ``dict(key=…)`` keywords of the cell."""
    keys: list = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Dict):
            keys += [_key(k) for k in node.keys if k is not None]
        elif isinstance(node, ast.DictComp):
            keys.append(_key(node.key))
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
            keys.append(_key(node.slice))
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "dict":
            keys += [kw.arg for kw in node.keywords if kw.arg]
    return [key for key in keys if key is not None]


def _key(node: ast.AST):
    """A string constant's text; an f-string's pattern (each field: a name's letters)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = [re.escape(v.value) if isinstance(v, ast.Constant) else r"\w+"
                 for v in node.values]
        return re.compile("".join(parts))
    return None


def notebook_text(citation: Citation) -> str:
    """What a notebook shows: no run's value (notebooks exist before the runs)."""
    return (f'<span class="run-value" data-cite="{html.escape(citation.text)}">'
            f"({citation.profile} run's {citation.metric}: see the lesson page)</span>")


def mark_citations(text: str) -> str:
    """Markdown with every run citation in its notebook form (the lesson's were checked
    by :func:`citations`)."""
    def mark(match: re.Match) -> str:
        if not is_citation(match):
            return match.group(0)
        return notebook_text(Citation(match.group("profile"), match.group("metric"),
                                      (match.group("spec") or "").strip()))
    return CITATION.sub(mark, text)


def parse_cite(text: str) -> Citation:
    """A notebook form's ``data-cite`` back into a citation."""
    name, _, spec = html.unescape(text).partition(":")
    profile, _, metric = name.partition(".")
    return Citation(profile, metric, spec)
