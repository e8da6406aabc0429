"""The run cache: a passed run is kept under a key of everything that can change its result.

The key covers the lesson's code cells (both versions, in order, with their tags), the
injected parameters, the profile and its targets, the backend, every installed package's
version, the data files' hashes and the source of the build's execution code. Markdown is
left out on purpose: a cached run's outputs are poured back into the current notebook, so
editing prose re-runs nothing. Each entry is one JSON file, written atomically; failed
runs are never stored.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from ..fsutil import write_atomic
from ..source.lesson import Lesson

# the modules whose behaviour decides a run's outcome; editing one invalidates the cache
EXECUTION_CODE = ("kernel.py", "execute.py", "contract.py", "metrics.py", "tracebacks.py",
                  "cache.py", "variants.py")


def installed_packages() -> list[str]:
    """Every distribution on ``sys.path`` as its metadata folder (``keras-3.15.1.dist-info``).

    The folder names carry name and version; listing them takes milliseconds, where
    parsing every package's metadata (importlib.metadata) takes half a second.
    """
    found: set[str] = set()
    for entry in sys.path:
        folder = Path(entry)
        if entry and folder.is_dir():  # '' is the current folder: not an installation
            found.update(p.name for pattern in ("*.dist-info", "*.egg-info")
                         for p in folder.glob(pattern))
    return sorted(found)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def code_hash(folder: Path = Path(__file__).parent, names=EXECUTION_CODE) -> str:
    """Hash of the execution modules' source: changing how runs execute re-runs them."""
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode() + b"\0" + (folder / name).read_bytes() + b"\0")
    return digest.hexdigest()


def code_cells(lesson: Lesson) -> list[list]:
    # the declared alternatives and mistakes run too: editing one re-runs the lesson
    return [[c.tags, c.split.solution, c.split.exercise,
             [[v.kind, v.label, v.solution] for v in c.split.variants]]
            for c in lesson.cells if c.cell_type == "code"]


def run_key(lesson: Lesson, *, parameters: dict, profile: str, targets: dict, backend: str,
            data: dict, packages: list[str], code: str) -> str:
    payload = {"cells": code_cells(lesson), "parameters": parameters, "profile": profile,
               "targets": targets, "backend": backend, "data": data, "packages": packages,
               "python": sys.version, "code": code}
    text = json.dumps(payload, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def code_outputs(nb: NotebookNode) -> list[dict]:
    return [{"execution_count": c.get("execution_count"), "outputs": c.get("outputs", [])}
            for c in nb.cells if c.cell_type == "code"]


def pour_outputs(nb: NotebookNode, saved: list[dict]) -> bool:
    """Put ``saved`` outputs into ``nb``'s code cells, in order; False if they do not fit."""
    cells = [c for c in nb.cells if c.cell_type == "code"]
    if len(cells) != len(saved):
        return False
    for cell, entry in zip(cells, saved):
        cell.execution_count = entry["execution_count"]
        cell.outputs = nbformat.from_dict(entry["outputs"])
    return True


class RunCache:
    def __init__(self, folder: Path):
        self.folder = folder

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def load(self, key: str) -> dict | None:
        """The entry, or None when absent or unreadable (then the run simply runs)."""
        try:
            entry = json.loads(self.path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return entry if isinstance(entry, dict) and entry.get("key") == key else None

    def store(self, key: str, record: dict, outputs: list[dict]) -> None:
        entry = {"key": key, "record": record, "outputs": outputs}
        write_atomic({self.path(key): json.dumps(entry, sort_keys=True).encode("utf-8")})
