"""The run cache: a passed run is kept under a key of everything that can change its result.

Two levels, because what a run imports is only known once it has run:

1. the **static key** (:func:`run_key`), known before any kernel starts: the lesson's code
   cells (both versions, in order, with their tags), the injected parameters, the profile
   and its targets, the backend, the kernel's Python, the data files' hashes and the
   source of the build's execution code. Markdown is left out on purpose: a cached run's
   outputs are poured back into the current notebook, so editing prose re-runs nothing.
2. the **dependencies** the entry records: every distribution whose modules the kernel
   had imported when the run ended, with its version (:data:`DEPENDENCY_PROBE`). A lookup
   is a hit only while each of them is still installed at that version, so installing an
   unrelated package keeps the run, upgrading an imported one re-runs it.

An entry holds the run's outcome, never the lesson it ran for: lessons with identical
code share the entry, and each takes its identity from its own job (runner.from_cache).
Failed runs are never stored. Where entries live is any fsspec URL (docs/verify.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import uuid
from pathlib import Path

import fsspec
import nbformat
from fsspec.implementations.local import LocalFileSystem
from nbformat import NotebookNode

from ..errors import CourseError
from ..source.lesson import Lesson

# the modules whose behaviour decides a run's outcome; editing one invalidates the cache
EXECUTION_CODE = ("kernel.py", "execute.py", "contract.py", "metrics.py", "tracebacks.py",
                  "cache.py", "variants.py")
CACHE_ENV = "COURSE_CACHE"
ENTRY_FOLDER = "verify"  # under the cache URL, as .cache/verify/ in the project

# Run in the kernel after the last cell: the distribution of every imported top-level
# module, as {distribution: version} on one line of JSON. It reads the *.dist-info folders
# on the kernel's sys.path (the first of a name wins, as for imports): their names give
# name and version, top_level.txt (else RECORD) the modules each provides. Same answer as
# importlib.metadata.packages_distributions() and version(), a tenth of a second instead
# of one and a half (no METADATA parsing). Underscored names and the del leave the
# student's namespace as it was.
DEPENDENCY_PROBE = """\
def _coursekit_dependencies():
    import json, os, sys
    imported = {name.partition(".")[0] for name in list(sys.modules)}
    found, seen = {}, set()
    for entry in sys.path:
        if not entry or not os.path.isdir(entry):
            continue
        for meta in sorted(os.listdir(entry)):
            if not meta.endswith(".dist-info"):
                continue
            name, _, version = meta[:-len(".dist-info")].partition("-")
            if name.lower().replace("-", "_").replace(".", "_") in seen:
                continue
            seen.add(name.lower().replace("-", "_").replace(".", "_"))
            try:
                with open(os.path.join(entry, meta, "top_level.txt")) as handle:
                    provides = set(handle.read().split())
            except OSError:
                try:
                    with open(os.path.join(entry, meta, "RECORD")) as handle:
                        provides = {line.split("/", 1)[0].split(",", 1)[0].split(".", 1)[0]
                                    for line in handle}
                except OSError:
                    continue
            if provides & imported:
                found[name] = version
    print(json.dumps(found, sort_keys=True))
_coursekit_dependencies()
del _coursekit_dependencies
"""


def normalized(name: str) -> str:
    """A distribution name as PEP 503 compares them: ``PyYAML``, ``pyyaml`` → ``pyyaml``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_versions(path: list[str] | None = None) -> dict[str, str | None]:
    """Every distribution on ``sys.path``: normalized name → version, the first one wins
    (as for the import system).

    Read from the metadata folder names (``keras-3.15.1.dist-info``): milliseconds, where
    parsing every package's metadata takes a second.
    """
    found: dict[str, str | None] = {}
    for entry in sys.path if path is None else path:
        folder = Path(entry)
        if not entry or not folder.is_dir():  # '' is the current folder: no installation
            continue
        for meta in sorted([*folder.glob("*.dist-info"), *folder.glob("*.egg-info")]):
            name, _, rest = meta.name.rsplit(".", 1)[0].partition("-")
            found.setdefault(normalized(name), rest.split("-")[0] or None)
    return found


def stale_dependencies(recorded: dict, installed: dict) -> list[str]:
    """The recorded distributions that are gone or at another version now."""
    return sorted(name for name, version in recorded.items()
                  if installed.get(normalized(name)) != version)


def parse_dependencies(text: str) -> dict[str, str]:
    """What :data:`DEPENDENCY_PROBE` printed; a run whose list cannot be read gets
    a sentinel that never matches, so it is stored but never reused."""
    try:
        found = json.loads(text.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"<unknown>": "<unknown>"}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else \
        {"<unknown>": "<unknown>"}


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
            data: dict, python: str, code: str) -> str:
    """The static key; the lesson's name and prose are not in it (see the module doc)."""
    payload = {"cells": code_cells(lesson), "parameters": parameters, "profile": profile,
               "targets": targets, "backend": backend, "data": data, "python": python,
               "code": code}
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
    """Entries as ``<url>/verify/<static key>.json`` on any fsspec file system.

    ``get`` and ``put`` are all an executor needs, local or remote: both run where the
    report is written, so workers never touch the cache.
    """

    def __init__(self, url: str | Path):
        try:
            self.fs, root = fsspec.core.url_to_fs(str(url))
        except (ImportError, ValueError) as exc:
            raise CourseError(f"cannot open the run cache {url}: {exc}",
                              hint=f"--cache (or ${CACHE_ENV}) takes a folder or an fsspec URL "
                                   "(file://, s3://, gs://); s3:// needs s3fs, gs:// gcsfs "
                                   "installed") from None
        self.url = str(url)
        self.root = f"{root.rstrip('/')}/{ENTRY_FOLDER}"

    def path(self, key: str) -> str:
        return f"{self.root}/{key}.json"

    def get(self, key: str, installed: dict) -> dict | None:
        """The entry for ``key`` whose dependencies are all installed as recorded; None when
        absent, unreadable, half-written or stale (then the run simply runs)."""
        try:
            entry = json.loads(self.fs.cat_file(self.path(key)))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key \
                or not isinstance(entry.get("dependencies"), dict):
            return None
        return None if stale_dependencies(entry["dependencies"], installed) else entry

    def put(self, key: str, outcome: dict, outputs: list[dict], dependencies: dict) -> None:
        """Store a passed run; a reader sees the whole entry or none of it."""
        entry = {"key": key, "dependencies": dependencies, "record": outcome,
                 "outputs": outputs}
        data = json.dumps(entry, sort_keys=True).encode("utf-8")
        self.fs.makedirs(self.root, exist_ok=True)
        if isinstance(self.fs, LocalFileSystem):
            self._write_renamed(self.path(key), data)
        else:
            # object stores (S3, GCS, Azure) publish an object only once its upload is
            # complete, multipart ones included: a single PUT is already atomic
            self.fs.pipe_file(self.path(key), data)

    def _write_renamed(self, path: str, data: bytes) -> None:
        """A file system shows partial writes: write beside, then rename over."""
        temporary = f"{self.root}/.{uuid.uuid4().hex}.tmp"
        try:
            self.fs.pipe_file(temporary, data)
            self.fs.mv(temporary, path)
        finally:
            if self.fs.exists(temporary):
                self.fs.rm_file(temporary)


def open_cache(url: str | Path | None, default: Path) -> RunCache:
    """``--cache URL``, else ``$COURSE_CACHE``, else the project's ``.cache/``."""
    return RunCache(url or os.environ.get(CACHE_ENV) or default)
