"""Rewrite the golden notebooks, by hand only: `python tests/golden/regen.py CASE...`.

The golden test never creates a missing file; review the diff of what this writes.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from coursekit.config import load_course  # noqa: E402
from coursekit.source.lesson import read_lesson  # noqa: E402
from coursekit.source.transforms import exercise_notebook, solution_notebook, to_bytes  # noqa: E402

HERE = Path(__file__).resolve().parent


def main(cases: list[str]) -> None:
    if not cases:
        sys.exit("name the case folders to regenerate")
    course = load_course(HERE / "course.yml")
    for case in cases:
        lesson = read_lesson(HERE / case / "lesson.py")
        (HERE / case / "exercise.ipynb").write_bytes(to_bytes(exercise_notebook(lesson, course)))
        (HERE / case / "solution.ipynb").write_bytes(to_bytes(solution_notebook(lesson, course)))
        print(f"wrote {case}/exercise.ipynb and {case}/solution.ipynb")


if __name__ == "__main__":
    main(sys.argv[1:])
