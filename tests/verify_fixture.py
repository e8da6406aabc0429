"""Helpers of the verify tests: copies of the fixture courses, built and verified in-process.

The fixture lessons (tests/fixtures/verify/) are pure Python: no TensorFlow starts, so a
kernel costs about a second. Hooks driven by environment variables (the kernel inherits
the build's environment) let tests count runs, meet in parallel and interrupt a busy kernel.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat

from conftest import add_project_files
from coursekit import cli

FIXTURES = Path(__file__).parent / "fixtures" / "verify"
SITE_COURSE = Path(__file__).parent / "fixtures" / "site"  # copy_course("site", …)
DATA = FIXTURES / "data"


@dataclass
class Result:
    code: int
    out: str
    err: str


def copy_course(name: str, dest: Path, *, site: bool = False) -> Path:
    """A fresh copy of fixture course ``name`` (a folder of tests/fixtures/verify, or
    "site": tests/fixtures/site) in ``dest``, its notebooks generated; ``site``: with what
    building its site takes besides (:func:`add_project_files`)."""
    root = dest / name
    source = SITE_COURSE if name == "site" else FIXTURES / name
    shutil.copytree(source, root, ignore=shutil.ignore_patterns("golden"))
    if site:
        add_project_files(root)
    assert cli.main(["--root", str(root), "notebooks"]) == 0
    return root


def build(capsys, root: Path, *args: str) -> Result:
    """``build.py --root ROOT ARGS`` in this process (a kernel is the only subprocess)."""
    capsys.readouterr()
    code = cli.main(["--root", str(root), *args])
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


def quiet_build(root: Path, *args: str) -> Result:
    """``build.py --root ROOT ARGS`` in this process, its output captured here: for
    module-scoped fixtures, which cannot take ``capsys``."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["--root", str(root), *args])
    return Result(code, out.getvalue(), err.getvalue())


def run_of(root: Path, stem: str, profile: str = "smoke", backend: str = "tensorflow") -> dict:
    """The report's entry of one lesson's run."""
    return runs(root)[(stem, profile, backend)]


def runs(root: Path) -> dict[tuple[str, str, str], dict]:
    report = json.loads((root / "build" / "report.json").read_text())
    return {(r["lesson"], r["profile"], r["backend"]): r for r in report["runs"]}


def executed(root: Path, stem: str, profile: str = "smoke", backend: str = "tensorflow"):
    return nbformat.read(root / "build" / "executed" / profile / backend / f"{stem}.ipynb", 4)


def cell_text(nb, cell_id: str) -> str:
    """Everything a cell printed (streams) or displayed (text and JSON)."""
    cell = next(c for c in nb.cells if c.id == cell_id)
    parts = []
    for output in cell.outputs:
        parts.append(output.get("text", ""))
        parts += [json.dumps(v) if not isinstance(v, str) else v
                  for v in output.get("data", {}).values()]
    return "".join(parts)


def line_of(path: Path, text: str) -> int:
    """1-based line of the only line of ``path`` containing ``text``."""
    found = [n for n, line in enumerate(path.read_text().split("\n"), 1) if text in line]
    assert len(found) == 1, found
    return found[0]


def run_log(path: Path) -> list[str]:
    """The lessons whose kernels ran, in order (the fixtures append to VERIFY_FIXTURE_LOG)."""
    if not path.exists():
        return []
    return [line.split()[0] for line in path.read_text().splitlines()]
