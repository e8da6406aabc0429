"""The bundle's requirements.txt is the course's own, made for students: coursekit left out,
includes inlined, and every module a lesson imports installed by it — else the bundle is
refused naming the lesson line and the pin to add. In-process, no kernel, no site."""

from __future__ import annotations

import importlib.metadata

import pytest

from conftest import lesson_source, make_course
from coursekit.errors import CourseError
from coursekit.publish.requirements import HEADER, student_requirements
from coursekit.source.lesson import load_lessons

USES_YAML = """
# %%
import json
import numpy as np

# %%
%matplotlib inline
try:
    import scipy  # optional: not required
except ImportError:
    scipy = None
import yaml.constructor
"""


def course_with(tmp_path, requirements: str, body: str = USES_YAML):
    root = make_course(tmp_path / "course", {"01_data": lesson_source(body)})
    (root / "requirements.txt").write_text(requirements)
    return root, load_lessons(root / "content")


def test_a_lesson_importing_what_requirements_do_not_install_is_refused(tmp_path):
    """The new instructor's course: init's requirements (coursekit, NumPy) and a lesson that
    imports another package installed on their machine — the bundle would not run."""
    root, lessons = course_with(tmp_path, "coursekit==0.1.0\nnumpy==2.4.6\n")
    with pytest.raises(CourseError) as caught:
        student_requirements(root, lessons)
    error = caught.value
    lesson = root / "content" / "01_data.py"
    assert (error.path, error.line) == (lesson, lesson.read_text().split("\n").index(
        "import yaml.constructor") + 1)
    assert "imports yaml, which the course's requirements.txt does not install" in str(error)
    assert f"add `pyyaml=={importlib.metadata.version('PyYAML')}`" in str(error)


def test_the_course_requirements_reach_students_without_coursekit(tmp_path):
    (tmp_path / "base.txt").write_text("numpy==2.4.6\n")
    requirements = ("# how to install coursekit: replace the next line\n"
                    "coursekit @ git+https://github.com/ada/coursekit@v0.1\n"
                    "-e /home/ada/src/coursekit\n"
                    "-r ../base.txt\n"
                    "PyYAML==6.0.3  # the data files\n")
    root, lessons = course_with(tmp_path, requirements)
    shipped = student_requirements(root, lessons).decode()
    assert shipped == HEADER + "numpy==2.4.6\nPyYAML==6.0.3  # the data files\n"


def test_what_the_listed_packages_depend_on_counts_as_installed(tmp_path):
    """matplotlib brings NumPy: a lesson importing both needs only matplotlib listed."""
    root, lessons = course_with(tmp_path, "matplotlib==3.11.2\n",
                                "\n# %%\nimport numpy\nimport matplotlib.pyplot as plt\n")
    assert student_requirements(root, lessons).endswith(b"\nmatplotlib==3.11.2\n")


def test_a_course_without_requirements_is_named(tmp_path):
    root, lessons = course_with(tmp_path, "")
    (root / "requirements.txt").unlink()
    with pytest.raises(CourseError, match="missing, and the bundle needs it"):
        student_requirements(root, lessons)


def test_an_import_in_a_cell_with_an_indented_magic_is_still_checked(tmp_path):
    """A magic inside a block (``!pip`` under an ``if``) reads as ``pass`` at its own
    indentation, so the cell parses and its imports are checked."""
    body = "\n# %%\nif True:\n    !pip install pyyaml\nimport yaml\n"
    root, lessons = course_with(tmp_path, "numpy==2.4.6\n", body)
    with pytest.raises(CourseError, match="imports yaml, which the course's requirements"):
        student_requirements(root, lessons)


def test_requirements_that_include_each_other_are_named(tmp_path):
    (tmp_path / "base.txt").write_text("-r course/requirements.txt\nnumpy==2.4.6\n")
    root, lessons = course_with(tmp_path, "-r ../base.txt\n")
    with pytest.raises(CourseError, match="includes itself through -r"):
        student_requirements(root, lessons)
