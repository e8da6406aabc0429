"""``build.py notebooks`` and ``build.py check``: content/ → exercises/ + solutions/."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..config import Course, Project, load_course
from ..errors import CourseError
from ..fsutil import write_atomic
from .assets import Asset, lesson_assets, shown
from .leaks import (
    lesson_secrets,
    raise_on_leaks,
    scan_exercise_markers,
    scan_notebook,
    speaker_note_secrets,
)
from .lesson import Lesson, load_lessons
from .transforms import exercise_notebook, solution_notebook, to_bytes


@dataclass
class Generated:
    lessons: list[Lesson]
    course: Course
    files: dict[Path, bytes]
    #: lessons set aside by ``generate(keep_going=True)``: each one's error
    broken: list[CourseError] = field(default_factory=list)
    #: the files beside the lessons that their Markdown names, by path under content/
    assets: dict[str, Asset] = field(default_factory=dict)

    def shown_assets(self, instructor: bool = False) -> dict[str, bytes]:
        return shown(self.assets, instructor)


def generate(project: Project, keep_going: bool = False) -> Generated:
    """Everything in memory, leak-scanned; nothing touches the disk here.

    ``keep_going`` (verify): a lesson that cannot be read or converted is left out and
    its error kept in ``broken``, so that one lesson's mistake fails that lesson only."""
    course = load_course(project.config_path)
    broken: list[CourseError] = []
    lessons = load_lessons(project.content, broken if keep_going else None)
    files: dict[Path, bytes] = {}
    leaks, good, assets = [], [], {}
    for lesson in lessons:
        try:
            exercise = exercise_notebook(lesson, course)
            solution = to_bytes(solution_notebook(lesson, course))
            found = lesson_assets(lesson, project.content)
        except CourseError as err:
            if not keep_going or err.path != lesson.path:  # course.yml's: every lesson's
                raise
            broken.append(err)
            continue
        good.append(lesson)
        rel = f"exercises/{lesson.stem}.ipynb"
        leaks += scan_notebook(lesson_secrets(lesson) + speaker_note_secrets(lesson),
                               exercise, rel)
        leaks += scan_exercise_markers(lesson, exercise, rel)
        files[project.exercises / f"{lesson.stem}.ipynb"] = to_bytes(exercise)
        files[project.solutions / f"{lesson.stem}.ipynb"] = solution
        for asset in found:  # public if any lesson shows it to students
            known = assets.get(asset.rel)
            assets[asset.rel] = asset if known is None or asset.public else known
    raise_on_leaks(leaks)
    generated = Generated(good, course, files, broken, assets)
    # beside the notebooks, as the Markdown in them names them
    files.update({project.exercises / rel: data
                  for rel, data in generated.shown_assets().items()})
    files.update({project.solutions / rel: data
                  for rel, data in generated.shown_assets(instructor=True).items()})
    return generated


def stale(project: Project, files: dict[Path, bytes]) -> list[Path]:
    """Generated notebooks on disk that no lesson produces any more, and files beside
    them (in sub-folders: assets) that no lesson names any more. Hidden folders
    (Jupyter's .ipynb_checkpoints) are not the build's."""
    found = []
    for folder in (project.exercises, project.solutions):
        found += [p for p in sorted(folder.glob("*.ipynb")) if p not in files]
        found += [p for p in sorted(folder.glob("*/**/*")) if p.is_file() and p not in files
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts)]
    return found


def write_notebooks(project: Project,
                    generated: Generated | None = None) -> tuple[list[Path], list[Path]]:
    """Returns (written, removed). ``generated``: content/ as already read (None: read it)."""
    generated = generated or generate(project)
    written = write_atomic(generated.files)
    removed = stale(project, generated.files)
    for path in removed:
        path.unlink()
    for folder in sorted({p.parent for p in removed}, key=lambda p: -len(p.parts)):
        if folder not in (project.exercises, project.solutions) and not any(folder.iterdir()):
            folder.rmdir()  # an asset's folder that holds nothing more
    return written, removed


def out_of_sync(project: Project, generated: Generated | None = None) -> list[tuple[Path, str]]:
    """(path, reason) for every file that differs from what content/ generates."""
    generated = generated or generate(project)
    problems = []
    for path, data in generated.files.items():
        if not path.is_file():
            problems.append((path, "missing"))
        elif path.read_bytes() != data:
            problems.append((path, "differs"))
    problems += [(path, "no lesson generates it") for path in stale(project, generated.files)]
    return problems
