"""The lessons' data files as the build verified them: name → (sha256, size).

Recorded by the build, never typed: ``build.py notebooks`` hashes each data file a lesson
header declares (``data: {cifar10.npz: data_path}``) that it finds in the data folder
(``--data-dir``, else ``$COURSE_DATA_DIR``) and keeps the result in ``data-checksums.txt``
beside ``course.yml``, committed with the notebooks. The notebooks' setup cell, the
``check_setup.py`` of the bundle and the Setup page read it from there, so they work on a
machine without the data (a clone, CI). A file the folder lacks keeps its recorded line.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..errors import CourseError
from .lesson import Lesson

RECORD = "data-checksums.txt"
HEADER = ("# The lessons' data files as the build verified them: sha256, size in bytes, name.\n"
          "# Written by `build.py notebooks` from the data folder (--data-dir or "
          "$COURSE_DATA_DIR); do not edit.\n")


@dataclass(frozen=True)
class DataFile:
    name: str
    sha256: str
    size: int

    @property
    def megabytes(self) -> str:
        return f"{self.size / 1e6:,.1f} MB"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_record(root: Path) -> dict[str, DataFile]:
    """The recorded files by name; empty when nothing was recorded yet."""
    path = root / RECORD
    if not path.is_file():
        return {}
    found = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 3 or len(parts[0]) != 64 or not parts[1].isdigit():
            raise CourseError("expected 'SHA256  SIZE  NAME'", path=path, line=number,
                              hint="delete the file and run `python build.py notebooks "
                                   "--data-dir DIR` to record the data again")
        found[parts[2]] = DataFile(parts[2], parts[0], int(parts[1]))
    return found


def record_text(files: dict[str, DataFile]) -> bytes:
    body = "".join(f"{f.sha256}  {f.size}  {f.name}\n" for _, f in sorted(files.items()))
    return (HEADER + body).encode("utf-8")


def updated_record(root: Path, lessons: list[Lesson], folder: Path | None) -> bytes | None:
    """The record with the lessons' data files found in ``folder`` hashed into it; None
    when it would say what it says now (or there is no folder)."""
    if folder is None:
        return None
    files = read_record(root)
    declared = sorted({name for lesson in lessons for name in lesson.data})
    for name in declared:
        path = folder / name
        if path.is_file():
            files[name] = DataFile(name, file_sha256(path), path.stat().st_size)
    files = {name: files[name] for name in declared if name in files}
    data = record_text(files)
    target = root / RECORD
    if (target.is_file() and target.read_bytes() == data) or (not files and not target.exists()):
        return None
    return data


def lesson_data(lesson: Lesson, record: dict[str, DataFile]) -> dict[str, DataFile | None]:
    """Each data file the lesson declares, with its record (None: never recorded)."""
    return {name: record.get(name) for name in lesson.data}
