"""Run one lesson's solution notebook, with the student-contract probes woven in.

The solution runs cell by cell in one kernel. Just before a stubbed cell's answer runs,
its probe runs in the same kernel: the stub, then the cells up to the stub's first check
(contract.py). So the cells before a stub, data loading and training included, run once
for both the solution and the contract; only the cells between a stub and its check run
again, and a lesson that puts its checks right after its stubs has none. A solution
cell's declared alternatives and mistakes (variants.py) run the same way, just before its
stub probe, each from the same saved state of the kernel's namespace.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from nbformat import NotebookNode
from papermill.parameterize import parameterize_notebook

from ..source.lesson import Cell, Lesson
from ..source.machine_paths import build_paths, rewrite_output_paths
from ..source.transforms import cell_id
from . import variants
from .cache import DEPENDENCY_PROBE, parse_dependencies
from .contract import Failed, Probe, judge_check, judge_stub
from .kernel import KERNEL_NAME, CellRun, KernelSession
from .report import INJECTED
from .tracebacks import Executed, locate
from .variants import VariantProbe, Verdict

Progress = Callable[[int, int], None]

# Run in the kernel around the variant probes: a variant must not leave its names (or a
# half-built model, or the random state it drew from) to the next one or to the solution.
# Objects a variant mutated in place are not undone; variants rebind, they do not mutate.
SAVE_STATE = """\
def __ck_save():
    import random, sys
    numpy = sys.modules.get("numpy")
    # not the bookkeeping itself: restoring an older __ck_saved would undo this save
    names = {k: v for k, v in globals().items() if not k.startswith("__ck_")}
    return names, random.getstate(), numpy.random.get_state() if numpy else None
__ck_saved = __ck_save()"""
RESTORE_STATE = """\
def __ck_restore():
    import random, sys
    names, python_random, numpy_random = __ck_saved
    space = globals()
    for name in [n for n in space if n not in names and not n.startswith("__ck_")]:
        del space[name]
    space.update(names)
    random.setstate(python_random)
    if numpy_random is not None:
        sys.modules["numpy"].random.set_state(numpy_random)
__ck_restore()"""


def parameterize(nb: NotebookNode, parameters: dict) -> NotebookNode:
    """papermill's parameter injection (a tagged cell after ``parameters``), stable id."""
    if not parameters:
        return nb
    nb.metadata.setdefault("papermill", {})
    untagged = [cell for cell in nb.cells if "tags" not in cell.metadata]
    for cell in untagged:  # papermill reads cell.metadata.tags on every cell
        cell.metadata["tags"] = []
    nb = parameterize_notebook(nb, parameters, kernel_name=KERNEL_NAME, language="python")
    for cell in untagged:
        del cell.metadata["tags"]
    for cell in nb.cells:
        if INJECTED in cell.metadata.get("tags", []):
            cell.id = INJECTED  # papermill draws a random id; ours are reproducible
    return nb


@dataclass
class Failure:
    path: Path
    line: int | None
    cell: int | None  # 1-based lesson cell number
    exception: str
    message: str


@dataclass
class Execution:
    notebook: NotebookNode
    failure: Failure | None = None
    problems: list[str] = field(default_factory=list)      # contract problems found
    transcript: list[NotebookNode] = field(default_factory=list)  # probe cells as run
    unprobed: int = 0  # probes the run never reached (the solution failed first)
    dependencies: dict = field(default_factory=dict)  # distribution -> version it imported
    verdicts: list[Verdict] = field(default_factory=list)  # alternatives and mistakes


class LessonRun:
    """The walk over one notebook; keeps what ran under which execution count."""

    def __init__(self, session: KernelSession, lesson: Lesson, nb: NotebookNode, root: Path):
        self.session, self.lesson, self.nb, self.root = session, lesson, nb, root
        by_id = {cell_id(c.index): c for c in lesson.cells}
        self.origin: list[Cell | None] = [by_id.get(c.get("id")) for c in nb.cells]
        self.position = {c.index: i for i, c in enumerate(self.origin) if c is not None}
        self.ran: dict[int, Executed] = {}
        self.transcript: list[NotebookNode] = []

    async def run(self, index: int, version: str = "solution", probe: bool = False,
                  source: str | None = None) -> CellRun:
        """``source``: run this text in place of the cell (a variant); it has no line map."""
        cell, origin = self.nb.cells[index], self.origin[index]
        if probe:
            cell = copy.deepcopy(cell)
            cell.metadata["coursekit"] = {"probe": version}
            if version == "exercise":
                cell.source = origin.split.exercise
            if source is not None:
                cell.source = source
        result = await self.session.run(cell, index, probe=probe)
        if result.cell.get("execution_count") and source is None:
            self.ran[result.cell.execution_count] = Executed(origin, version)
        if probe:
            self.transcript.append(result.cell)
        return result

    def failure(self, index: int, result: CellRun, version: str = "solution") -> Failure:
        origin = self.origin[index]
        where = locate(result.error, self.ran, Executed(origin, version))
        return Failure(self.lesson.path, where.line,
                       None if where.cell is None else where.cell.index + 1,
                       result.error["ename"], result.error["evalue"])

    async def probe(self, probe: Probe) -> tuple[str | None, Failure | None]:
        """(contract problem or None, fatal failure or None) for one stub."""
        start = self.position[probe.stub.index]
        end = start if probe.check is None else self.position[probe.check.index]
        stub = await self.run(start, "exercise", probe=True)
        if stub.fatal:
            return None, self.failure(start, stub, "exercise")
        problem = judge_stub(probe, stub.error, self.root, self.lesson.path)
        if problem or probe.check is None:  # a manual or open exercise: rule a only
            return problem, None
        for index in range(start + 1, end + 1):
            if self.nb.cells[index].cell_type != "code":
                continue
            result = await self.run(index, probe=True)
            if result.fatal:
                return None, self.failure(index, result)
            if result.error and index == end:
                failed = Failed(self.origin[index], result.error["ename"],
                                result.error["evalue"], self.origin[index].line)
                return judge_check(probe, failed, self.root, self.lesson.path), None
            # a demo cell between stub and check may fail on the stub: run on to the check
        return judge_check(probe, None, self.root, self.lesson.path), None

    async def hidden(self, index: int, source: str) -> CellRun:
        """Kernel bookkeeping, run at cell ``index``; it leaves no trace in any notebook."""
        cell = copy.deepcopy(self.nb.cells[index])
        cell.source, cell.outputs = source, []
        return await self.session.run(cell, index, probe=True)

    async def variant(self, probe: VariantProbe) -> tuple[Failed | None, Failure | None]:
        """(first failure while the variant ran, fatal failure) for one variant."""
        start, end = self.position[probe.cell.index], self.position[probe.checks[-1].index]
        for index in range(start, end + 1):
            if self.nb.cells[index].cell_type != "code":
                continue
            first = index == start
            result = await self.run(index, probe.kind if first else "solution", probe=True,
                                    source=probe.variant.solution if first else None)
            if result.fatal:
                return None, Failure(self.lesson.path, probe.line, probe.cell.index + 1,
                                     result.error["ename"], result.error["evalue"])
            if result.error:
                line = probe.line if first else self.origin[index].line
                return Failed(self.origin[index], result.error["ename"],
                              result.error["evalue"], line), None
        return None, None

    async def variants(self, probes: list[VariantProbe]) -> tuple[list[Verdict],
                                                                   Failure | None]:
        """Every variant of one cell, each from the state the cell found."""
        index = self.position[probes[0].cell.index]
        saved = await self.hidden(index, SAVE_STATE)
        if saved.error:
            return [], self.failure(index, saved)
        verdicts = []
        for probe in probes:
            failed, fatal = await self.variant(probe)
            if fatal:
                return verdicts, fatal
            verdicts.append(variants.judge(probe, failed, self.root, self.lesson.path))
            restored = await self.hidden(index, RESTORE_STATE)
            if restored.error:
                return verdicts, self.failure(index, restored)
        return verdicts, None

    async def walk(self, probes: list[Probe], progress: Progress,
                   declared: list[VariantProbe] = ()) -> Execution:
        pending = {p.stub.index: p for p in probes if p.check is not None or p.declared}
        by_cell: dict[int, list[VariantProbe]] = {}
        for probe in declared:
            if probe.checks:
                by_cell.setdefault(probe.cell.index, []).append(probe)
        out = Execution(self.nb, transcript=self.transcript)
        code = [i for i, c in enumerate(self.nb.cells) if c.cell_type == "code"]
        for done, index in enumerate(code):
            progress(done + 1, len(code))
            origin = self.origin[index]
            if origin is not None and origin.index in by_cell:
                verdicts, fatal = await self.variants(by_cell.pop(origin.index))
                out.verdicts += verdicts
                if fatal:
                    out.failure, out.unprobed = fatal, len(pending)
                    return out
            probe = pending.pop(origin.index, None) if origin is not None else None
            if probe is not None:
                problem, fatal = await self.probe(probe)
                out.problems += [problem] if problem else []
                if fatal:
                    out.failure, out.unprobed = fatal, len(pending)
                    return out
            result = await self.run(index)
            if result.error:
                out.failure, out.unprobed = self.failure(index, result), len(pending)
                return out
        renumber(self.nb)
        known = build_paths(self.root)  # stored and published: no path of this machine
        for cell in self.nb.cells:
            rewrite_output_paths(cell.get("outputs", []), known)
        out.dependencies = await imported_distributions(self.session)
        return out


async def imported_distributions(session: KernelSession) -> dict:
    """What the run imported, for its cache entry (cache.DEPENDENCY_PROBE)."""
    try:
        printed = await session.evaluate(DEPENDENCY_PROBE)
    except Exception:  # noqa: BLE001 - a timeout, a dead kernel: the run itself passed
        printed = ""   # parse_dependencies turns this into an entry that is never reused
    return parse_dependencies(printed)


def renumber(nb: NotebookNode) -> None:
    """Execution counts 1, 2, 3… as a clean top-to-bottom run shows them (probes ran too)."""
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code" or not cell.source.strip():
            continue  # nbclient does not run empty cells
        count += 1
        cell.execution_count = count
        for output in cell.outputs:
            if output.output_type == "execute_result":
                output.execution_count = count


async def execute(session: KernelSession, lesson: Lesson, nb: NotebookNode,
                  probes: list[Probe], root: Path, progress: Progress,
                  declared: list[VariantProbe] = ()) -> Execution:
    return await LessonRun(session, lesson, nb, root).walk(probes, progress, declared)
