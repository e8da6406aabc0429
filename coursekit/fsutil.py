"""Atomic file output: write everything beside its target first, then rename into place.

An error or an interruption before the renames leaves every earlier output untouched.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(files: dict[Path, bytes]) -> list[Path]:
    """Write ``files`` (path → bytes); returns the paths whose content changed."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            if path.is_file() and path.read_bytes() == data:
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            staged.append((Path(tmp), path))
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
    return [path for _, path in staged]


def write_one(path: Path, data: bytes) -> bool:
    return bool(write_atomic({path: data}))
