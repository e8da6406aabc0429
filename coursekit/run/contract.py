"""The student contract: every stub fails loudly, and its check is what catches it.

a. The exercise, run in order, is clean up to its first stub, whose error is
   ``NotImplementedError`` (a line stub ``x = ...`` raises nothing; its check must fail).
b. With one stub in place and every other answer filled in, running on to the first
   ``check`` cell after the stub, that check fails. A check that passes on the stub is
   *vacuous*; a stub with no check after it can never be caught. Cells between the stub
   and its check (a demo: ``squares(10)``, a plot) may fail on the stub too: a student
   sees the same error the stub raised, and the check after them must still fail.
c. An exercise that declares it has no automatic check (``manual``: a person grades it;
   ``open``: it has no single answer; see ``Cell.unchecked``) needs none, and is paired
   with none: only rule a applies to it.

The probes run in the solution's kernel just before the stubbed cell's answer (see
execute.py), so the prefix is never run twice. This module plans them and judges them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..source.lesson import Cell, Lesson
from .tracebacks import stub_line

STUB_ERROR = "NotImplementedError"


@dataclass(frozen=True)
class Probe:
    stub: Cell
    check: Cell | None  # the first check cell after the stub
    first: bool         # the exercise's first stub (rule a)

    @property
    def declared(self) -> str:
        """"manual" or "open" when the exercise needs no check (rule c)."""
        return self.stub.unchecked


@dataclass(frozen=True)
class Failed:
    """The first cell that raised while a probe ran (after the stub cell itself)."""

    cell: Cell
    ename: str
    evalue: str
    line: int


def plan(lesson: Lesson) -> list[Probe]:
    stubs = [c for c in lesson.cells if c.cell_type == "code" and c.split.has_stub]
    probes = []
    for number, stub in enumerate(stubs):
        check = None if stub.unchecked else next(
            (c for c in lesson.cells[stub.index + 1:]
             if c.cell_type == "code" and "check" in c.tags), None)
        probes.append(Probe(stub, check, first=number == 0))
    return probes


def error_text(ename: str, evalue: str) -> str:
    return f"{ename}: {evalue}" if evalue else ename


def where(path: Path, root: Path, line: int) -> str:
    try:
        return f"{path.relative_to(root)}:{line}"
    except ValueError:
        return f"{path}:{line}"


def unchecked(lesson: Lesson, probes: list[Probe], root: Path) -> list[str]:
    """Stubs no check cell follows: found without running anything."""
    return [f"{where(lesson.path, root, stub_line(p.stub))}: the stub in cell "
            f"{p.stub.index + 1} has no check cell after it; add a cell tagged check that "
            "fails while the stub is in place, or tag the stub's cell manual or open if no "
            "program can check it" for p in probes if p.check is None and not p.declared]


def judge_stub(probe: Probe, error: dict | None, root: Path, path: Path) -> str | None:
    """Rule a, for every stub: the stub cell raises NotImplementedError or nothing."""
    if error is None or error["ename"] == STUB_ERROR:
        return None
    which = "the exercise's first stub" if probe.first else "the stub"
    return (f"{where(path, root, stub_line(probe.stub))}: {which} raises "
            f"{error_text(error['ename'], error['evalue'])}, not {STUB_ERROR}; a student must "
            "meet the stub's own error first")


def judge_check(probe: Probe, failed: Failed | None, root: Path, path: Path) -> str | None:
    """Rule b: with the stub in place, its check fails (``failed``: the check's error)."""
    if failed is not None:
        return None
    stub_at = where(path, root, stub_line(probe.stub))
    return (f"{where(path, root, probe.check.line)}: vacuous check: it passes with the stub "
            f"at {stub_at} in place; make it test what the stub must compute")
