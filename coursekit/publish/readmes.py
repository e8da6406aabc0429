"""The README of each thing the build ships, written for the person who opens it.

Students get the student bundle and the student publication (``build.py student``): they
open notebooks and fill in stubs, and nothing in their README speaks of speaker notes or
solutions they do not have. Instructors get the instructor bundle: how to present from
it, and where the solutions are.
"""

from __future__ import annotations

from ..config import Course
from ..source.lesson import Lesson
from .pages import data_instructions

LOCAL_SETUP = ["```bash", "python -m venv .venv",
               "source .venv/bin/activate   # Windows: .venv\\Scripts\\activate",
               "pip install -r requirements.txt jupyterlab",
               "python check_setup.py       # one line per item, with the fix",
               "jupyter lab exercises/", "```", "",
               "`SETUP.md` says more: which Python, the data files with their sizes and "
               "checksums, and how long each lesson takes on Colab and on a laptop."]


def _title(course: Course, audience: str = "") -> list[str]:
    lines = [f"# {course.title} (version {course.version}){audience}", "", course.summary, ""]
    if course.site_url:
        lines += [f"The course website: <{course.site_url}>", ""]
    return lines


def _colab_links(course: Course, lessons: list[Lesson]) -> list[str]:
    return [f"- {lesson.title}: {course.colab_url(f'exercises/{lesson.stem}.ipynb')}"
            + (" (opens on a GPU runtime)" if lesson.accelerator == "gpu" else "")
            for lesson in lessons]


def student_readme(course: Course, lessons: list[Lesson]) -> str:
    """For the student bundle and the student publication (the same files)."""
    lines = _title(course) + [
        "## What is in this folder", "",
        "- `site/index.html`: the course website; open it in a browser (no internet "
        "needed). Each lesson has its notes, its slides and its exercise notebook.",
        "- `site/slides/`: the slides shown in class, one deck per lesson (arrow keys to "
        "move, `F` for full screen).",
        "- `exercises/`: the notebooks you work in.",
        "- `requirements.txt`: the Python packages the lessons were checked with.",
        "- `SETUP.md` and `check_setup.py`: how to set up your machine, and a script that "
        "checks it against the verified setup.",
        "", "## How to work through a lesson", "",
        "Open the lesson's notebook and run its cells from the top. Where a cell says "
        "`# YOUR CODE HERE`, replace `raise NotImplementedError()` (or the `...`) with your "
        "code. The cell after it is a check: run it, it fails until your code does what "
        "the task asks.",
        "", "## How to start", "", "### In Colab (nothing to install)", "",
        *_colab_links(course, lessons), "",
        "Use *File → Save a copy in Drive* to keep your work.", "",
        "### On your own machine", "", *LOCAL_SETUP, "", data_instructions(lessons), ""]
    return "\n".join(lines)


def instructor_readme(course: Course, lessons: list[Lesson]) -> str:
    """For the instructor bundle: how to teach from it, and what not to hand out."""
    lines = _title(course, " — instructor bundle") + [
        f"Keep this bundle to the teaching team: it holds the solutions. Students get "
        f"`{course.bundle_name()}` or the student publication (`build.py student`).", "",
        "## What is in this folder", "",
        "- `site/index.html`: the instructor's site: each lesson page adds the speaker "
        "notes, the solutions (collapsed), the lesson's timing and objectives, and the "
        "details of the verified run; the home page has the day's schedule.",
        "- `site/slides/`: the decks you present, with speaker notes.",
        "- `exercises/`: the notebooks students work in.",
        "- `solutions/`: the solution notebooks (do not share).",
        "- `report.json`: the verification report (every run, its metrics and versions; "
        "`site/verification.html` shows it as a table).",
        "- `requirements.txt`: the Python packages the lessons were verified with.",
        "", "## Presenting", "",
        "- Open `site/slides/<lesson>.html` in a browser (no internet needed) and press `F` "
        "for full screen; the arrow keys and the space bar step through every slide.",
        "- Press `S` for the speaker view: a second window with the speaker notes (and each "
        "exercise's solution), the next slide and a clock. Keep it on your screen and the "
        "deck on the projector.",
        "- Each exercise has a slide with its task, the code to complete and a timer: press "
        "*Start* when the room starts working. The arrow keys and the space bar never show "
        "the solution on the projector; press `A` on the exercise slide to show it in the "
        "stub's place (the timer keeps running), `A` again to hide it.",
        "- The lesson pages of `site/` hold the same solutions and notes, for preparing.",
        "", "## What students open", "", *_colab_links(course, lessons), "",
        "On a laptop, students set up with:", "", *LOCAL_SETUP, "",
        data_instructions(lessons), ""]
    return "\n".join(lines)
