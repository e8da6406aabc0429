"""One verify at a time per course: two runs share build/work/ and build/executed/, and
each deletes the other's files (issue 23). ``build/verify.lock`` names the running one.

A lock whose process is gone (killed, the machine restarted) is stale and taken over; a
lock from another machine (a shared folder) cannot be checked, so it is respected.
"""

from __future__ import annotations

import json
import os
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from ..errors import CourseError

LOCK_NAME = "verify.lock"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def _holder(path: Path) -> dict | None:
    """The lock's record, or None when it is unreadable (half-written by a crash)."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    ok = isinstance(record, dict) and isinstance(record.get("pid"), int)
    return record if ok else None


def _held(record: dict | None) -> bool:
    if record is None:
        return False
    return record.get("host") != socket.gethostname() or _alive(record["pid"])


def _create_whole(path: Path, text: str) -> None:
    """Create ``path`` holding ``text``, or FileExistsError. Written aside and linked into
    place, so that no other verify can ever read it empty (and take it for stale)."""
    fd, aside = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(aside, 0o644)
        os.link(aside, path)
    finally:
        os.unlink(aside)


@contextmanager
def course_lock(build: Path) -> Iterator[None]:
    """Hold ``build/verify.lock`` while the block runs; CourseError if another holds it."""
    path = build / LOCK_NAME
    build.mkdir(parents=True, exist_ok=True)
    mine = {"pid": os.getpid(), "host": socket.gethostname(),
            "started": datetime.now(UTC).isoformat(timespec="seconds")}
    while True:
        try:
            _create_whole(path, json.dumps(mine))
        except FileExistsError:
            other = _holder(path)
            if _held(other):
                raise CourseError(f"another verify of this course is running (pid "
                                  f"{other['pid']} on {other.get('host')}, since "
                                  f"{other.get('started')})", path=path,
                                  hint="wait for it to finish; if that process is not a "
                                       "verify, delete this file") from None
            path.unlink(missing_ok=True)  # stale: its process is gone
            continue
        break
    try:
        yield
    finally:
        if _holder(path) == mine:
            path.unlink(missing_ok=True)
