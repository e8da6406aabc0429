"""Checks proven both ways: declared alternatives pass them, declared mistakes fail them.

A solution cell may declare other correct answers (``### BEGIN ALTERNATIVE``) and typical
wrong ones (``### BEGIN MISTAKE: <what>``); markers.py parses them into ``Variant``s. Each
runs, like a stub probe, in the solution's kernel just before the cell's answer: the
variant in place of the cell, then the cells up to the exercise's check cells.

- an alternative passes when nothing raises, checks included;
- a mistake is *caught* when the first error comes from a check cell and is an
  ``AssertionError`` with a message. A check cell that fails some other way (a raw
  library error, an empty assertion) is *unhelpful*: the student is told nothing about
  the mistake. An error in a non-check cell, or no error at all, means it got through.

This module plans the probes, judges them and counts them; execute.py runs them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..source.lesson import Cell, Lesson
from .contract import Failed, error_text, where

ALTERNATIVE, MISTAKE = "alternative", "mistake"
HELPFUL_ERROR = "AssertionError"


@dataclass(frozen=True)
class VariantProbe:
    cell: Cell           # the solution cell the variant stands in for
    variant: object      # markers.Variant: kind, label, line (in the cell), solution
    checks: tuple        # the exercise's check cells: the first after the cell, and any
                         # check cells right after it

    @property
    def line(self) -> int:
        """The file line of the block's BEGIN marker."""
        return self.cell.line + self.variant.line

    @property
    def kind(self) -> str:
        return self.variant.kind


@dataclass(frozen=True)
class Verdict:
    probe: VariantProbe
    outcome: str         # alternative: passed/failed; mistake: caught/unhelpful/missed
    problem: str | None  # the contract problem, None when the probe went as declared
    message: str = ""    # what the check said (a caught mistake's message)


def plan(lesson: Lesson) -> list[VariantProbe]:
    probes = []
    for cell in lesson.cells:
        variants = cell.split.variants if cell.cell_type == "code" else []
        if variants:
            checks = _checks_after(lesson, cell)
            probes += [VariantProbe(cell, variant, checks) for variant in variants]
    return probes


def _checks_after(lesson: Lesson, cell: Cell) -> tuple:
    """The first check cell after ``cell`` and the check cells that directly follow it."""
    code = [c for c in lesson.cells[cell.index + 1:] if c.cell_type == "code"]
    first = next((n for n, c in enumerate(code) if "check" in c.tags), None)
    if first is None:
        return ()
    found = []
    for c in code[first:]:
        if "check" not in c.tags:
            break
        found.append(c)
    return tuple(found)


def unchecked(lesson: Lesson, probes: list[VariantProbe], root: Path) -> list[str]:
    """Variants no check cell follows: found without running anything."""
    return [f"{where(lesson.path, root, p.line)}: the {p.kind} in cell {p.cell.index + 1} "
            "has no check cell after it to prove it against; add a cell tagged check"
            for p in probes if not p.checks]


def judge(probe: VariantProbe, failed: Failed | None, root: Path, path: Path) -> Verdict:
    """``failed``: the first cell that raised while the variant ran (the variant included)."""
    at = where(path, root, probe.line)
    if probe.kind == ALTERNATIVE:
        if failed is None:
            return Verdict(probe, "passed", None)
        return Verdict(probe, "failed", f"{at}: the alternative fails: {_blame(failed, path, root)}"
                       f" raised {error_text(failed.ename, failed.evalue)}; the checks must "
                       "accept every correct answer")
    label = f"the mistake '{probe.variant.label}'"
    if failed is None:
        return Verdict(probe, "missed", f"{at}: {label} passes the check; make the check "
                       "test what this mistake gets wrong")
    if "check" not in failed.cell.tags:
        return Verdict(probe, "missed", f"{at}: {label} is not caught by a check: "
                       f"{_blame(failed, path, root)} (not a check) fails first with "
                       f"{error_text(failed.ename, failed.evalue)}")
    if failed.ename != HELPFUL_ERROR or not failed.evalue.strip():
        return Verdict(probe, "unhelpful", f"{at}: {label} is caught with an unhelpful "
                       f"{error_text(failed.ename, failed.evalue)} at "
                       f"{where(path, root, failed.line)}; guard the check so it fails with an "
                       "AssertionError whose message names what was expected")
    return Verdict(probe, "caught", None, failed.evalue)


def _blame(failed: Failed, path: Path, root: Path) -> str:
    return f"cell {failed.cell.index + 1} at {where(path, root, failed.line)}"


def tally(probes: list[VariantProbe], verdicts: list[Verdict]) -> dict:
    """The counts report.json keeps: every declared variant counts, run or not; and each
    variant's own verdict, which the instructor's page shows next to the solution."""
    outcomes = [v.outcome for v in verdicts]
    return {"alternatives": {"passed": outcomes.count("passed"),
                             "total": sum(p.kind == ALTERNATIVE for p in probes)},
            "mistakes": {"caught": outcomes.count("caught"),
                         "total": sum(p.kind == MISTAKE for p in probes)},
            "unhelpful": outcomes.count("unhelpful"),
            "variants": details(probes, verdicts)}


def details(probes: list[VariantProbe], verdicts: list[Verdict]) -> list[dict]:
    """One entry per declared variant, in lesson order. ``line`` is the file line of its
    BEGIN marker (how the page finds it again); a variant the run never reached (the
    solution failed first, or no check follows it) is "not run"."""
    # by line, not identity: verdicts made on a Dask worker come back as copies
    judged = {v.probe.line: v for v in verdicts}
    found = []
    for probe in probes:
        verdict = judged.get(probe.line)
        found.append({"kind": probe.kind, "label": probe.variant.label, "line": probe.line,
                      "status": verdict.outcome if verdict else "not run",
                      "message": verdict.message if verdict else ""})
    return found
