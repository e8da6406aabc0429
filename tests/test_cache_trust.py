"""A cache nobody can poison (issue 23): a hit is signed, sound, proves enough, and is judged
again; an entry that fails any of these is named in a warning and the lesson runs again.

The planted entries carry the fields the cache read before entries were signed (``record``
with a passed status) beside the current ones, so each would have been taken as it was.
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import add_project_files, lesson_source, make_course
from coursekit.run.cache import KEY_FILE, clone_key, sign
from verify_fixture import build, run_log, runs

HEADER = """\
# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   course:
#     title: Adding up
#     profiles:
#       smoke:
#         targets:
#           total: {min: 10}
# ---
"""

# a passing lesson: one stub, one caught mistake, metrics within the targets
ADDER = '''
# %%
import os

if os.environ.get("VERIFY_FIXTURE_LOG"):
    with open(os.environ["VERIFY_FIXTURE_LOG"], "a") as handle:
        handle.write("01_adder\\n")

# %%
def add(a, b):
    ### BEGIN SOLUTION
    return a + b
    ### END SOLUTION
    ### BEGIN MISTAKE: subtracts
    return a - b
    ### END MISTAKE

# %% tags=["check"]
assert add(2, 3) == 5, "add(2, 3) should be 5"

# %% tags=["metrics"]
from IPython.display import display

display({"application/json": {"total": add(10, 5)}}, raw=True)
'''

# a lesson whose check fails: it can never pass, whatever an entry says
BROKEN = '''
# %%
import os

if os.environ.get("VERIFY_FIXTURE_LOG"):
    with open(os.environ["VERIFY_FIXTURE_LOG"], "a") as handle:
        handle.write("01_broken\\n")

# %%
x = 1  # SOLUTION

# %% tags=["check"]
assert x == 2, "x should be 2"
'''

PASSED_RECORD = {"status": "passed", "seconds": 0.1, "metrics": {"total": 15},
                 "contract": "passed", "contract_problems": [], "checks": {}, "problems": [],
                 "error": None, "date": "2026-01-01", "device": {}, "packages": {},
                 "worker": None}
KEY = "a key the course's users share"


@pytest.fixture
def log(tmp_path, monkeypatch):
    path = tmp_path / "runs.log"
    monkeypatch.setenv("VERIFY_FIXTURE_LOG", str(path))
    return path


def course(tmp_path, stem: str, body: str, name: str = "course"):
    return make_course(tmp_path / name, {stem: lesson_source(body, header=HEADER)})


def verify(capsys, root, *args):
    return build(capsys, root, "verify", *args)


def entry_file(cache):
    """The one entry of a cache folder (a project's .cache/ or a shared folder)."""
    [path] = (cache / "verify").glob("*.json")
    return path


def resign(path, secret: bytes | None, change=lambda body: None) -> dict:
    """Rewrite an entry as a key holder (or, ``secret`` None, an intruder) would."""
    body = json.loads(path.read_text())
    body.pop("signature", None)
    body["record"] = dict(PASSED_RECORD)
    change(body)
    written = {**body, "signature": sign(body, secret)} if secret else body
    path.write_text(json.dumps(written))
    return body


def plant(root, key: str, secret: bytes | None, **fields) -> str:
    body = {"format": 2, "key": key, "record": dict(PASSED_RECORD),
            "dependencies": {}, "proof": {"stubs": [], "variants": []},
            "outcome": {k: PASSED_RECORD[k] for k in ("seconds", "checks", "date", "device",
                                                      "packages", "worker")}, **fields}
    if secret:
        body["signature"] = sign(body, secret)
    path = root / ".cache" / "verify" / f"{key}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(body))
    return str(path)


def own_key(root) -> bytes:
    return clone_key(root / ".cache" / KEY_FILE, create=True)


@pytest.mark.parametrize("planted, why", [
    ('{"signature": "\u00e9"}', "it is not signed"),  # compare_digest raised TypeError
    ("[" * 100_000 + "]" * 100_000, "not valid JSON"),  # json raised RecursionError
], ids=["non-ascii-signature", "deep-nesting"])
def test_a_planted_entry_made_to_crash_the_reader_is_only_ignored(tmp_path, capsys, log,
                                                                 planted, why):
    root = course(tmp_path, "01_broken", BROKEN)
    assert build(capsys, root, "notebooks").code == 0
    assert verify(capsys, root).code == 1
    run = runs(root)[("01_broken", "smoke", "tensorflow")]
    path = root / ".cache" / "verify" / f"{run['key']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(planted)
    result = verify(capsys, root)
    assert result.code == 1 and "Traceback" not in result.err  # judged, not crashed
    assert f"cache entry {path} ignored: {why}" in result.err
    assert run_log(log) == ["01_broken", "01_broken"]  # it ran again


@pytest.mark.parametrize("how", ["unsigned", "another key", "error output", "no dependencies"])
def test_a_planted_entry_cannot_pass_a_lesson_whose_check_fails(tmp_path, capsys, log, how):
    root = course(tmp_path, "01_broken", BROKEN)
    assert build(capsys, root, "notebooks").code == 0
    first = verify(capsys, root)
    assert first.code == 1 and run_log(log) == ["01_broken"]
    run = runs(root)[("01_broken", "smoke", "tensorflow")]
    installed = {"ipykernel": run["packages"]["ipykernel"]}
    quiet = [{"execution_count": n, "outputs": []} for n in (1, 2, 3)]
    failing = [*quiet[:2], {"execution_count": 3, "outputs": [
        {"output_type": "error", "ename": "AssertionError", "evalue": "x should be 2",
         "traceback": []}]}]
    secret, fields, why = {
        "unsigned": (None, {"outputs": quiet}, "it is not signed"),
        "another key": (b"someone else's key", {"outputs": quiet, "dependencies": installed},
                        "its signature does not match this clone's key"),
        "error output": (own_key(root), {"outputs": failing, "dependencies": installed},
                         "wrong shape: it holds an error output"),
        "no dependencies": (own_key(root), {"outputs": quiet},
                            "wrong shape: its dependencies are empty"),
    }[how]
    path = plant(root, run["key"], secret, **fields)
    result = verify(capsys, root)
    assert result.code == 1, result.err
    assert f"verify 01_broken: cache entry {path} ignored: {why}" in result.err
    assert run_log(log) == ["01_broken", "01_broken"]  # it ran again
    run = runs(root)[("01_broken", "smoke", "tensorflow")]
    assert (run["status"], run["cached"]) == ("failed", False)
    assert "x should be 2" in run["error"]["message"]


@pytest.fixture
def adder(tmp_path, capsys, log):
    """The passing lesson, verified once: its signed entry is in .cache/."""
    root = course(tmp_path, "01_adder", ADDER)
    assert build(capsys, root, "notebooks").code == 0
    result = verify(capsys, root)
    assert result.code == 0, result.err
    assert run_log(log) == ["01_adder"]
    return root


def test_a_signed_entry_with_metrics_outside_the_targets_is_judged_again(adder, capsys, log):
    path = entry_file(adder / ".cache")

    def lower(body):
        body["outputs"][-1]["outputs"][0]["data"]["application/json"]["total"] = 3
    resign(path, own_key(adder), lower)
    result = verify(capsys, adder)
    assert result.code == 0, result.err
    assert (f"cache entry {path} ignored: content/01_adder.py: metric 'total' = 3 is below "
            "the smoke target min 10; running it again") in result.err
    assert run_log(log) == ["01_adder", "01_adder"]
    run = runs(adder)[("01_adder", "smoke", "tensorflow")]
    assert (run["status"], run["cached"], run["metrics"]) == ("passed", False, {"total": 15})


@pytest.mark.parametrize("change, why", [
    (lambda body: body.update(outputs={"cells": []}), "wrong shape: 'outputs' is dict"),
    (lambda body: body["outcome"].pop("date"), "wrong shape: no field 'date'"),
    (lambda body: [cell.pop("execution_count") for cell in body["outputs"]],
     "wrong shape: an output cell is not {execution_count, outputs}"),
    (lambda body: body["outputs"][-1]["outputs"][0].pop("data"),
     "ignored: its outputs do not fit the notebook"),
])
def test_an_entry_of_the_wrong_shape_is_named_and_the_lesson_runs_again(adder, capsys, log,
                                                                       change, why):
    path = entry_file(adder / ".cache")
    resign(path, own_key(adder), change)
    result = verify(capsys, adder)
    assert result.code == 0, result.err
    assert f"verify 01_adder: cache entry {path} " in result.err and why in result.err
    assert run_log(log) == ["01_adder", "01_adder"]
    assert runs(adder)[("01_adder", "smoke", "tensorflow")]["cached"] is False
    # the run wrote a sound entry back: the next verify is a hit again
    assert verify(capsys, adder).code == 0 and run_log(log) == ["01_adder", "01_adder"]


def test_a_run_that_proved_less_never_stands_for_one_that_must_prove_more(adder, capsys, log):
    entry = json.loads(entry_file(adder / ".cache").read_text())
    assert len(entry["proof"]["stubs"]) == 1 and entry["proof"]["variants"][0].startswith(
        "mistake:") and entry["proof"]["variants"][0].endswith(":caught")
    # the run of an executor that never ran the declared mistake (issue 18's cluster bug)
    resign(entry_file(adder / ".cache"), own_key(adder),
           lambda body: body["proof"].update(variants=[]))
    result = verify(capsys, adder)
    assert result.code == 0, result.err
    assert run_log(log) == ["01_adder", "01_adder"]
    run = runs(adder)[("01_adder", "smoke", "tensorflow")]
    assert run["cached"] is False and run["checks"]["mistakes"] == {"caught": 1, "total": 1}


def test_a_shared_cache_trusts_only_entries_signed_with_the_shared_key(tmp_path, capsys, log,
                                                                      monkeypatch):
    shared = tmp_path / "shared"
    monkeypatch.setenv("COURSE_CACHE_KEY", KEY)
    laptop = course(tmp_path, "01_adder", ADDER, "laptop")
    assert build(capsys, laptop, "notebooks").code == 0
    assert build(capsys, laptop, "verify", "--cache", str(shared)).code == 0
    assert not (laptop / ".cache").exists()  # the shared key signs; no clone key is made
    # a colleague with the same key: reused, no kernel starts
    colleague = course(tmp_path, "01_adder", ADDER, "colleague")
    assert build(capsys, colleague, "notebooks").code == 0
    result = build(capsys, colleague, "verify", "--cache", str(shared))
    assert result.code == 0 and "01_adder: passed (cached)" in result.err
    assert run_log(log) == ["01_adder"]
    # a writer without the key: an unsigned entry, then one signed with a guessed key
    path = entry_file(shared)
    for secret, why in ((None, "it is not signed"),
                        (b"a guessed key, not the shared one",
                         "its signature does not match $COURSE_CACHE_KEY")):
        resign(path, secret)
        stranger = course(tmp_path, "01_adder", ADDER, f"stranger{len(run_log(log))}")
        assert build(capsys, stranger, "notebooks").code == 0
        result = build(capsys, stranger, "verify", "--cache", str(shared))
        assert result.code == 0, result.err
        assert f"cache entry {path} ignored: {why}; running it again" in result.err
        assert runs(stranger)[("01_adder", "smoke", "tensorflow")]["cached"] is False
    assert run_log(log) == ["01_adder"] * 3


def test_a_short_shared_key_is_an_input_error_before_any_kernel(adder, capsys, log,
                                                              monkeypatch):
    monkeypatch.setenv("COURSE_CACHE_KEY", "short")
    result = verify(capsys, adder)
    assert result.code == 2
    assert "$COURSE_CACHE_KEY is 5 characters; a cache key needs at least 16" in result.err
    assert run_log(log) == ["01_adder"]


def test_the_clone_key_is_private_and_entries_made_elsewhere_do_not_match(adder, capsys,
                                                                         tmp_path, log):
    key_file = adder / ".cache" / KEY_FILE
    assert key_file.stat().st_mode & 0o777 == 0o600 and len(key_file.read_text().strip()) == 64
    other = course(tmp_path, "01_adder", ADDER, "other")
    assert build(capsys, other, "notebooks").code == 0
    (other / ".cache" / "verify").mkdir(parents=True)
    entry = entry_file(adder / ".cache")
    entry.rename(other / ".cache" / "verify" / entry.name)
    result = verify(capsys, other)  # another clone's entry, copied in: its key differs
    assert result.code == 0 and "its signature does not match this clone's key" in result.err
    assert run_log(log) == ["01_adder", "01_adder"]


def test_a_signed_entry_with_a_script_output_puts_no_script_on_the_site(adder, capsys, log,
                                                                       monkeypatch):
    """The key holder's entry is used (it is theirs to sign), yet its outputs are data:
    nothing in them runs on the site the students open."""
    add_project_files(adder)
    monkeypatch.setenv("COURSEKIT_NO_FIT_CHECK", "1")  # the decks' layout is not under test

    def hostile(body):
        body["outputs"][-1]["outputs"].append({
            "output_type": "display_data", "metadata": {},
            "data": {"text/html": '<script>window.owned = 1</script><b onclick="steal()">'
                                  "[hi](javascript:steal())</b>",
                     "application/javascript": "window.owned = 2"}})
    resign(entry_file(adder / ".cache"), own_key(adder), hostile)
    assert verify(capsys, adder).code == 0
    assert run_log(log) == ["01_adder"]  # the signed entry was the hit
    result = build(capsys, adder, "site")
    assert result.code == 0, result.err
    pages = {path: path.read_text(errors="replace")
             for path in (adder / "build" / "site").rglob("*")
             if path.suffix in (".html", ".json", ".js") and "reveal.js" not in path.parts
             and "assets" not in path.parts}
    shown = [path for path, text in pages.items() if "[hi](javascript:steal())" in text]
    assert shown  # the output reached the lesson's page, as text
    for path, text in pages.items():
        assert "window.owned" not in text and 'href="javascript' not in text, path
        assert not re.search(r"<[^>]*\son\w+\s*=", text), path  # no handler in any tag


def test_the_proof_counts_what_ran_not_what_was_planned(tmp_path):
    from types import SimpleNamespace

    from coursekit.run import contract, variants
    from coursekit.run.cache import needed_proof, proof_of, proves
    from coursekit.source.lesson import read_lesson
    from coursekit.source.transforms import cell_id

    path = tmp_path / "01_adder.py"
    path.write_text(lesson_source(ADDER, header=HEADER))
    lesson = read_lesson(path)
    probes, declared = contract.plan(lesson), variants.plan(lesson)
    needed = needed_proof(probes, declared)
    assert len(needed["stubs"]) == 1 and len(needed["variants"]) == 1
    # an executor that ran neither the stub probe nor the mistake proves nothing
    skipped = proof_of(probes, SimpleNamespace(transcript=[], verdicts=[]))
    assert skipped == {"stubs": [], "variants": []} and not proves(skipped, needed)
    stub = {"id": cell_id(probes[0].stub.index),
            "metadata": {"coursekit": {"probe": "exercise"}}}
    caught = variants.Verdict(declared[0], "caught", None, "add(2, 3) should be 5")
    ran = proof_of(probes, SimpleNamespace(transcript=[stub], verdicts=[caught]))
    assert proves(ran, needed)
    missed = variants.Verdict(declared[0], "missed", "it passes the check")
    assert not proves(proof_of(probes, SimpleNamespace(transcript=[stub], verdicts=[missed])),
                      needed)
