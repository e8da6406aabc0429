"""How the build scales with the number of lessons (issue 10, item 6). Run by hand:

    .venv/bin/python bench/scale.py                      # 10, 100, 300 lessons
    .venv/bin/python bench/scale.py --sizes 10 100 --cold-max 100 --json out.json
    .venv/bin/python bench/scale.py --dask               # adds verify on 2 Dask workers

A synthetic course made by `coursekit init` grows in one temporary folder: the lessons of
size 10 are the first ten of size 100, and so on. At each size every step runs once:
`notebooks`, `check`, `verify` of the lessons added since the last size (cold: nothing
cached, so its per-lesson cost is a cold run's), a no-change `verify` of all of them
(warm), `site` and `bundle`. Each lesson is pure Python with one exercise, its check and a
metrics cell, and differs from the others in its code, so no two share a cache entry.

`--cold-max N`: at sizes above N the cold runs are still needed (the warm verify needs a
full cache) but their time is reported as such, not as a measurement of cold scaling.
Results go to stdout as a table (per-lesson seconds) and, with --json, to a file.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from benchkit import ROOT
from coursekit import cli
from coursekit.cli.init import init_course

LESSON = '''\
# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   course:
#     title: Synthetic lesson {number}
#     profiles:
#       smoke:
#         parameters: {{n: {n}}}
#         targets:
#           total: {{min: 0}}
# ---

# %% [markdown] slideshow={{"slide_type": "slide"}}
# # Synthetic lesson {number}
#
# Lesson {number} adds up the first $n$ multiples of {number}.

# %% tags=["parameters"]
n = 3

# %% [markdown] slideshow={{"slide_type": "slide"}}
# ## Your turn

# %%
def multiple(i):
    ### BEGIN SOLUTION
    return i * {number}
    ### END SOLUTION

# %% tags=["check"]
assert multiple(2) == {double}, "multiple(2) should be {double}"

# %%
total = sum(multiple(i) for i in range(n))

# %% tags=["metrics"]
from IPython.display import display

display({{"application/json": {{"total": total}}}}, raw=True)
'''


def write_lessons(course: Path, count: int) -> None:
    for number in range(1, count + 1):
        path = course / "content" / f"{number:03d}_synthetic.py"
        if not path.exists():
            path.write_text(LESSON.format(number=number, n=number % 7 + 3, double=2 * number))


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the kernels)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def step(course: Path, *args: str) -> float:
    """Seconds one `coursekit` step takes in this process (its output is swallowed).

    Wall-clock seconds go into the table; CPU seconds into ``CPU`` (the build machine is
    shared, so wall time also counts other people's jobs: CPU time is the steadier one).
    """
    out = io.StringIO()
    start, cpu = time.perf_counter(), _cpu()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli.main(["--root", str(course), *args])
    seconds = time.perf_counter() - start
    CPU.setdefault(len(list((course / "content").glob("*.py"))), {})[args[0]] = _cpu() - cpu
    if code != 0:
        sys.exit(f"`coursekit {' '.join(args)}` exited {code}:\n{out.getvalue()[-3000:]}")
    return seconds


CPU: dict[int, dict[str, float]] = {}  # lessons -> step -> CPU seconds of its last run


def dask_scheduler():
    """A local cluster of two worker processes on 127.0.0.1, or a clear exit."""
    try:
        from dask.distributed import LocalCluster
    except ImportError:
        sys.exit("--dask needs dask.distributed (pip install 'dask[distributed]'); the "
                 "`dask` branch of coursekit adds it and `verify --scheduler`")
    if "--scheduler" not in cli.parser().format_help() + _verify_help():
        sys.exit("--dask: this coursekit's verify has no --scheduler option yet (the `dask` "
                 "branch adds it)")
    return LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1")


def _verify_help() -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        cli.main(["verify", "--help"])
    return out.getvalue()


def measure(course: Path, size: int, added: int, cold: bool, cluster) -> dict:
    write_lessons(course, size)
    row = {"lessons": size, "notebooks": step(course, "notebooks"),
           "check": step(course, "check")}
    if added:
        seconds = step(course, "verify")
        row["verify_new"] = {"lessons": added, "seconds": seconds, "cold_measured": cold}
    row["verify_warm"] = step(course, "verify")
    row["cpu"] = dict(CPU[size])  # verify: the warm run, the last one so far
    if cluster is not None:
        row["verify_dask_warm"] = step(course, "verify", "--scheduler",
                                       cluster.scheduler_address)
        row["verify_dask_cold"] = step(course, "verify", "--force", "--scheduler",
                                       cluster.scheduler_address)
    row["site"] = step(course, "site")
    row["bundle"] = step(course, "bundle")
    row["cpu"].update(site=CPU[size]["site"], bundle=CPU[size]["bundle"])
    return row


def table(rows: list[dict]) -> str:
    """Per step: wall seconds, and ms per lesson of wall / CPU time."""
    names = ["notebooks", "check", "verify_warm", "site", "bundle"]
    lines = ["lessons | " + " | ".join(names) + " | cold verify (new lessons)",
             "--- | " + " | ".join("---" for _ in names) + " | ---"]
    for row in rows:
        n = row["lessons"]
        per = [f"{row[name]:.2f} s ({1000 * row[name] / n:.1f} / "
               f"{1000 * row['cpu'][name.split('_')[0]] / n:.1f} ms)" for name in names]
        new = row.get("verify_new")
        cold = "—" if new is None else (
            f"{new['seconds']:.1f} s / {new['lessons']} = "
            f"{new['seconds'] / new['lessons']:.2f} s/lesson"
            + ("" if new["cold_measured"] else " (not a scaling measurement)"))
        lines.append(f"{row['lessons']} | " + " | ".join(per) + f" | {cold}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 300])
    parser.add_argument("--cold-max", type=int, default=100,
                        help="report cold verify as a measurement up to this size")
    parser.add_argument("--dask", action="store_true",
                        help="also verify on a local Dask cluster of two workers")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--keep", type=Path, help="build the course here and keep it")
    parser.add_argument("--again", type=Path, metavar="DIR",
                        help="time the steps once more on a course --keep built (all cached)")
    args = parser.parse_args(argv)
    os.environ.setdefault("COURSE_NODE_MODULES", str(ROOT / "node_modules"))
    if args.again:
        size = len(list((args.again / "content").glob("*.py")))
        row = measure(args.again, size, 0, False, None)
        print(table([row]))
        if args.json:
            args.json.write_text(json.dumps({"load": os.getloadavg(), "rows": [row]}, indent=2))
        return 0
    cluster = dask_scheduler() if args.dask else None
    with tempfile.TemporaryDirectory(prefix="coursekit-scale-") as tmp:
        course = args.keep or Path(tmp) / "course"
        init_course(course, repository="https://github.com/bench/synthetic")
        (course / "content" / "01_first_steps.py").unlink()
        rows, previous = [], 0
        for size in sorted(args.sizes):
            rows.append(measure(course, size, size - previous, size <= args.cold_max, cluster))
            previous = size
            print(table(rows[-1:]).splitlines()[-1], flush=True)
    if cluster is not None:
        cluster.close()
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps({"load": os.getloadavg(), "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
