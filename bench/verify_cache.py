#!/usr/bin/env python3
"""A no-change ``build.py verify`` of the whole course against a cold one.

Cold: ``verify --force`` (every lesson executes). Warm: ``verify`` right after, nothing
changed (every run comes from the cache, no kernel starts). Both are whole processes, so
the warm time includes the interpreter, imports, notebook generation and hashing the data
files. Reports the medians and warm/cold (target ≤ 0.02). Prints one JSON object. Usage:

    python bench/verify_cache.py [--root .] [--data-dir ../shared/data] [--cold 1] [--warm 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HERE / "bench"))

from benchkit import timed, verify_parser  # noqa: E402


def verify_command(root: Path, args: argparse.Namespace, *extra: str) -> list[str]:
    command = [sys.executable, str(HERE / "build.py"), "--root", str(root), "verify",
               "--profile", args.profile, "--backend", args.backend, *extra]
    return command + (["--data-dir", str(args.data_dir)] if args.data_dir else [])


def main() -> None:
    parser = verify_parser(__doc__.split("\n")[0])
    parser.add_argument("--jobs", default="1")
    parser.add_argument("--cold", type=int, default=1, help="cold runs (each is the course)")
    parser.add_argument("--warm", type=int, default=5)
    args = parser.parse_args()
    root = args.root.resolve()
    subprocess.run([sys.executable, str(HERE / "build.py"), "--root", str(root), "notebooks"],
                   check=True, stdout=subprocess.DEVNULL)
    cold, warm = [], []
    for _ in range(args.cold):
        cold.append(timed(verify_command(root, args, "--force", "--jobs", args.jobs)))
        warm += [timed(verify_command(root, args)) for _ in range(args.warm)]
    report = json.loads((root / "build" / "report.json").read_text())
    medians = {"cold": statistics.median(cold), "warm": statistics.median(warm)}
    print(json.dumps({"lessons": sorted({r["lesson"] for r in report["runs"]}),
                      "all_cached_after": all(r["cached"] for r in report["runs"]
                                              if r["profile"] == args.profile
                                              and r["backend"] == args.backend),
                      "seconds": {"cold": cold, "warm": warm}, "median": medians,
                      "ratio": medians["warm"] / medians["cold"], "load": os.getloadavg()},
                     indent=2))


if __name__ == "__main__":
    main()
