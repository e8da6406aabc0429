"""What ``verify`` shows while it works: a live line on a terminal, plain lines in CI."""

from __future__ import annotations

import os
import time
from typing import TextIO

_CLEAR = "\r\x1b[K"


def is_live(stream: TextIO) -> bool:
    """A terminal that can redraw a line; CI logs and pipes get plain lines."""
    return (hasattr(stream, "isatty") and stream.isatty() and not os.environ.get("CI")
            and os.environ.get("TERM") != "dumb")


class Progress:
    """Which lesson runs, at which cell, for how long.

    ``start``/``cell``/``done`` are called from the event loop; in live mode ``cell`` redraws
    the status line (at most every ``interval`` seconds), in plain mode only start and end
    are printed.
    """

    def __init__(self, stream: TextIO, live: bool | None = None, interval: float = 0.2):
        self.stream = stream
        self.live = is_live(stream) if live is None else live
        self.interval = interval
        self.running: dict[str, list] = {}  # label -> [cell, cells, started]
        self._drawn = 0.0

    def start(self, label: str) -> None:
        self.running[label] = [0, 0, time.monotonic()]
        if not self.live:
            self._print(f"verify {label}: running")
        self._draw(force=True)

    def cell(self, label: str, number: int, total: int) -> None:
        self.running[label][:2] = [number, total]
        self._draw()

    def done(self, label: str, status: str, seconds: float, cached: bool) -> None:
        self.running.pop(label, None)
        how = "cached" if cached else f"{seconds:.1f} s"
        self._print(f"verify {label}: {status} ({how})")
        self._draw(force=True)

    def note(self, label: str, text: str) -> None:
        """A line about a lesson that is neither its start nor its end (a warning, a wait)."""
        self._print(f"verify {label}: {text}")
        self._draw(force=True)

    def tick(self) -> None:
        """Redraw, so that elapsed time moves during a long cell."""
        self._draw(force=True)

    def close(self) -> None:
        if self.live:
            self.stream.write(_CLEAR)
            self.stream.flush()

    def _print(self, line: str) -> None:
        if self.live:
            self.stream.write(_CLEAR)
        self.stream.write(line + "\n")
        self.stream.flush()

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not self.live or (not force and now - self._drawn < self.interval):
            return
        self._drawn = now
        parts = [f"{label} {f'cell {cell}/{total}' if total else 'starting'} "
                 f"{now - started:.0f}s" for label, (cell, total, started) in self.running.items()]
        self.stream.write(_CLEAR + " | ".join(parts))
        self.stream.flush()
