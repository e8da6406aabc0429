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

An entry is trusted only as far as it can be checked: it is signed (HMAC-SHA256, with
``$COURSE_CACHE_KEY`` or the clone's own key), its shape is validated, it says what its
run proved (stubs probed, variants run), and a hit derives the status again from the
outputs and the current targets instead of reading one (docs/verify.md, "Who can write
the cache").
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import sys
import uuid
from pathlib import Path

import fsspec
import nbformat
from fsspec.implementations.local import LocalFileSystem
from nbformat import NotebookNode

from ..errors import CourseError
from ..source.data_record import file_sha256  # noqa: F401 (verify's, one home)
from ..source.lesson import Lesson
from ..source.pins import normalized
from ..source.transforms import cell_id

# the modules whose behaviour decides a run's outcome; editing one invalidates the cache
EXECUTION_CODE = ("kernel.py", "execute.py", "contract.py", "metrics.py", "tracebacks.py",
                  "cache.py", "variants.py", "figures.py",
                  # the notebooks' setup cell runs in every run: a new one is proven again
                  "../source/setup_cell.py", "../source/templates/setup_checks.py.tmpl",
                  "../source/templates/setup_cell.py.tmpl")
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
    """Put ``saved`` outputs into ``nb``'s code cells, in order; False if they do not fit
    (another number of code cells, or outputs that are not valid nbformat)."""
    cells = [c for c in nb.cells if c.cell_type == "code"]
    if len(cells) != len(saved):
        return False
    for cell, entry in zip(cells, saved, strict=True):
        cell.execution_count = entry["execution_count"]
        cell.outputs = nbformat.from_dict(entry["outputs"])
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError:
        return False
    return True


# --- what an entry proves -----------------------------------------------------------
# The key covers the code, not how thoroughly a run exercised it: a run that skipped the
# declared variants (an executor that never passed them) passes with less proven. So an
# entry lists what its run proved, and a lookup is a hit only when that covers what the
# current job must prove. Identities are digests of content, not file lines, so that
# editing prose (which moves lines) still re-runs nothing.
DECLARED = {"alternative": "passed", "mistake": "caught"}  # variants.ALTERNATIVE/MISTAKE


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:16]


def _stub_id(probe) -> str:
    return _digest(probe.stub.split.solution, probe.stub.split.exercise)


def _variant_id(probe, outcome: str) -> str:
    variant = probe.variant
    return f"{probe.kind}:{_digest(variant.label or '', variant.solution)}:{outcome}"


def proof_of(probes: list, execution) -> dict:
    """What a run proved, from what it ran: each stub whose exercise version ran as a
    probe (execute.py's transcript) and each variant that ran, with its verdict."""
    probed = {cell.get("id") for cell in execution.transcript
              if cell.get("metadata", {}).get("coursekit", {}).get("probe") == "exercise"}
    return {"stubs": sorted({_stub_id(p) for p in probes
                             if p.check is not None and cell_id(p.stub.index) in probed}),
            "variants": sorted({_variant_id(v.probe, v.outcome) for v in execution.verdicts})}


def needed_proof(probes: list, variant_probes: list) -> dict:
    """What a run of the current job must prove to stand for it."""
    return {"stubs": sorted({_stub_id(p) for p in probes if p.check is not None}),
            "variants": sorted({_variant_id(p, DECLARED[p.kind])
                                for p in variant_probes if p.checks})}


def proves(proof: dict, needed: dict) -> bool:
    return all(set(needed[part]) <= set(proof.get(part, ())) for part in needed)


# --- the entry's shape and signature -------------------------------------------------
ENTRY_FORMAT = 2
KEY_ENV = "COURSE_CACHE_KEY"
# what sign() writes; compare_digest raises on other text (a non-ASCII planted signature)
_SIGNATURE = re.compile(r"[0-9a-f]{64}")
KEY_FILE = "cache.key"  # the clone's own key, in the project's .cache/ (docs/verify.md)
MIN_KEY_CHARS = 16
_NUMBER, _NONE = (int, float), type(None)
# what an entry keeps of a run's record, with its JSON types. Never the status, the
# metrics or the problems: a hit derives those again from the outputs and the current
# profile (runner.from_cache). The identity comes from the job being served.
OUTCOME = {"seconds": _NUMBER, "checks": dict, "date": str, "device": dict,
           "packages": dict, "worker": (str, _NONE)}
_ENTRY = {"format": int, "key": str, "dependencies": dict, "outcome": dict, "proof": dict,
          "outputs": list}


def outcome(record) -> dict:
    return {name: getattr(record, name) for name in OUTCOME}


def shape_problem(entry: dict, key: str) -> str | None:
    """What is wrong with an entry's shape (None when it is sound), in a few words."""
    if entry.get("format") != ENTRY_FORMAT:
        return f"format {entry.get('format')!r}, not {ENTRY_FORMAT} (another coursekit wrote it)"
    for fields, where in ((_ENTRY, entry), (OUTCOME, entry.get("outcome"))):
        for name, kind in fields.items():
            value = where.get(name, KeyError) if isinstance(where, dict) else KeyError
            if value is KeyError:
                return f"no field '{name}'"
            if isinstance(value, bool) or not isinstance(value, kind):
                return f"'{name}' is {type(value).__name__}"
    if entry["key"] != key:
        return "it is stored under another key"
    deps = entry["dependencies"]
    if not deps or not all(isinstance(k, str) and isinstance(v, str) for k, v in deps.items()):
        return "its dependencies are empty or not name: version"  # an empty one matches nothing
    proof = entry["proof"]
    if not all(isinstance(proof.get(part), list)
               and all(isinstance(item, str) for item in proof[part])
               for part in ("stubs", "variants")):
        return "its proof is not lists of stubs and variants"
    return _outputs_problem(entry["outputs"])


def _outputs_problem(outputs: list) -> str | None:
    for cell in outputs:
        if not isinstance(cell, dict) or not isinstance(cell.get("outputs"), list) or \
                not isinstance(cell.get("execution_count", KeyError), (int, _NONE)):
            return "an output cell is not {execution_count, outputs}"
        if not all(isinstance(o, dict) for o in cell["outputs"]):
            return "an output is not an object"
        if any(o.get("output_type") == "error" for o in cell["outputs"]):
            return "it holds an error output: no passed run has one"
    return None


def canonical(body: dict) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sign(body: dict, secret: bytes) -> str:
    return hmac.new(secret, canonical(body), hashlib.sha256).hexdigest()


def environment_key() -> bytes | None:
    """``$COURSE_CACHE_KEY``, the key everyone sharing a cache holds; None when unset."""
    value = os.environ.get(KEY_ENV, "")
    if not value:
        return None
    if len(value) < MIN_KEY_CHARS:
        raise CourseError(f"${KEY_ENV} is {len(value)} characters; a cache key needs at least "
                          f"{MIN_KEY_CHARS}",
                          hint="make one with `python -c \"import secrets; "
                               "print(secrets.token_hex(32))\"` and give it to everyone who "
                               "shares the cache")
    return value.encode("utf-8")


def clone_key(path: Path, create: bool) -> bytes | None:
    """This clone's own key (``.cache/cache.key``), made at the first write: random,
    readable by its owner only, never shared, so no entry made elsewhere matches it."""
    try:
        return path.read_bytes().strip() or None
    except FileNotFoundError:
        if not create:
            return None
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{uuid.uuid4().hex}.key")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    try:
        os.link(temporary, path)  # atomic and exclusive: two first runs agree on one key
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    return path.read_bytes().strip()


class RunCache:
    """Signed entries as ``<url>/verify/<static key>.json`` on any fsspec file system.

    ``get`` and ``put`` are all an executor needs, local or remote: both run where the
    report is written, so workers never touch the cache. Entries are signed with
    HMAC-SHA256: with ``$COURSE_CACHE_KEY`` when set, else with the clone's own key in
    ``key_file``; an entry that is unsigned, signed with another key or of the wrong shape
    is never used (docs/verify.md, "Who can write the cache").
    """

    def __init__(self, url: str | Path, key_file: Path | None = None):
        try:
            self.fs, root = fsspec.core.url_to_fs(str(url))
        except (ImportError, ValueError) as exc:
            raise CourseError(f"cannot open the run cache {url}: {exc}",
                              hint=f"--cache (or ${CACHE_ENV}) takes a folder or an fsspec URL "
                                   "(file://, s3://, gs://); s3:// needs `pip install "
                                   "'coursekit[s3]'`, gs:// `pip install 'coursekit[gcs]'`"
                                   ) from None
        self.url = str(url)
        self.root = f"{root.rstrip('/')}/{ENTRY_FOLDER}"
        self.shared_key = environment_key()
        self.key_file = key_file

    def secret(self, create: bool = False) -> bytes | None:
        if self.shared_key is not None:
            return self.shared_key
        return clone_key(self.key_file, create) if self.key_file is not None else None

    def path(self, key: str) -> str:
        return f"{self.root}/{key}.json"

    def where(self, key: str) -> str:
        """The entry as a user finds it: a path, or a URL on a remote file system."""
        path = self.path(key)
        return path if isinstance(self.fs, LocalFileSystem) else self.fs.unstrip_protocol(path)

    def get(self, key: str, installed: dict, warn=lambda text: None) -> dict | None:
        """The sound, signed entry for ``key`` whose dependencies are all installed as
        recorded; None otherwise, and ``warn`` says why unless it is simply absent or stale."""
        try:
            data = self.fs.cat_file(self.path(key))
        except FileNotFoundError:
            return None
        except OSError as exc:
            warn(f"cache entry {self.where(key)} cannot be read ({exc}); running it again")
            return None
        problem, entry = self._check(key, data)
        if problem:
            warn(f"cache entry {self.where(key)} ignored: {problem}; running it again")
            return None
        return None if stale_dependencies(entry["dependencies"], installed) else entry

    def _check(self, key: str, data: bytes) -> tuple[str | None, dict | None]:
        try:
            entry = json.loads(data)
        except (ValueError, RecursionError):  # RecursionError: nesting planted to crash us
            return "not valid JSON (cut short?)", None
        if not isinstance(entry, dict) or not isinstance(entry.get("signature"), str) \
                or not _SIGNATURE.fullmatch(entry["signature"]):
            return "it is not signed", None
        body = {name: value for name, value in entry.items() if name != "signature"}
        secret = self.secret()
        if secret is None or not hmac.compare_digest(sign(body, secret), entry["signature"]):
            whose = f"${KEY_ENV}" if self.shared_key else f"this clone's key ({self.key_file})"
            return f"its signature does not match {whose}", None
        problem = shape_problem(body, key)
        return (f"wrong shape: {problem}", None) if problem else (None, body)

    def put(self, key: str, outcome: dict, outputs: list[dict], dependencies: dict,
            proof: dict) -> None:
        """Store a passed run, signed; a reader sees the whole entry or none of it."""
        body = {"format": ENTRY_FORMAT, "key": key, "dependencies": dependencies,
                "outcome": outcome, "proof": proof, "outputs": outputs}
        secret = self.secret(create=True)
        if secret is None:  # no $COURSE_CACHE_KEY and no clone to keep a key in
            raise OSError(f"no key to sign with: set ${KEY_ENV}")
        data = json.dumps({**body, "signature": sign(body, secret)}, sort_keys=True)
        self.fs.makedirs(self.root, exist_ok=True)
        if isinstance(self.fs, LocalFileSystem):
            self._write_renamed(self.path(key), data.encode("utf-8"))
        else:
            # object stores (S3, GCS, Azure) publish an object only once its upload is
            # complete, multipart ones included: a single PUT is already atomic
            self.fs.pipe_file(self.path(key), data.encode("utf-8"))

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
    """``--cache URL``, else ``$COURSE_CACHE``, else the project's ``.cache/``; signed with
    ``$COURSE_CACHE_KEY``, else with the clone's key in ``.cache/cache.key``."""
    return RunCache(url or os.environ.get(CACHE_ENV) or default, key_file=default / KEY_FILE)
