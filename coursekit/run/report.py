"""``build/report.json`` and the table printed after ``verify``.

The report holds one entry per lesson × profile × backend. A verify run replaces the
entries it ran and keeps the others (so a TensorFlow run and a JAX run add up); entries of
lessons that no longer exist are dropped. It is written once, atomically, at the end.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import sys
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path

from ..config import Project
from ..errors import CourseError
from ..fsutil import write_atomic

REPORT_NAME = "report.json"
INJECTED = "injected-parameters"  # papermill's cell with the profile's parameters
PASSED = "passed"  # the status of a run that met its targets and its contract
SUMMARY_PACKAGES = ("keras", "numpy", "papermill", "nbclient", "ipykernel")


@dataclass
class RunRecord:
    lesson: str
    profile: str
    backend: str
    status: str = "failed"          # passed / failed
    cached: bool = False
    seconds: float = 0.0            # of the execution that produced the result
    metrics: dict = field(default_factory=dict)
    targets: dict = field(default_factory=dict)
    contract: str = "failed"        # passed / failed
    contract_problems: list = field(default_factory=list)
    # declared alternatives passed and mistakes caught (run/variants.py tally)
    checks: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)  # missed targets, missing metrics
    error: dict | None = None       # path, line, cell, exception, message
    parameters: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)       # data file -> "data-dir" / "download"
    executed: str | None = None     # the executed notebook, relative to the project
    date: str = ""                  # UTC day of the execution
    device: dict = field(default_factory=dict)
    packages: dict = field(default_factory=dict)
    dependencies: dict = field(default_factory=dict)  # distributions the run imported
    key: str = ""
    worker: str | None = None       # the Dask worker that ran it (verify --scheduler)
    earlier_tries: list = field(default_factory=list)  # workers whose try did not finish it
    # verify --seeds N (N > 1): each seed's run, and per metric the worst, mean and spread
    # (run/seeds.py); None, and left out of report.json, for a one-seed verify
    seeds: dict | None = None

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def settle(self) -> None:
        """Contract and status from what was found: the one rule for a fresh run and a
        cache hit (whose stored record is never taken at its word)."""
        self.contract = "failed" if self.contract_problems else "passed"
        ok = self.error is None and not self.problems and self.contract == "passed"
        self.status = PASSED if ok else "failed"

    def ident(self) -> tuple[str, str, str]:
        return (self.lesson, self.profile, self.backend)

    def messages(self) -> list[str]:
        """What went wrong, one line each (empty when it passed)."""
        lines = list(self.problems) + list(self.contract_problems)
        if self.error:
            where = self.error["path"] + (f":{self.error['line']}" if self.error["line"] else "")
            cell = f" (cell {self.error['cell']})" if self.error.get("cell") else ""
            lines.insert(0, f"{where}{cell}: {self.error['exception']}: {self.error['message']}")
        return lines


def utc_day() -> str:
    """A run's ``date``: the UTC day, no time (generated files carry no timestamps)."""
    return datetime.now(UTC).strftime("%Y-%m-%d")


def package_versions(backend_package: str) -> dict:
    found = {"python": platform.python_version()}
    for name in (*SUMMARY_PACKAGES, *filter(None, [backend_package])):  # "": no backend
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = None
    return found


def device_info() -> dict:
    """The machine the kernels run on; GPUs as the NVIDIA driver lists them (none here)."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    gpus = []
    for info in sorted(Path("/proc/driver/nvidia/gpus").glob("*/information")):
        model = next((line.split(":", 1)[1].strip() for line in info.read_text().splitlines()
                      if line.startswith("Model")), "NVIDIA GPU")
        gpus.append(model)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"cpu": cpu, "cores": cores, "gpus": gpus, "platform": sys.platform}


@dataclass
class Report:
    runs: list[RunRecord]
    path: Path
    notes: list[str] = field(default_factory=list)  # what happened to the earlier entries
    # lessons whose input was wrong (verify sets them aside; each also has a failed run)
    input_errors: list[CourseError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(run.passed for run in self.runs)

    def table(self) -> str:
        rows = [("lesson", "profile", "backend", "status", "contract", "checks", "cached",
                 "seconds", "metrics")]
        for run in self.runs:
            rows.append((run.lesson, run.profile, run.backend, run.status, run.contract,
                         checks_text(run.checks), "yes" if run.cached else "no",
                         f"{run.seconds:.1f}", _metrics_text(run.metrics, run.seeds)))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
        # the last column (metrics) is left unpadded: zip stops at the padded columns
        lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
                 + "  " + row[-1] for row in rows]
        lines.insert(1, "  ".join("-" * w for w in widths) + "  -------")
        return "\n".join(line.rstrip() for line in lines)

    def retries(self) -> list[str]:
        """A line for each run the Dask scheduler had to start again."""
        return [f"{run.lesson} [{run.profile}, {run.backend}] ran {len(run.earlier_tries) + 1} "
                f"times: {', '.join(run.earlier_tries)} did not finish it (a worker that died, "
                f"or a kernel that did not start); {run.worker} did"
                for run in self.runs if run.earlier_tries]

    def summary(self, root: Path) -> str:
        """What `verify` prints: each failure and why, the table, the counts."""
        lines = []
        for run in self.runs:
            if not run.passed:
                lines.append(f"FAILED {run.lesson} [{run.profile}, {run.backend}]")
                lines += [f"  {line}" for line in run.messages()]
                if run.executed:  # none for a lesson whose input was wrong
                    lines.append(f"  executed notebook: {run.executed}")
                if run.worker:
                    lines.append(f"  Dask worker: {run.worker}")
        failed = sum(not run.passed for run in self.runs)
        lines += [f"note: {note}" for note in self.notes + self.retries()]
        lines += [self.table(), f"{len(self.runs) - failed} passed, {failed} failed; "
                                f"report: {self.path.relative_to(root)}"]
        return "\n".join(lines)


def checks_text(checks: dict | None, empty: str = "-") -> str:
    """``{"alternatives": …, "mistakes": …, "unhelpful": k}`` in a few words."""
    alternatives = (checks or {}).get("alternatives") or {}
    mistakes = (checks or {}).get("mistakes") or {}
    if not alternatives.get("total") and not mistakes.get("total"):
        return empty
    text = (f"{alternatives.get('passed', 0)}/{alternatives.get('total', 0)} alternatives "
            f"pass, {mistakes.get('caught', 0)}/{mistakes.get('total', 0)} mistakes caught")
    unhelpful = checks.get("unhelpful") or 0
    return text + (f", {unhelpful} unhelpful" if unhelpful else "")


def worst_text(name: str, seeds: dict | None) -> str | None:
    """``worst 0.7212 (seed 43) of 3, mean 0.7231, spread 0.0037`` for a targeted metric
    of a verify --seeds entry (run/seeds.py); None for a one-seed run or no target."""
    item = ((seeds or {}).get("summary") or {}).get(name)
    if not isinstance(item, dict) or "worst" not in item:
        return None
    return (f"worst {_show(item['worst'])} (seed {item['worst_seed']}) of "
            f"{item['seeds']}, mean {_show(item['mean'])}, spread {_show(item['spread'])}")


def _show(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _metrics_text(metrics: dict, seeds: dict | None = None) -> str:
    def show(name, value):
        worst = worst_text(name, seeds)
        return _show(value) + (f" ({worst})" if worst else "")
    return ", ".join(f"{k}={show(k, v)}" for k, v in sorted(metrics.items())) or "-"


def write_report(build: Path, runs: list[RunRecord], lessons: set[str], device: dict,
                 packages: dict) -> Report:
    path = build / REPORT_NAME
    fresh = {run.ident() for run in runs}
    previous, notes = _previous_runs(path)
    kept = [entry for entry in previous
            if entry.get("lesson") in lessons
            and (entry.get("lesson"), entry.get("profile"), entry.get("backend")) not in fresh]
    entries = sorted(kept + [_entry(run) for run in runs],
                     key=lambda e: (e["lesson"], e["profile"], e["backend"]))
    document = {"device": device, "packages": packages, "runs": entries}
    write_atomic({path: (json.dumps(document, indent=2, sort_keys=True) + "\n").encode()})
    return Report(runs, path, notes)


def _entry(run: RunRecord) -> dict:
    """A run as report.json keeps it: a one-seed run's entry is what it was before
    --seeds existed."""
    entry = asdict(run)
    if entry["seeds"] is None:
        del entry["seeds"]
    return entry


def _previous_runs(path: Path) -> tuple[list[dict], list[str]]:
    """The earlier report's well-formed entries, and a note for each thing dropped: a
    verify of some lessons keeps the others' entries, or says it could not."""
    if not path.is_file():
        return [], []
    redo = "verify the other lessons again to get their entries back"
    try:
        runs = json.loads(path.read_text(encoding="utf-8")).get("runs", [])
    except (OSError, ValueError, AttributeError) as exc:
        return [], [f"{path.name} could not be read ({exc}); the entries of lessons not "
                    f"verified now were dropped: {redo}"]
    if not isinstance(runs, list):
        return [], [f"{path.name} had no list of runs; earlier entries dropped: {redo}"]
    kept, notes = [], []
    for number, entry in enumerate(runs, start=1):
        problem = entry_problem(entry)
        if problem is None:
            kept.append(entry)
        else:
            notes.append(f"{path.name}: dropped run {number}: {problem}; {redo}")
    return kept, notes


# a report entry's fields and their JSON types, from RunRecord; these four are required
_TYPES = {"str": (str,), "bool": (bool,), "float": (int, float), "dict": (dict,),
          "list": (list,)}
REQUIRED = ("lesson", "profile", "backend", "status")


def entry_problem(entry) -> str | None:
    """What is wrong with one report entry (a missing or mistyped field), or None."""
    if not isinstance(entry, dict):
        return f"{type(entry).__name__}, not an object"
    name = f"lesson {entry.get('lesson')!r}"
    for key in REQUIRED:
        if key not in entry:
            return f"{name} has no '{key}'"
    for spec in fields(RunRecord):
        parts = [part.strip() for part in str(spec.type).split("|")]
        if spec.name in entry and not _fits(entry[spec.name], parts):
            return (f"{name}: '{spec.name}' is {json.dumps(entry[spec.name])[:40]}, not "
                    f"{spec.type}")
    return None


def _fits(value, parts: list[str]) -> bool:
    if value is None or not all(part in _TYPES or part == "None" for part in parts):
        return value is not None or "None" in parts  # a type this check does not know: ok
    kinds = tuple(kind for part in parts for kind in _TYPES.get(part, ()))
    # JSON's true is no number: bool is a subclass of int in Python
    return isinstance(value, kinds) and (bool in kinds or not isinstance(value, bool))


# --- reading the last verification back (the site, the bundle) ----------------------

def report_path(project: Project) -> Path:
    return project.build / REPORT_NAME


def executed_path(project: Project, run: dict) -> Path:
    if run.get("executed"):  # the report names it, relative to the project
        return project.root / run["executed"]
    return (project.build / "executed" / str(run.get("profile")) / str(run.get("backend"))
            / f"{run.get('lesson')}.ipynb")


def load_runs(project: Project) -> list[dict]:
    """The runs of the last verification; none when it never ran."""
    path = report_path(project)
    if not path.is_file():
        return []
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise CourseError(f"not valid JSON: {exc.msg}", path=path, line=exc.lineno,
                          hint="run `python build.py verify` to write it again") from None
    runs = report.get("runs") if isinstance(report, dict) else None
    if not isinstance(runs, list):
        raise CourseError("expected {\"runs\": [...]}", path=path,
                          hint="run `python build.py verify` to write it again")
    for number, run in enumerate(runs, start=1):
        problem = entry_problem(run)
        if problem is not None:
            raise CourseError(f"run {number}: {problem}", path=path,
                              hint="run `python build.py verify` to write it again")
    return runs


def pick_run(runs: list[dict], stem: str, profile: str | None,
             backend: str | None) -> dict | None:
    """The lesson's run to publish (None matches any profile or backend): a passed run
    before a failed one, then the latest date, then the last in the report."""
    found = [(run.get("status") == "passed", str(run.get("date") or ""), number, run)
             for number, run in enumerate(runs) if run.get("lesson") == stem
             and profile in (None, run.get("profile")) and backend in (None, run.get("backend"))]
    return max(found, key=lambda entry: entry[:3])[3] if found else None
