#!/usr/bin/env python3
"""Overhead of ``build.py verify`` for one lesson against a bare papermill run.

Both sides execute the same solution notebook with the same parameters, backend and
kernel environment, each as a fresh process (interpreter start and imports included):

- verify:   python build.py --root ROOT verify --force --lesson STEM [--data-dir D]
- papermill: python -m papermill solutions/STEM.ipynb OUT -y PARAMS --cwd WORKDIR
- papermill_immediate: the same through papermill's Python API with
  ``shutdown_kernel="immediate"`` (the CLI's default waits for a graceful kernel exit,
  which verify does not do: it kills the kernel once the last cell is done)

They alternate (verify, papermill, papermill_immediate, verify, …) so that all see the
same machine load; the result is the median of ``--repeat`` runs of each and the ratios
of verify to each (target ≤ 1.10).
Prints one JSON object. Usage:

    python bench/verify_overhead.py [--root .] [--lesson 00_welcome] [--data-dir ../shared/data]
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HERE / "bench"))

from benchkit import timed, verify_parser  # noqa: E402

sys.path.insert(0, str(HERE))

from coursekit.config import Project  # noqa: E402
from coursekit.run.kernel import kernel_env  # noqa: E402
from coursekit.run.verify import data_inputs, profile_of  # noqa: E402
from coursekit.source.notebooks import generate  # noqa: E402


def main() -> None:
    parser = verify_parser(__doc__.split("\n")[0])
    parser.add_argument("--lesson", default=None, help="default: the first lesson")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    project = Project(args.root.resolve())
    lessons = {lesson.stem: lesson for lesson in generate(project).lessons}
    lesson = lessons[args.lesson] if args.lesson else next(iter(lessons.values()))
    folder = args.data_dir.resolve() if args.data_dir else None
    parameters, _ = profile_of(lesson, args.profile)
    data_parameters, local, _, _ = data_inputs(lesson, folder)
    parameters.update(data_parameters)
    threads = len(os.sched_getaffinity(0))
    env = kernel_env(args.backend, threads)  # what verify gives its kernel with --jobs 1
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch) / "work"
        (workdir / "data").mkdir(parents=True)
        for name, path in local.items():
            (workdir / "data" / name).symlink_to(path)
        source = str(project.solutions / f"{lesson.stem}.ipynb")
        out = str(Path(scratch) / "out.ipynb")
        papermill = [sys.executable, "-m", "papermill", "--no-progress-bar", "-k", "python3",
                     source, out, "-y", json.dumps(parameters), "--cwd", str(workdir)]
        immediate = [sys.executable, "-c", (
            "import json, sys, papermill; papermill.execute_notebook(sys.argv[1], sys.argv[2], "
            "parameters=json.loads(sys.argv[3]), kernel_name='python3', progress_bar=False, "
            "cwd=sys.argv[4], shutdown_kernel='immediate')"), source, out, json.dumps(parameters),
            str(workdir)]
        verify = [sys.executable, str(HERE / "build.py"), "--root", str(project.root),
                  "verify", "--force", "--lesson", lesson.stem, "--profile", args.profile,
                  "--backend", args.backend, "--jobs", "1"]
        if folder:
            verify += ["--data-dir", str(folder)]
        subprocess.run([sys.executable, str(HERE / "build.py"), "--root", str(project.root),
                        "notebooks"], check=True, stdout=subprocess.DEVNULL)
        times = {"verify": [], "papermill": [], "papermill_immediate": []}
        for _ in range(args.repeat):
            times["verify"].append(timed(verify, dict(os.environ)))
            times["papermill"].append(timed(papermill, env))
            times["papermill_immediate"].append(timed(immediate, env))
        shutil.rmtree(workdir, ignore_errors=True)
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(json.dumps({"lesson": lesson.stem, "profile": args.profile, "backend": args.backend,
                      "repeat": args.repeat, "seconds": times, "median": medians,
                      "ratio": medians["verify"] / medians["papermill"],
                      "ratio_immediate": medians["verify"] / medians["papermill_immediate"],
                      "load": os.getloadavg()}, indent=2))


if __name__ == "__main__":
    main()
