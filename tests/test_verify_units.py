"""The pieces of verify without a kernel: line maps, metrics, cache keys, report, progress."""

from __future__ import annotations

import io
import json

import nbformat
import pytest

from conftest import lesson_source
from coursekit.run import contract
from coursekit.run.cache import (
    EXECUTION_CODE,
    RunCache,
    code_hash,
    code_outputs,
    installed_versions,
    pour_outputs,
    run_key,
)
from coursekit.run.kernel import kernel_env
from coursekit.run.metrics import missed_targets, read_metrics
from coursekit.run.progress import Progress
from coursekit.run.report import RunRecord, write_report
from coursekit.run.terminal import strip_ansi
from coursekit.run.tracebacks import Executed, line_map, locate, stub_line
from coursekit.source.lesson import read_lesson

BODY = '''
# %% tags=["parameters"]
n = 3

# %%
def f(x):
    y = x + 1
    ### BEGIN SOLUTION
    z = y * 2
    w = z - 1
    ### END SOLUTION
    return w

# %%
a = 1
b = n * 2  # SOLUTION
c = a + b

# %% tags=["solution"]
def g():
    return 7

# %% tags=["check"]
assert f(1) == 3
'''


@pytest.fixture
def lesson(tmp_path):
    path = tmp_path / "content" / "01_units.py"
    path.parent.mkdir()
    path.write_text(lesson_source(BODY))
    return read_lesson(path)


def file_line(lesson, text):
    return lesson.path.read_text().split("\n").index(text) + 1


def test_line_maps_lead_each_version_back_to_the_lesson_file(lesson):
    block, line, whole = lesson.cells[1], lesson.cells[2], lesson.cells[3]
    solution = block.split.solution.split("\n")
    mapped = line_map(block, "solution")
    assert [file_line(lesson, text) for text in solution] == mapped[:len(solution)]
    exercise = block.split.exercise.split("\n")
    begin = file_line(lesson, "    ### BEGIN SOLUTION")
    assert exercise[2:4] == ["    # YOUR CODE HERE", "    raise NotImplementedError()"]
    assert line_map(block, "exercise")[:len(exercise)] == [
        file_line(lesson, "def f(x):"), file_line(lesson, "    y = x + 1"), begin, begin,
        file_line(lesson, "    return w")]
    assert line_map(line, "exercise")[1] == file_line(lesson, "b = n * 2  # SOLUTION")
    assert line_map(whole, "exercise") == [whole.line, whole.line]
    assert line_map(whole, "solution") == [whole.line, whole.line + 1]
    assert stub_line(block) == begin and stub_line(whole) == whole.line



def test_line_maps_follow_every_marker_dialect(tmp_path):
    """otter's `# BEGIN SOLUTION` block and nbgrader's hidden tests shift lines too."""
    path = tmp_path / "content" / "01_dialects.py"
    path.parent.mkdir()
    path.write_text(lesson_source("""
        # %%
        def f(x):
            # BEGIN SOLUTION
            y = x * 2
            # END SOLUTION
            return y

        # %% tags=["check"]
        ### BEGIN HIDDEN TESTS
        assert f(2) == 4
        ### END HIDDEN TESTS
        assert f(1) == 2
        """))
    lesson = read_lesson(path)
    block, check = lesson.cells[0], lesson.cells[1]
    begin = file_line(lesson, "    # BEGIN SOLUTION")
    assert line_map(block, "exercise") == [file_line(lesson, "def f(x):"), begin, begin,
                                           file_line(lesson, "    return y")]
    assert line_map(block, "solution")[1] == file_line(lesson, "    y = x * 2")
    assert stub_line(block) == begin
    # the exercise's check lacks the hidden test: its last line is still the file's
    assert line_map(check, "exercise") == [file_line(lesson, "assert f(1) == 2")]

def ipython_error(*frames):
    """An error output as IPython 9 writes it (ANSI colours included)."""
    text = ["\x1b[31mZeroDivisionError\x1b[39m    Traceback (most recent call last)"]
    text += [f"\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[{count}]\x1b[39m\x1b[32m, "
             f"line {line}\x1b[39m" for count, line in frames]
    return {"output_type": "error", "ename": "ZeroDivisionError", "evalue": "division by zero",
            "traceback": ["\n".join(text)]}


def test_locate_picks_the_innermost_lesson_frame(lesson):
    block, check = lesson.cells[1], lesson.cells[4]
    ran = {3: Executed(block, "solution"), 5: Executed(check, "solution")}
    # the check (In[5]) called f (In[3]); line 4 of f's solution version is `w = z - 1`
    where = locate(ipython_error((5, 1), (3, 4)), ran, Executed(check, "solution"))
    assert (where.cell, where.line) == (block, file_line(lesson, "    w = z - 1"))
    # an exercise version maps through its own line map
    ran[6] = Executed(block, "exercise")
    where = locate(ipython_error((6, 4)), ran, Executed(block, "exercise"))
    assert where.line == file_line(lesson, "    ### BEGIN SOLUTION")


def test_escape_sequences_go_whatever_their_kind():
    """One pattern for tracebacks and published logs: colours, private modes, OSC links."""
    text = ("\x1b[1;31mError\x1b[0m \x1b[?25l\x1b[2K\x1b]8;;file:///x.py\x1b\\x.py\x1b]8;;\x07"
            " \x1b]0;title\x07done")
    assert strip_ansi(text) == "Error x.py done"
    assert strip_ansi("plain [1m] text") == "plain [1m] text"


def test_locate_falls_back_to_the_failing_cell(lesson):
    check = lesson.cells[4]
    error = {"ename": "SyntaxError", "evalue": "x", "traceback": ["no frames here"]}
    assert locate(error, {}, Executed(check, "solution")).line == check.line
    injected = Executed(None, "solution")
    assert locate(ipython_error((2, 1)), {2: injected}, injected).line is None


def test_contract_plan_pairs_each_stub_with_the_next_check(lesson):
    probes = contract.plan(lesson)
    assert [(p.stub.index, p.check.index, p.first) for p in probes] == [
        (1, 4, True), (2, 4, False), (3, 4, False)]
    assert contract.unchecked(lesson, probes, lesson.path.parent.parent) == []


def metrics_notebook(*displays):
    nb = nbformat.v4.new_notebook()
    for data in displays:
        cell = nbformat.v4.new_code_cell("", metadata={"tags": ["metrics"]})
        cell.outputs = [nbformat.v4.new_output("display_data", data=data)]
        nb.cells.append(cell)
    untagged = nbformat.v4.new_code_cell("")
    untagged.outputs = [nbformat.v4.new_output("display_data",
                                               data={"application/json": {"x": 99}})]
    nb.cells.append(untagged)
    return nb


def test_metrics_are_read_from_metrics_cells_only_and_merged():
    nb = metrics_notebook({"application/json": {"acc": 0.5, "loss": 1.0}},
                          {"text/plain": "{}"}, {"application/json": {"acc": 0.9}})
    assert read_metrics(nb) == {"acc": 0.9, "loss": 1.0}


def test_targets_name_every_miss():
    targets = {"acc": {"min": 0.9}, "loss": {"max": 1.0}, "bits": {"min": 1, "max": 2},
               "gone": {"min": 0}, "word": {"min": 0}, "flag": {"max": 1}}
    metrics = {"acc": 0.95, "loss": 1.5, "bits": 3, "word": "high", "flag": True}
    assert missed_targets(metrics, targets, "smoke") == [
        "metric 'loss' = 1.5 is above the smoke target max 1.0",
        "metric 'bits' = 3 is above the smoke target max 2",
        "metric 'gone' was not published; the smoke profile targets it "
        "(published: acc, bits, flag, loss, word)",
        "metric 'word' is 'high', not a number",
        "metric 'flag' is True, not a number"]
    assert missed_targets({"acc": 0.9}, {"acc": {"min": 0.9, "max": 0.9}}, "full") == []


def key_of(lesson, **changes):
    inputs = {"parameters": {"n": 4}, "profile": "smoke", "targets": {}, "backend": "jax",
              "data": {"d.npz": "abc"}, "python": "cpython 3.11.7", "code": "c1"}
    inputs.update(changes)
    return run_key(lesson, **inputs)


def test_the_cache_key_covers_every_input_but_prose(lesson, tmp_path):
    base = key_of(lesson)
    assert base == key_of(lesson)
    changed = [key_of(lesson, parameters={"n": 5}), key_of(lesson, profile="full"),
               key_of(lesson, targets={"a": {"min": 1}}), key_of(lesson, backend="torch"),
               key_of(lesson, data={"d.npz": "abd"}), key_of(lesson, python="cpython 3.12.1"),
               key_of(lesson, code="c2")]
    assert base not in changed and len(set(changed)) == len(changed)
    text = lesson.path.read_text()
    lesson.path.write_text(text.replace("# %%\na = 1", "# %% [markdown]\n# Prose\n\n# %%\na = 1"))
    assert key_of(read_lesson(lesson.path)) == base  # a new markdown cell: same key
    lesson.path.write_text(text.replace("c = a + b", "c = a - b"))
    assert key_of(read_lesson(lesson.path)) != base
    lesson.path.write_text(text.replace('tags=["check"]', ""))
    assert key_of(read_lesson(lesson.path)) != base  # a check cell is not a plain cell


def test_the_code_hash_follows_the_execution_modules(tmp_path):
    assert {"kernel.py", "execute.py", "contract.py"} <= set(EXECUTION_CODE)
    # the setup cell's code too (source/setup_cell.py): every run executes it
    assert {"../source/templates/setup_checks.py.tmpl",
            "../source/templates/setup_cell.py.tmpl"} <= set(EXECUTION_CODE)
    assert code_hash() == code_hash()
    for name in ("a.py", "b.py"):
        (tmp_path / name).write_text("x = 1\n")
    before = code_hash(tmp_path, ("a.py", "b.py"))
    (tmp_path / "b.py").write_text("x = 2\n")
    assert code_hash(tmp_path, ("a.py", "b.py")) != before


def test_cached_outputs_fit_only_the_same_code_cells(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1"),
                                         nbformat.v4.new_markdown_cell("m"),
                                         nbformat.v4.new_code_cell("2")])
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", text="two\n")]
    nb.cells[2].execution_count = 2
    saved = json.loads(json.dumps(code_outputs(nb)))
    fresh = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("new prose"),
                                            nbformat.v4.new_code_cell("1"),
                                            nbformat.v4.new_code_cell("2")])
    assert pour_outputs(fresh, saved)
    assert fresh.cells[2].outputs[0].text == "two\n" and fresh.cells[2].execution_count == 2
    nbformat.validate(fresh)
    assert not pour_outputs(nbformat.v4.new_notebook(), saved)


# a passed run's outcome and proof as an entry keeps them (cache.OUTCOME)
OUTCOME = {"seconds": 1.5, "checks": {}, "date": "2026-01-01", "device": {}, "packages": {},
           "worker": None}
PROOF = {"stubs": [], "variants": []}


def test_an_unreadable_cache_entry_is_a_miss(tmp_path):
    cache = RunCache(tmp_path, key_file=tmp_path / "cache.key")
    cache.put("k1", OUTCOME, [], {"numpy": "2.4.6"}, PROOF)
    entry = cache.get("k1", {"numpy": "2.4.6"})
    assert entry == {"format": 2, "key": "k1", "outcome": OUTCOME, "outputs": [],
                     "dependencies": {"numpy": "2.4.6"}, "proof": PROOF}
    folder = tmp_path / "verify"
    (folder / "k2.json").write_text("{half a json")
    (folder / "k3.json").write_text(json.dumps({"key": "other", "dependencies": {}}))
    (folder / "k5.json").write_text(json.dumps({"key": "k5"}))  # an entry of the old format
    assert all(cache.get(key, {}) is None for key in ("k2", "k3", "k4", "k5"))
    assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []


def test_an_entry_is_reused_only_while_its_imported_distributions_are_as_recorded(tmp_path):
    cache = RunCache(f"file://{tmp_path}", key_file=tmp_path / "cache.key")
    cache.put("k", OUTCOME, [], {"numpy": "2.4.6", "PyYAML": "6.0.3"}, PROOF)
    now = {"numpy": "2.4.6", "pyyaml": "6.0.3", "keras": "3.15.1"}
    assert cache.get("k", now) is not None
    assert cache.get("k", {**now, "torch": "2.13.0"}) is not None  # an unrelated install
    assert cache.get("k", {**now, "numpy": "2.5.0"}) is None       # an imported upgrade
    assert cache.get("k", {"pyyaml": "6.0.3"}) is None             # an imported removal


def test_installed_versions_reads_the_metadata_folders_first_one_wins(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for folder, names in ((first, ["Fake_Dep-1.0.dist-info", "old.egg-info"]),
                          (second, ["fake_dep-2.0.dist-info", "other-0.1-py3.11.egg-info"])):
        for name in names:
            (folder / name).mkdir(parents=True)
    assert installed_versions([str(first), "", str(tmp_path / "none"), str(second)]) == {
        "fake-dep": "1.0", "old": None, "other": "0.1"}


def test_the_report_keeps_other_runs_and_drops_removed_lessons(tmp_path):
    def record(lesson, backend, status="passed"):
        return RunRecord(lesson=lesson, profile="smoke", backend=backend, status=status)
    write_report(tmp_path, [record("01_a", "tensorflow"), record("02_b", "tensorflow")],
                 {"01_a", "02_b"}, {"cores": 2}, {})
    report = write_report(tmp_path, [record("01_a", "jax", "failed")], {"01_a"},
                          {"cores": 2}, {"keras": "3"})
    saved = json.loads((tmp_path / "report.json").read_text())
    assert [(r["lesson"], r["backend"]) for r in saved["runs"]] == [("01_a", "jax"),
                                                                   ("01_a", "tensorflow")]
    assert saved["packages"] == {"keras": "3"} and not report.ok
    (tmp_path / "report.json").write_text("not json")
    write_report(tmp_path, [record("01_a", "jax")], {"01_a"}, {}, {})
    assert len(json.loads((tmp_path / "report.json").read_text())["runs"]) == 1


def test_failure_messages_lead_with_the_error_location():
    run = RunRecord(lesson="01_a", profile="smoke", backend="jax", problems=["p"],
                    contract_problems=["c"], error={"path": "content/01_a.py", "line": 7,
                                                    "cell": 2, "exception": "KeyError",
                                                    "message": "'x'"})
    assert run.messages() == ["content/01_a.py:7 (cell 2): KeyError: 'x'", "p", "c"]


def test_progress_prints_plain_lines_off_a_terminal():
    stream = io.StringIO()
    progress = Progress(stream)
    assert not progress.live
    progress.start("01_a")
    progress.cell("01_a", 3, 7)
    progress.done("01_a", "passed", 2.04, cached=False)
    progress.done("02_b", "passed", 1.0, cached=True)
    assert stream.getvalue() == ("verify 01_a: running\nverify 01_a: passed (2.0 s)\n"
                                 "verify 02_b: passed (cached)\n")


def test_progress_redraws_one_line_on_a_terminal():
    stream = io.StringIO()
    progress = Progress(stream, live=True, interval=0)
    progress.start("01_a")
    progress.start("02_b")
    progress.cell("01_a", 3, 7)
    assert stream.getvalue().rsplit("\r\x1b[K", 1)[1] == "01_a cell 3/7 0s | 02_b starting 0s"
    progress.done("01_a", "failed", 1.0, cached=False)
    progress.close()
    assert "\r\x1b[Kverify 01_a: failed (1.0 s)\n" in stream.getvalue()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_the_kernel_environment_names_the_backend_and_shares_the_cores(monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    env = kernel_env("jax", threads=1)
    assert env["KERAS_BACKEND"] == "jax" and env["TF_CPP_MIN_LOG_LEVEL"] == "3"
    assert env["OMP_NUM_THREADS"] == env["TF_NUM_INTRAOP_THREADS"] == "1"
    assert "intra_op_parallelism_threads=1" in env["XLA_FLAGS"]
    assert "MPLBACKEND" not in env  # inline plots: ipykernel picks them when it is unset
    assert kernel_env("torch", threads=4)["OMP_NUM_THREADS"] == "4"


def test_the_dependency_probe_agrees_with_importlib_metadata():
    import contextlib
    import importlib.metadata as metadata
    import sys

    from coursekit.run.cache import DEPENDENCY_PROBE, normalized, parse_dependencies
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(DEPENDENCY_PROBE, {})
    probed = {normalized(k): v for k, v in parse_dependencies(printed.getvalue()).items()}
    owners = metadata.packages_distributions()
    expected = {normalized(dist): metadata.version(dist)
                for top in {name.partition(".")[0] for name in list(sys.modules)}
                for dist in owners.get(top, ())}
    assert {"nbformat", "pytest"} <= set(probed)  # imported by these tests
    assert probed == expected


def test_a_dependency_list_that_cannot_be_read_never_matches(tmp_path):
    from coursekit.run.cache import parse_dependencies
    assert parse_dependencies('noise\n{"numpy": "2.4.6"}\n') == {"numpy": "2.4.6"}
    unknown = parse_dependencies("")
    assert unknown == parse_dependencies("[1, 2]") == parse_dependencies("{half")
    cache = RunCache(tmp_path, key_file=tmp_path / "cache.key")
    cache.put("k", OUTCOME, [], unknown, PROOF)
    assert cache.get("k", {"numpy": "2.4.6"}) is None
