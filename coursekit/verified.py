"""The last verification as the site sees it: ``build/report.json`` and the executed notebooks.

``python build.py verify`` writes them (``build/executed/<profile>/<backend>/<stem>.ipynb``).
A lesson whose run is missing, or whose executed code no longer matches its solution
notebook, is verified again before the site is built, so pages never show stale outputs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from .config import Project
from .errors import CourseError
from .verify import verify

INJECTED = "injected-parameters"  # papermill's cell with the profile's parameters
PASSED = "passed"  # the status of a run that met its targets and its contract


class NotVerified(CourseError):
    """A lesson the site needs has no passing run: the course failed a check (exit 1)."""

    exit_code = 1


@dataclass(frozen=True)
class Verified:
    run: dict | None
    executed: NotebookNode | None
    current: bool = False  # the executed code is the solution's code as it is now


def report_path(project: Project) -> Path:
    return project.build / "report.json"


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
    if not isinstance(runs, list) or not all(isinstance(run, dict) for run in runs):
        raise CourseError("expected {\"runs\": [...]}", path=path,
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


def is_current(executed: NotebookNode, solution: NotebookNode) -> bool:
    """The executed notebook ran the solution's code as it is now (cell by cell)."""
    ran = {cell.get("id"): cell.source for cell in executed.cells
           if cell.cell_type == "code" and INJECTED not in cell.metadata.get("tags", [])}
    return all(ran.get(cell.id) == cell.source
               for cell in solution.cells if cell.cell_type == "code")


def find_verified(project: Project, solutions: dict[str, NotebookNode], profile: str | None,
                  backend: str | None) -> dict[str, Verified]:
    """stem → its run and executed notebook. A failed run has no notebook to publish."""
    runs = load_runs(project)
    found = {}
    for stem, solution in solutions.items():
        run = pick_run(runs, stem, profile, backend)
        path = executed_path(project, run) if run else None
        if run is not None and run.get("status") != PASSED:
            found[stem] = Verified(run, None)
        elif path is None or not path.is_file():
            found[stem] = Verified(None, None)
        else:
            executed = nbformat.read(path, as_version=4)
            found[stem] = Verified(run, executed, is_current(executed, solution))
    return found


def ensure_verified(project: Project, solutions: dict[str, NotebookNode],
                    profile: str | None, backend: str | None,
                    data_dir: Path | None) -> dict[str, Verified]:
    """Like :func:`find_verified`, first verifying the lessons that need it."""
    found = find_verified(project, solutions, profile, backend)
    needed = sorted(stem for stem, v in found.items() if not v.current)
    if not needed:
        return found
    run_verification(project, needed, profile, backend, data_dir)
    found = find_verified(project, solutions, profile, backend)
    failed = sorted(stem for stem, v in found.items() if v.run and not v.current)
    missing = sorted(stem for stem, v in found.items() if not v.run)
    if failed or missing:
        what = [f"{', '.join(failed)} failed verification"] if failed else []
        what += [f"no verified run of {', '.join(missing)}"] if missing else []
        raise NotVerified(f"cannot build the site: {'; '.join(what)}",
                          path=report_path(project),
                          hint="`python build.py verify` shows what went wrong")
    return found


def run_verification(project: Project, stems: list[str], profile: str | None,
                     backend: str | None, data_dir: Path | None) -> None:
    options = {key: value for key, value in
               (("profile", profile), ("backend", backend), ("data_dir", data_dir)) if value}
    verify(project, lessons=stems, **options)
