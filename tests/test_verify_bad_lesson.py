"""One lesson's bad header fails that lesson only (issue 23): the others run, the report
is written with the bad lesson's entry naming file:line, and verify exits 2."""

from __future__ import annotations

from conftest import HEADER, lesson_source, make_course
from verify_fixture import build, runs


def by_lesson(root):
    return {stem: run for (stem, _, _), run in runs(root).items()}

GOOD = lesson_source("# %%\nprint('fine')\n")
BAD_BOUND = lesson_source('# %% tags=["parameters"]\nepochs = 1\n', header=HEADER.replace(
    "#     title: {title}", "#     title: Bad\n#     profiles:\n#       smoke:\n"
    "#         targets: {acc: {max: '0.1'}}"))


def test_a_bad_bound_fails_its_lesson_before_any_kernel_and_the_others_run(tmp_path,
                                                                            capsys):
    root = make_course(tmp_path / "course", {"01_good": GOOD, "02_bad": BAD_BOUND})
    result = build(capsys, root, "verify")
    assert result.code == 2
    found = by_lesson(root)
    assert found["01_good"]["status"] == "passed"
    bad = found["02_bad"]
    line = BAD_BOUND.split("\n").index("#         targets: {acc: {max: '0.1'}}") + 1
    assert bad["status"] == "failed"
    assert bad["error"]["path"] == "content/02_bad.py" and bad["error"]["line"] == line
    assert "max must be a number, not '0.1'" in bad["error"]["message"]
    assert "FAILED 02_bad" in result.out
    assert f"error: {root / 'content' / '02_bad.py'}:{line}:" in result.err
    assert "executed notebook: None" not in result.out
    assert not list((root / "build" / "logs").rglob("02_bad.log"))  # no kernel for it


def test_verify_lesson_names_a_bad_lesson_without_running_the_others(tmp_path, capsys):
    root = make_course(tmp_path / "course", {"01_good": GOOD, "02_bad": BAD_BOUND})
    result = build(capsys, root, "verify", "--lesson", "02_bad")
    assert result.code == 2
    assert set(by_lesson(root)) == {"02_bad"}


def test_the_notebooks_command_stays_strict(tmp_path, capsys):
    root = make_course(tmp_path / "course", {"01_good": GOOD, "02_bad": BAD_BOUND})
    result = build(capsys, root, "notebooks")
    assert result.code == 2 and "max must be a number" in result.err
    assert not (root / "exercises").exists()
