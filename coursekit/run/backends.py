"""The Keras backends a verified run can use (a table, not an if-chain), and which one a
course runs on: ``--backend``, else ``backend:`` in course.yml, else Keras' own default
(TensorFlow) when a lesson imports Keras and no backend at all when none does."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path

from ..config import Course, key_lines
from ..errors import CourseError
from ..source.lesson import KERAS_BACKENDS, Lesson
from ..source.pins import keras_import_line


@dataclass(frozen=True)
class Backend:
    name: str     # the value of KERAS_BACKEND; NO_BACKEND: the variable is not set
    module: str   # what must be importable in the kernel's environment ("": nothing)
    package: str  # the distribution whose version the report records ("": none)


NO_BACKEND = "none"
# each Keras backend's module and distribution carry its name; "none" runs lessons that
# do not use Keras (NumPy, pandas, scikit-learn) with no deep-learning framework installed
BACKENDS: dict[str, Backend] = {name: Backend(name, name, name) for name in KERAS_BACKENDS}
BACKENDS[NO_BACKEND] = Backend(NO_BACKEND, "", "")
DEFAULT_BACKEND = "tensorflow"  # Keras' own default: for a course that imports Keras
REQUIREMENTS = "requirements.txt"  # the course's own, in its root folder

def course_backend(requested: str | None, course: Course, lessons: list[Lesson],
                   root: Path) -> Backend:
    """The backend this verify runs on, checked: known, consistent with the lessons (no
    Keras import under ``none``) and installed. ``root``: the course folder."""
    keras = [(lesson, keras_import_line(lesson)) for lesson in lessons]
    keras = [(lesson, line) for lesson, line in keras if line is not None]
    name = requested or course.backend or (DEFAULT_BACKEND if keras else NO_BACKEND)
    if name not in BACKENDS:
        raise CourseError(f"unknown backend '{name}'", path=None if requested else course.path,
                          line=None if requested else _config_line(course, "backend"),
                          hint=f"choose one of: {', '.join(BACKENDS)}")
    if name == NO_BACKEND and keras:
        lesson, line = keras[0]
        origin = "--backend none" if requested else f"`backend: none` in {course.path.name}"
        raise CourseError(f"imports Keras, but the course runs with no backend ({origin})",
                          path=lesson.path, line=line,
                          hint=f"set `backend: {DEFAULT_BACKEND}` (or jax, torch) in "
                               f"{course.path.name}, or pass --backend")
    return require_backend(name, root / REQUIREMENTS)


def require_backend(name: str, requirements: Path = Path(REQUIREMENTS)) -> Backend:
    """The backend called ``name``, or an error saying how to get it: through the course's
    own requirements file, where a course declares what its lessons need."""
    if name not in BACKENDS:
        raise CourseError(f"unknown backend '{name}'",
                          hint=f"choose one of: {', '.join(BACKENDS)}")
    backend = BACKENDS[name]
    # find_spec does not import: importing TensorFlow alone takes seconds
    if backend.module and importlib.util.find_spec(backend.module) is None:
        raise CourseError(f"backend '{name}' is not installed: no module '{backend.module}' "
                          f"in {sys.prefix}",
                          hint=f"add {backend.package} to {requirements} and run `pip install "
                               f"-r {requirements}`, or choose another backend (--backend, "
                               "or `backend:` in course.yml)")
    return backend


def _config_line(course: Course, key: str) -> int | None:
    try:
        return key_lines(course.path.read_text(encoding="utf-8")).get((key,))
    except OSError:
        return None
