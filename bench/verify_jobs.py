#!/usr/bin/env python3
"""``build.py verify --jobs 1`` against ``--jobs 2`` on the whole course.

Both are cold (``--force``) whole processes; they alternate (1, 2, 1, 2, …) so that both
see the same machine load. With N jobs each kernel gets cores/N threads. Reports the
medians and jobs2/jobs1 (below 1: two jobs are faster). Prints one JSON object. Usage:

    python bench/verify_jobs.py [--root .] [--data-dir ../shared/data] [--repeat 1]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HERE / "bench"))

from benchkit import timed, verify_parser  # noqa: E402


def main() -> None:
    parser = verify_parser(__doc__.split("\n")[0])
    parser.add_argument("--lesson", action="append", default=[], help="default: all lessons")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    root = args.root.resolve()
    subprocess.run([sys.executable, str(HERE / "build.py"), "--root", str(root), "notebooks"],
                   check=True, stdout=subprocess.DEVNULL)
    base = [sys.executable, str(HERE / "build.py"), "--root", str(root), "verify", "--force",
            "--profile", args.profile, "--backend", args.backend]
    base += ["--data-dir", str(args.data_dir)] if args.data_dir else []
    for stem in args.lesson:
        base += ["--lesson", stem]
    times = {"1": [], "2": []}
    for _ in range(args.repeat):
        for jobs in times:
            times[jobs].append(timed(base + ["--jobs", jobs]))
    medians = {jobs: statistics.median(values) for jobs, values in times.items()}
    print(json.dumps({"cores": len(os.sched_getaffinity(0)), "seconds": times,
                      "median": medians, "ratio_2_over_1": medians["2"] / medians["1"],
                      "load": os.getloadavg()}, indent=2))


if __name__ == "__main__":
    main()
