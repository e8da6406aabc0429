"""The first code cell of every exercise and solution notebook: it sets the notebook up.

It installs the verified version of each distribution the lesson imports where the
runtime's differs (compared with importlib.metadata: nothing to do costs milliseconds, so
``verify`` runs it too and proves it), finds the lesson's data files and checks them
against the build's record, warns a GPU lesson on a CPU runtime how to switch and what
staying costs, and prints what the build verified. Its code is the templates in
``templates/`` (``setup_checks.py.tmpl``, shared with the bundle's ``check_setup.py``, and
``setup_cell.py.tmpl``); this module fills in the lesson's values.
"""

from __future__ import annotations

import pprint
from importlib import resources

from nbformat import NotebookNode, from_dict

from ..config import Course
from .data_record import read_record
from .estimates import default_profile, load_estimates
from .lesson import Lesson
from .pins import lesson_imports, lesson_pins, pinned_versions

CELL_ID = "course-setup"
TITLE = "# @title Set up this notebook: run this cell first\n"
WHY = ("# Installs the package versions this lesson was verified with (only those that "
       "differ),\n# checks its data and the runtime. Written by the course's build.\n")


def template(name: str) -> str:
    return resources.files(__package__).joinpath("templates", name).read_text(encoding="utf-8")


def backend_name(course: Course, lesson: Lesson) -> str:
    if not any(module == "keras" for module, _ in lesson_imports(lesson)):
        return "none"
    return course.backend or "Keras' default"


def verified_values(lesson: Lesson, course: Course) -> dict:
    """What the cell checks against, all from the build's own records."""
    root = course.path.parent
    record = read_record(root)
    estimates = load_estimates(root).get(lesson.stem, [])
    data = {name: None if name not in record else
            {"sha256": record[name].sha256, "size": record[name].size}
            for name in lesson.data}
    return {"lesson": lesson.stem, "version": course.version,
            "profile": default_profile(lesson) or "none (the defaults are not verified)",
            "backend": backend_name(course, lesson),
            "packages": lesson_pins(lesson, pinned_versions(root), course.backend),
            "data": data, "parameters": dict(lesson.data),
            "gpu": lesson.accelerator == "gpu",
            "estimates": [f"{e.text} on {e.hardware}" for e in estimates]}


def render(values: dict) -> str:
    """The cell's code for ``values`` (the keys of :func:`verified_values`)."""
    literal = pprint.pformat(values, width=88, sort_dicts=True)
    return (TITLE + WHY + template("setup_checks.py.tmpl") + "\nVERIFIED = " + literal + "\n"
            + template("setup_cell.py.tmpl")).rstrip("\n")


def setup_source(lesson: Lesson, course: Course) -> str:
    return render(verified_values(lesson, course))


def setup_cell(lesson: Lesson, course: Course) -> NotebookNode:
    """Collapsed where the notebook is opened (Colab's form view, Jupyter's hidden
    source), kept off the slides."""
    return from_dict({"cell_type": "code", "id": CELL_ID, "execution_count": None,
                      "outputs": [], "source": setup_source(lesson, course),
                      "metadata": {"cellView": "form", "jupyter": {"source_hidden": True},
                                   "slideshow": {"slide_type": "skip"}}})
