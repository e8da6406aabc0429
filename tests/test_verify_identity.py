"""Run identity: lessons with identical code each keep their own report entry and notebook.

The three fixture lessons (tests/fixtures/verify/twins/) differ only in their prose, so
they share one cache key; the execution may be shared, the lesson's identity may not.
"""

from __future__ import annotations

import pytest

from verify_fixture import build, copy_course, executed, run_log, runs

STEMS = ["01_first", "02_second", "03_third"]
TITLES = {"01_first": "# Adding up, first take", "02_second": "# Adding up, second take",
          "03_third": "# Adding up, third take"}


def twins(tmp_path):
    return copy_course("twins", tmp_path, site=True)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_identical_lessons_each_get_their_own_entry_notebook_and_page(tmp_path, capsys,
                                                                      monkeypatch, jobs):
    log = tmp_path / "runs.log"
    monkeypatch.setenv("VERIFY_FIXTURE_LOG", str(log))
    root = twins(tmp_path)
    result = build(capsys, root, "verify", "--jobs", jobs)
    assert result.code == 0, result.out + result.err
    report = runs(root)
    assert sorted(stem for stem, _, _ in report) == STEMS
    for stem in STEMS:
        run = report[(stem, "smoke", "tensorflow")]
        assert run["status"] == "passed" and run["metrics"] == {"total": 6}
        assert run["executed"] == f"build/executed/smoke/tensorflow/{stem}.ipynb"
        # the lesson's own notebook: its own prose around the shared outputs
        nb = executed(root, stem)
        assert nb.cells[0].source.startswith(TITLES[stem])
        assert nb.cells[-1].outputs[0]["data"]["application/json"] == {"total": 6}
    # one key for the three; they may share the execution, never the identity
    assert len({run["key"] for run in report.values()}) == 1
    assert len(run_log(log)) == 1  # the first run serves the other two, even side by side
    # in the table too: each lesson named once
    table = [line.split()[0] for line in result.out.splitlines()[2:5]]
    assert table == STEMS
    site = build(capsys, root, "site")
    assert site.code == 0, site.out + site.err
    for stem in STEMS:
        page = (root / "build" / "site" / "lessons" / f"{stem}.html").read_text()
        assert TITLES[stem][2:] in page
