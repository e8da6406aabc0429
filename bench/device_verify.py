"""Verify lessons on a GPU machine that lacks the build's publishing stack.

`build.py verify` loads the whole CLI, which imports MkDocs and nbconvert; the device
machine has neither, and its 64 MiB transfer limit leaves no room to carry them. This
calls the same `coursekit.run.verify.verify` that `build.py verify` calls, prints the same
summary, and copies the report and the executed notebooks to OUT (the device tool's
output folder) so they come back.

    python bench/device_verify.py --profile full --backend jax --data DATA_DIR [LESSON…]

bench/device_full.sh runs it once per lesson, each in its own copy of the course.

Run it where `papermill`, `ipykernel`, `jupytext` and `keras` import (docs/verify.md,
"The full profile on a lent GPU machine", says how they travel as wheels).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coursekit.config import Project  # noqa: E402
from coursekit.run.options import RunOptions  # noqa: E402
from coursekit.run.verify import verify  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="full")
    parser.add_argument("--backend", default="jax")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path(os.environ.get("OUT", "build/device")))
    parser.add_argument("lessons", nargs="*", help="lesson stems (default: all)")
    args = parser.parse_args()
    project = Project(ROOT)
    options = RunOptions(profile=args.profile, backend=args.backend,
                         lessons=tuple(args.lessons), jobs=args.jobs, force=True,
                         data_dir=args.data)
    report = verify(project, options)
    print(report.summary(ROOT))
    args.out.mkdir(parents=True, exist_ok=True)
    shutil.copy(report.path, args.out / "report.json")
    for run in report.runs:
        if run.executed and (ROOT / run.executed).is_file():  # relative to the project
            shutil.copy(ROOT / run.executed, args.out / Path(run.executed).name)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
