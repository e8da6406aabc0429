"""bench/device_data.py: the course's data crosses to a GPU machine bit for bit."""

import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT

SCRIPT = ROOT / "bench" / "device_data.py"


def run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)],
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def packed(tmp_path_factory):
    source = tmp_path_factory.mktemp("data")
    rng = np.random.default_rng(1)
    arrays = {"x_train": rng.integers(0, 256, (10_050, 32, 32, 3), dtype=np.uint8),
              "y_train": rng.integers(0, 10, (10_050, 1), dtype=np.uint8),
              "x_test": rng.integers(0, 256, (70, 32, 32, 3), dtype=np.uint8),
              "y_test": rng.integers(0, 10, (70, 1), dtype=np.uint8)}
    np.savez(source / "cifar10.npz", **arrays)
    (source / "tinyshakespeare.txt").write_text("First Citizen:\nBefore we proceed\n")
    target = tmp_path_factory.mktemp("packed")
    result = run("pack", source, target)
    assert result.returncode == 0, result.stderr
    return arrays, target


def test_unpacked_arrays_equal_the_originals(packed, tmp_path):
    arrays, parts = packed
    result = run("unpack", parts, tmp_path)
    assert result.returncode == 0, result.stderr
    with np.load(tmp_path / "cifar10.npz") as back:
        assert set(back.files) == set(arrays)
        for name, array in arrays.items():
            assert back[name].dtype == array.dtype and np.array_equal(back[name], array), name
    assert (tmp_path / "tinyshakespeare.txt").read_text().startswith("First Citizen:")
    # three mosaics (two of training images, one of test images) split over the parts
    assert {p.parent.name for p in parts.glob("*/*.webp")} == {"part1", "part2"}


def test_a_missing_part_is_named_not_unpacked_short(packed, tmp_path):
    _, parts = packed
    partial = tmp_path / "partial"
    (partial / "part1").mkdir(parents=True)
    for f in (parts / "part1").iterdir():
        (partial / "part1" / f.name).write_bytes(f.read_bytes())
    result = run("unpack", partial, tmp_path / "out")
    assert result.returncode != 0
    assert "part2 is missing" in result.stderr, result.stderr
    assert not (tmp_path / "out" / "cifar10.npz").exists()
    (partial / "part2").mkdir()  # present but empty: the count names what is short
    result = run("unpack", partial, tmp_path / "out")
    assert result.returncode != 0
    assert "x_train: 10000 images unpacked, 10050 expected" in result.stderr, result.stderr
    assert not (tmp_path / "out" / "cifar10.npz").exists()
