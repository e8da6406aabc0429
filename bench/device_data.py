"""Carry the course's data to a GPU machine under its 64 MiB transfer limit, losslessly.

The device tool (docs/verify.md, "The full profile on a lent GPU machine") copies at most
64 MiB per call; cifar10.npz is 164 MB. Its images, tiled into 3200x3200 mosaics and stored as
lossless WebP, take about 88 MB, so they travel in two parts over two calls.

    python bench/device_data.py pack ../shared/data .gpu          # here
    python bench/device_data.py unpack PARTS DATA_DIR              # there, after both parts

`pack` decodes every mosaic again and compares it with the original pixels, so a part
that would not unpack to the same bytes is never sent. The text files are copied as is.
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
from pathlib import Path

import numpy as np
from PIL import Image

TILES = 100        # a mosaic is TILES x TILES images
SIZE = 32          # CIFAR-10 images are 32x32x3
PER_MOSAIC = TILES * TILES
PARTS = ("part1", "part2")   # one folder per device call; each stays under 64 MiB


def to_mosaic(images: np.ndarray) -> np.ndarray:
    """(n, 32, 32, 3) with n <= TILES**2 -> one (TILES*32, TILES*32, 3) image, zero padded."""
    padded = np.zeros((PER_MOSAIC, SIZE, SIZE, 3), np.uint8)
    padded[:len(images)] = images
    grid = padded.reshape(TILES, TILES, SIZE, SIZE, 3).transpose(0, 2, 1, 3, 4)
    return grid.reshape(TILES * SIZE, TILES * SIZE, 3)


def from_mosaic(mosaic: np.ndarray, count: int) -> np.ndarray:
    grid = mosaic.reshape(TILES, SIZE, TILES, SIZE, 3).transpose(0, 2, 1, 3, 4)
    return grid.reshape(PER_MOSAIC, SIZE, SIZE, 3)[:count]


def webp_bytes(mosaic: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(mosaic).save(buffer, "WEBP", lossless=True, quality=100, method=4)
    return buffer.getvalue()


def decode(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def pack(source: Path, target: Path) -> None:
    with np.load(source / "cifar10.npz") as archive:
        arrays = {name: archive[name] for name in archive.files}
    chunks = [(name, start) for name in ("x_train", "x_test")
              for start in range(0, len(arrays[name]), PER_MOSAIC)]
    for part in PARTS:
        (target / part).mkdir(parents=True, exist_ok=True)
    labels = {name: arrays[name] for name in ("y_train", "y_test")}
    np.savez(target / PARTS[0] / "labels.npz", **labels,
             counts=np.array([len(arrays["x_train"]), len(arrays["x_test"])]))
    for text in source.glob("*.txt"):
        shutil.copy(text, target / PARTS[0] / text.name)
    for index, (name, start) in enumerate(chunks):
        images = arrays[name][start:start + PER_MOSAIC]
        data = webp_bytes(to_mosaic(images))
        if not np.array_equal(from_mosaic(decode(data), len(images)), images):
            sys.exit(f"{name}[{start}:]: the WebP mosaic does not decode to the same pixels")
        part = PARTS[0] if index < len(chunks) // 2 else PARTS[1]
        (target / part / f"{name}-{start:05d}.webp").write_bytes(data)
        print(f"{part}/{name}-{start:05d}.webp: {len(data) / 1e6:.1f} MB", flush=True)


def unpack(source: Path, target: Path) -> None:
    missing = [part for part in PARTS if not (source / part).is_dir()]
    if missing or not (source / PARTS[0] / "labels.npz").is_file():
        sys.exit(f"{source}: part {', '.join(missing) or PARTS[0] + '/labels.npz'} is missing: "
                 "carry both parts of `pack`'s output")
    files = sorted(p for part in PARTS for p in (source / part).glob("*.webp"))
    with np.load(source / PARTS[0] / "labels.npz") as archive:
        labels = {name: archive[name] for name in ("y_train", "y_test")}
        counts = dict(zip(("x_train", "x_test"), archive["counts"].tolist(), strict=False))
    arrays = {}
    for name, count in counts.items():
        mosaics = [f for f in files if f.name.startswith(name + "-")]
        pieces = [from_mosaic(decode(f.read_bytes()), min(PER_MOSAIC, count - i * PER_MOSAIC))
                  for i, f in enumerate(mosaics)]
        arrays[name] = np.concatenate(pieces) if pieces else np.zeros((0, SIZE, SIZE, 3))
        if len(arrays[name]) != count:
            sys.exit(f"{name}: {len(arrays[name])} images unpacked, {count} expected "
                     "(was a part missing?)")
    target.mkdir(parents=True, exist_ok=True)
    np.savez(target / "cifar10.npz", **arrays, **labels)
    for text in (source / PARTS[0]).glob("*.txt"):
        shutil.copy(text, target / text.name)
    print("unpacked", {name: a.shape for name, a in arrays.items()}, "to", target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("pack", "unpack"))
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    args = parser.parse_args()
    (pack if args.action == "pack" else unpack)(args.source, args.target)


if __name__ == "__main__":
    main()
