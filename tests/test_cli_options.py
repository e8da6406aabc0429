"""The run options travel as one object (RunOptions), built once by the CLI, to every
verification a command starts; each command reads content/ once.

In-process: ``cli.main`` with the fixture courses; a verification that must not really
run is replaced by one that records what it was asked.
"""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from coursekit.run import cluster as cluster_module
from coursekit.run import verify as verify_module
from coursekit.run.options import RunOptions
from coursekit.source import lesson as lesson_module
from verify_fixture import build, copy_course, runs


@pytest.fixture
def asked(monkeypatch):
    """Every verification started, as (options, generated): none of them runs."""
    calls = []
    monkeypatch.setattr(verify_module, "verify",
                        lambda project, options=RunOptions(), *, generated=None, stream=None:
                        calls.append((options, generated)))
    return calls


@pytest.fixture
def reads(monkeypatch):
    """How often each lesson file is read (the source model is built from these reads)."""
    counts = collections.Counter()
    read = lesson_module.read_lesson

    def counting(path: Path):
        counts[path.name] += 1
        return read(path)
    monkeypatch.setattr(lesson_module, "read_lesson", counting)
    return counts


def test_the_site_hands_its_run_options_to_the_verification_it_starts(tmp_path, capsys,
                                                                      asked, reads):
    root = copy_course("course", tmp_path)
    reads.clear()
    data, cache = tmp_path / "data", tmp_path / "shared-cache"
    data.mkdir()
    result = build(capsys, root, "site", "--profile", "smoke", "--backend", "jax",
                   "--jobs", "3", "--force", "--data-dir", str(data), "--cache", str(cache),
                   "--scheduler", "tcp://10.0.0.5:8786")
    # the stand-in verified nothing: the site says so, and stops
    assert result.code == 1 and "cannot build the site" in result.err
    [(options, generated)] = asked
    assert options == RunOptions(profile="smoke", backend="jax", jobs=3, force=True,
                                 data_dir=data, cache=str(cache),
                                 scheduler="tcp://10.0.0.5:8786",
                                 lessons=("01_sound", "02_other"))
    # the verification was handed the lessons the site had read, not left to read them
    assert [lesson.stem for lesson in generated.lessons] == ["01_sound", "02_other"]
    assert reads == {"01_sound.py": 1, "02_other.py": 1}


def test_options_before_the_subcommand_reach_it_as_well(tmp_path, capsys, asked):
    root = copy_course("course", tmp_path)
    build(capsys, root, "--scheduler", "tcp://10.0.0.5:8786", "--jobs", "2", "site")
    build(capsys, root, "--cache", "memory://runs", "site", "--jobs", "4")
    first, second = (options for options, _ in asked)
    assert (first.scheduler, first.jobs, first.force) == ("tcp://10.0.0.5:8786", 2, False)
    assert (second.cache, second.jobs, second.scheduler) == ("memory://runs", 4, None)


def test_the_site_verifies_on_the_scheduler_it_was_given(tmp_path, capsys, monkeypatch):
    # a real verification: it goes to the cluster named on the site's command line
    root = copy_course("course", tmp_path)
    monkeypatch.setattr(cluster_module, "CONNECT_TIMEOUT_S", 1)
    result = build(capsys, root, "site", "--scheduler", "tcp://127.0.0.1:9")
    assert result.code == 2, result.out + result.err
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.err
    assert not (root / "build" / "report.json").exists()
    assert not (root / "build" / "site").exists()


def test_the_full_build_takes_the_profile_and_reads_each_lesson_once(tmp_path, capsys,
                                                                      monkeypatch, reads):
    root = copy_course("site", tmp_path, site=True)
    reads.clear()  # the copy wrote its notebooks
    # the slides' fit is measured in a browser elsewhere (test_browser_decks.py)
    monkeypatch.setenv("COURSEKIT_NO_FIT_CHECK", "1")
    cache = tmp_path / "runs"
    result = build(capsys, root, "--profile", "smoke", "--backend", "tensorflow",
                   "--jobs", "1", "--cache", str(cache))
    assert result.code == 0, result.out + result.err
    # notebooks, verify, site and bundle: one reading of content/ for all four
    assert reads == {"01_squares.py": 1, "02_words.py": 1}
    assert {ident[1:] for ident in runs(root)} == {("smoke", "tensorflow")}
    assert any((cache / "verify").iterdir()) and not (root / ".cache" / "verify").exists()
    assert (root / "build" / "site" / "index.html").is_file()
    assert list((root / "dist").glob("*.zip"))


def test_the_full_build_passes_its_profile_to_verify(tmp_path, capsys):
    root = copy_course("course", tmp_path)
    result = build(capsys, root, "--profile", "nightly")
    assert result.code == 2
    assert "has no profile 'nightly'" in result.err
    assert not (root / "build" / "report.json").exists()

