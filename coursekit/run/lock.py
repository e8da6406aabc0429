"""One verify at a time per course: two runs share build/work/ and build/executed/, and
each deletes the other's files (issue 23).

``build/verify.lock`` is an operating-system lock (filelock: ``flock`` here, the Windows
equivalent there), so the system releases it when its process ends, however it ends: no
lock is ever stale, and no verify has to decide that another's is and take it over (two
verifies doing that at once both ran). ``build/verify.owner.json`` says who holds it, for
the message a second verify prints.
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

from filelock import FileLock, Timeout

from ..errors import CourseError

LOCK_NAME = "verify.lock"
OWNER_NAME = "verify.owner.json"


def _owner(path: Path) -> dict:
    """Who holds the lock, as far as its record says (empty while it is being written)."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def _write_whole(path: Path, text: str) -> None:
    """Written aside and renamed into place: a reader sees the old record or the new one."""
    fd, aside = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(aside, path)


def _busy(build: Path) -> CourseError:
    other = _owner(build / OWNER_NAME)
    who = (f"pid {other.get('pid')} on {other.get('host')}, since {other.get('started')}"
           if other else "its process is starting")
    return CourseError(f"another verify of this course is running ({who})",
                       path=build / LOCK_NAME,
                       hint="wait for it to finish, or stop that process; the lock ends with it")


@contextmanager
def course_lock(build: Path) -> Iterator[None]:
    """Hold ``build/verify.lock`` while the block runs; CourseError if another holds it."""
    build.mkdir(parents=True, exist_ok=True)
    lock = FileLock(build / LOCK_NAME, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise _busy(build) from None
    owner = build / OWNER_NAME
    try:
        _write_whole(owner, json.dumps({
            "pid": os.getpid(), "host": socket.gethostname(),
            "started": datetime.now(UTC).isoformat(timespec="seconds")}))
        yield
    finally:
        owner.unlink(missing_ok=True)
        lock.release()
