"""The smoke profile's one-minute training budget, lesson by lesson and backend by backend.

Runs ``build.py verify --jobs 1 --force`` for each lesson on each backend, one run at a
time (the course's training-time targets are meant for one lesson on the 2 cores), and
prints what each run trained in: ``train_seconds`` (the lesson's main training),
``compare_seconds`` (its side experiment, where it has one), its targets and whether
they were met. ``--repeat N`` runs each N times, interleaved, and reports medians.

    python bench/smoke_minute.py --lesson 02_cifar10 --lesson 03_shakespeare \\
        --backend tensorflow --backend jax --backend torch --data-dir ../shared/data

Writes nothing but build/ and .cache/ (as verify does); ``--json FILE`` keeps the rows.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def one_run(lesson: str, backend: str, data_dir: str) -> dict:
    command = [sys.executable, "build.py", "verify", "--jobs", "1", "--force",
               "--lesson", lesson, "--backend", backend, "--data-dir", data_dir]
    subprocess.run(command, cwd=ROOT, check=False, capture_output=True)
    report = json.loads((ROOT / "build" / "report.json").read_text())
    run = next(r for r in report["runs"] if (r["lesson"], r["backend"], r["profile"])
               == (lesson, backend, "smoke"))
    return {"lesson": lesson, "backend": backend, "status": run["status"],
            "metrics": run["metrics"], "targets": run["targets"],
            "parameters": run["parameters"]}


def median(values: list) -> str:
    """The median, or a dash when a run did not record the value."""
    return f"{statistics.median(values):.1f}" if None not in values else "—"


def summarise(rows: list[dict]) -> list[str]:
    lines = ["| lesson | backend | train_seconds | compare_seconds | target metrics | status |",
             "|---|---|---|---|---|---|"]
    keys = sorted({(r["lesson"], r["backend"]) for r in rows})
    for lesson, backend in keys:
        mine = [r for r in rows if (r["lesson"], r["backend"]) == (lesson, backend)]
        seconds = [r["metrics"].get("train_seconds") for r in mine]
        compare = [r["metrics"].get("compare_seconds") for r in mine]
        targets = ", ".join(f"{name} {statistics.median(r['metrics'][name] for r in mine):.4g}"
                            for name in mine[0]["targets"])
        status = "/".join(sorted({r["status"] for r in mine}))
        lines.append(f"| {lesson} | {backend} | {median(seconds)} | {median(compare)} | "
                     f"{targets} | {status} (n={len(mine)}) |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lesson", action="append", required=True)
    parser.add_argument("--backend", action="append", default=None)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--data-dir", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rows = []
    for _ in range(args.repeat):
        for backend in args.backend or ["tensorflow"]:
            for lesson in args.lesson:
                rows.append(one_run(lesson, backend, args.data_dir))
                print(json.dumps(rows[-1]), flush=True)
    print("\n".join(summarise(rows)))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
