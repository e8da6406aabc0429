"""The run cache end to end: keyed on what the run imported, shared by clones, atomic."""

from __future__ import annotations

import json
import time

import pytest

from conftest import lesson_source, make_course
from coursekit.run import cache as cache_module
from coursekit.run.cache import RunCache
from verify_fixture import DATA, build, copy_course, executed, run_log, runs

SHARED_KEY = "a key the course's users share"
OUTCOME = {"seconds": 1.5, "checks": {}, "date": "2026-01-01", "device": {}, "packages": {},
           "worker": None}
PROOF = {"stubs": [], "variants": []}
DEPENDENCIES = {"numpy": "2.4.6"}

IMPORTER = '''
# %%
import os

import fakedep

if os.environ.get("VERIFY_FIXTURE_LOG"):
    with open(os.environ["VERIFY_FIXTURE_LOG"], "a") as handle:
        handle.write("01_importer\\n")

# %%
version = fakedep.VERSION  # SOLUTION

# %% tags=["check"]
assert isinstance(version, str), "read fakedep.VERSION"
'''


def install(site, name: str, version: str, module: str | None = None) -> None:
    """A distribution as pip leaves it: its metadata folder and, optionally, its module."""
    meta = site / f"{name}-{version}.dist-info"
    meta.mkdir(parents=True)
    (meta / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    if module:
        (meta / "top_level.txt").write_text(module + "\n")
        (site / module).mkdir(exist_ok=True)
        (site / module / "__init__.py").write_text(f"VERSION = {version!r}\n")


def uninstall(site, name: str, version: str) -> None:
    for path in sorted((site / f"{name}-{version}.dist-info").iterdir()):
        path.unlink()
    (site / f"{name}-{version}.dist-info").rmdir()


@pytest.fixture
def importer(tmp_path, monkeypatch):
    """A lesson importing ``fakedep`` 1.0 from a site folder on the kernel's and the
    build's path (the kernel inherits PYTHONPATH; the build reads sys.path)."""
    site = tmp_path / "site-packages"
    install(site, "fakedep", "1.0", module="fakedep")
    monkeypatch.setenv("PYTHONPATH", str(site))
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("VERIFY_FIXTURE_LOG", str(tmp_path / "runs.log"))
    root = make_course(tmp_path / "course", {"01_importer": lesson_source(IMPORTER)})
    return root, site, tmp_path / "runs.log"


def test_an_unrelated_install_keeps_the_run_an_imported_upgrade_reruns_it(importer, capsys):
    root, site, log = importer
    assert build(capsys, root, "notebooks").code == 0
    first = build(capsys, root, "verify")
    assert first.code == 0, first.out + first.err
    run = runs(root)[("01_importer", "smoke", "tensorflow")]
    assert run["dependencies"]["fakedep"] == "1.0" and "ipykernel" in run["dependencies"]
    assert "unrelated" not in run["dependencies"]
    # a new distribution on the path, never imported: the key of "every installed
    # distribution" would change here; the run must stay cached
    install(site, "unrelated", "9.9", module="unrelated")
    assert build(capsys, root, "verify").code == 0
    assert run_log(log) == ["01_importer"]
    assert runs(root)[("01_importer", "smoke", "tensorflow")]["cached"] is True
    # the imported distribution upgraded: the run runs again, and records the new version
    uninstall(site, "fakedep", "1.0")
    install(site, "fakedep", "1.1", module="fakedep")
    assert build(capsys, root, "verify").code == 0
    assert run_log(log) == ["01_importer", "01_importer"]
    again = runs(root)[("01_importer", "smoke", "tensorflow")]
    assert again["cached"] is False and again["dependencies"]["fakedep"] == "1.1"


def test_a_second_clone_sharing_a_file_url_cache_executes_nothing(tmp_path, capsys,
                                                                  monkeypatch):
    monkeypatch.setenv("COURSE_CACHE_KEY", SHARED_KEY)  # what the clones share
    log = tmp_path / "runs.log"
    monkeypatch.setenv("VERIFY_FIXTURE_LOG", str(log))
    url = f"file://{tmp_path / 'shared-cache'}"
    first = copy_course("course", tmp_path / "laptop")
    result = build(capsys, first, "verify", "--data-dir", str(DATA), "--cache", url)
    assert result.code == 0, result.out + result.err
    assert sorted(run_log(log)) == ["01_sound", "02_other"]
    assert len(list((tmp_path / "shared-cache" / "verify").glob("*.json"))) == 2
    # CI: a fresh clone, the same URL through the environment
    monkeypatch.setenv("COURSE_CACHE", url)
    second = copy_course("course", tmp_path / "ci")
    result = build(capsys, second, "verify", "--data-dir", str(DATA))
    assert result.code == 0, result.out + result.err
    assert sorted(run_log(log)) == ["01_sound", "02_other"]  # no kernel started
    report = runs(second)
    assert all(run["cached"] for run in report.values())
    assert {run["executed"] for run in report.values()} == {
        "build/executed/smoke/tensorflow/01_sound.ipynb",
        "build/executed/smoke/tensorflow/02_other.ipynb"}
    assert executed(second, "02_other").cells[-1].outputs  # the outputs came along
    assert not (second / ".cache").exists()
    # a half-written entry (a copy cut short) is a miss: that lesson alone runs again
    entry = next(p for p in (tmp_path / "shared-cache" / "verify").glob("*.json")
                 if json.loads(p.read_text())["outputs"][-1]["outputs"][0]["data"]
                 ["application/json"] == {"answer": 42})
    entry.write_bytes(entry.read_bytes()[:200])
    third = copy_course("course", tmp_path / "colleague")
    monkeypatch.delenv("COURSE_CACHE")  # the full build's spelling: --cache before the step
    result = build(capsys, third, "--cache", url, "verify", "--data-dir", str(DATA))
    assert result.code == 0, result.out + result.err
    assert sorted(run_log(log)[2:]) == ["02_other"]
    assert json.loads(entry.read_text())["key"] == runs(third)[
        ("02_other", "smoke", "tensorflow")]["key"]  # stored whole again


def test_an_interrupted_put_leaves_nothing_a_reader_could_take(tmp_path, monkeypatch):
    cache = RunCache(tmp_path, key_file=tmp_path / "cache.key")
    cache.put("k", OUTCOME, [], DEPENDENCIES, PROOF)
    before = (tmp_path / "verify" / "k.json").read_bytes()

    def cut(self, source, target, **kwargs):
        raise KeyboardInterrupt  # between writing the temporary file and its rename
    monkeypatch.setattr(type(cache.fs), "mv", cut)
    with pytest.raises(KeyboardInterrupt):
        cache.put("k", {**OUTCOME, "seconds": 2}, [], DEPENDENCIES, PROOF)
    with pytest.raises(KeyboardInterrupt):
        cache.put("new", OUTCOME, [], DEPENDENCIES, PROOF)
    assert (tmp_path / "verify" / "k.json").read_bytes() == before
    assert cache.get("new", DEPENDENCIES) is None
    assert sorted(p.name for p in (tmp_path / "verify").iterdir()) == ["k.json"]


def test_object_store_urls_are_written_in_one_put(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_CACHE_KEY", SHARED_KEY)
    cache = RunCache("memory://coursekit-test/cache")
    writes = []
    original = cache.fs.pipe_file
    cache.fs.pipe_file = lambda path, data, **kw: (writes.append(path), original(path, data))
    outputs = [{"execution_count": None, "outputs": []}]
    cache.put("k", OUTCOME, outputs, {"numpy": "2.4.6"}, PROOF)
    assert writes == ["/coursekit-test/cache/verify/k.json"]  # no temporary object
    assert cache.get("k", {"numpy": "2.4.6"})["outputs"] == outputs


def test_an_unknown_cache_protocol_is_an_input_error(tmp_path, capsys):
    root = copy_course("course", tmp_path)
    result = build(capsys, root, "verify", "--cache", "nosuchproto://bucket/x")
    assert result.code == 2
    assert "cannot open the run cache nosuchproto://bucket/x" in result.err
    assert "fsspec URL" in result.err and not (root / "build").exists()


def test_the_key_and_its_validation_take_milliseconds(importer):
    root, site, _ = importer
    start = time.perf_counter()
    installed = cache_module.installed_versions()
    elapsed = time.perf_counter() - start
    assert installed["fakedep"] == "1.0"
    assert elapsed < 1.0, elapsed


def test_a_cache_this_machine_cannot_write_warns_and_the_run_still_passes(tmp_path, capsys,
                                                                         monkeypatch):
    def refuse(self, *args, **kwargs):
        raise PermissionError("read-only credentials")
    monkeypatch.setattr(RunCache, "put", refuse)
    root = copy_course("course", tmp_path)
    result = build(capsys, root, "verify", "--lesson", "02_other", "--cache",
                   str(tmp_path / "shared"))
    assert result.code == 0, result.out + result.err
    assert (f"verify 02_other: not cached: cannot write to {tmp_path / 'shared'}: "
            "read-only credentials") in result.err
    run = runs(root)[("02_other", "smoke", "tensorflow")]
    assert run["status"] == "passed" and run["cached"] is False
