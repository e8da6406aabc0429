"""Atomic file output: write everything beside its target first, then rename into place.

An error or an interruption before the renames leaves every earlier output untouched.
"""

from __future__ import annotations

import os
import shutil
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
            staged.append((Path(tmp), path))
            os.chmod(tmp, 0o644)  # mkstemp makes owner-only files; outputs are for everyone
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
    return [path for _, path in staged]


def replace_dir(staged: Path, target: Path) -> None:
    """Put the finished folder ``staged`` where ``target`` is; the old one goes last.

    Only called once ``staged`` is complete, so a failed build never touches ``target``;
    the swap itself is two renames.
    """
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(staged, target)
    shutil.rmtree(old, ignore_errors=True)


def write_tree(folder: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` (path relative to ``folder`` → bytes) into a new folder."""
    for rel, data in sorted(files.items()):
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def read_tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``: POSIX path relative to it → bytes."""
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}
