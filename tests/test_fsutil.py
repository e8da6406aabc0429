"""Atomic output: all files or none, readable by everyone, no temporary files left."""

import stat

import pytest

from coursekit.fsutil import write_atomic


def test_written_files_are_world_readable_and_unchanged_ones_untouched(tmp_path):
    a, b = tmp_path / "a.ipynb", tmp_path / "sub" / "b.ipynb"
    assert write_atomic({a: b"one", b: b"two"}) == [a, b]
    assert stat.S_IMODE(a.stat().st_mode) == 0o644
    assert write_atomic({a: b"one", b: b"three"}) == [b]
    assert b.read_bytes() == b"three"


def test_a_failure_before_the_renames_changes_nothing(tmp_path):
    a = tmp_path / "a.ipynb"
    a.write_bytes(b"old")
    with pytest.raises(TypeError):
        write_atomic({a: b"new", tmp_path / "b.ipynb": None})
    assert a.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.ipynb"]
