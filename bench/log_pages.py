#!/usr/bin/env python3
"""Time to turn a long training log into what a notes page shows, by the log's size.

The page's text of a stream output is ``trim_lines(resolve_overwrites(strip_ansi(text)))``
(publish/student_view.clean_logs). Logs of 1, 2 and 4 MB (one line a step, as Keras
prints) are timed ``--repeat`` times each, in turn; prints the median seconds per size and
the ratio of each to the 1 MB one (linear: about 2 and 4). Usage:

    python bench/log_pages.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coursekit.publish.student_view import resolve_overwrites, trim_lines  # noqa: E402
from coursekit.run.terminal import strip_ansi  # noqa: E402

SIZES_MB = (1, 2, 4)
LINE = "step {:07d}: loss 0.123456 - accuracy 0.9812\n"


def log_of(megabytes: int) -> str:
    return "".join(LINE.format(i) for i in range(megabytes * 1_000_000 // len(LINE)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    logs = {size: log_of(size) for size in SIZES_MB}
    times: dict[int, list[float]] = {size: [] for size in SIZES_MB}
    for _ in range(args.repeat):
        for size, text in logs.items():
            started = time.perf_counter()
            trim_lines(resolve_overwrites(strip_ansi(text)))
            times[size].append(time.perf_counter() - started)
    medians = {size: statistics.median(values) for size, values in times.items()}
    print(json.dumps({"median_seconds": {f"{s} MB": round(m, 3) for s, m in medians.items()},
                      "ratio_to_1MB": {f"{s} MB": round(m / medians[1], 2)
                                       for s, m in medians.items()}}))


if __name__ == "__main__":
    main()
