"""The bundle's ``requirements.txt``: the course's own, made for students, and proven to
install what the lessons import.

The course root's ``requirements.txt`` is what the build was verified with. Students get it
with ``-r`` includes inlined (the bundle holds one file) and without coursekit itself (the
build tool: students never run it, and a path or a version not on PyPI would stop their
``pip install``). Every module a lesson imports unconditionally (a top-level statement of a
code cell) must come from a listed distribution, from what those depend on (as installed
here), or from the Jupyter kernel itself; otherwise the bundle is refused, naming the
lesson line and the line to add.
"""

from __future__ import annotations

import importlib.metadata
import sys
from pathlib import Path

from ..errors import CourseError
from ..source.lesson import Lesson
from ..source.pins import NAME as _NAME
from ..source.pins import REQUIREMENTS, lesson_imports, normalized, read_lines

TOOL = "coursekit"
KERNEL = ("ipykernel",)  # what every notebook runs in: students install it with Jupyter
# the course's own comments speak to its authors (how to install coursekit, …): replaced
HEADER = ("# The Python packages the lessons were verified with (the course's requirements,\n"
          "# without coursekit, the tool that built it). pip install -r requirements.txt\n")


def is_tool(line: str) -> bool:
    """The line installs coursekit: by name (``coursekit==0.1``, ``coursekit @ git+…``,
    ``coursekit[s3]``) or from a local checkout (``/path/to/coursekit``, ``-e ../coursekit``)."""
    text = line.strip().removeprefix("-e").strip()
    match = _NAME.match(text)
    if match and normalized(match.group(1)) == TOOL and not text.startswith((".", "/")):
        return True
    return text.startswith((".", "/", "~", "file:")) and \
        Path(text.split("#")[0].strip().rstrip("/")).name.lower().startswith(TOOL)


def listed(lines: list[tuple[Path, int, str]]) -> set[str]:
    """Normalised names of the distributions the lines install."""
    names = set()
    for _, _, line in lines:
        text = line.split("#")[0].strip()
        match = _NAME.match(text) if text and not text.startswith("-") else None
        if match:
            names.add(normalized(match.group(1)))
    return names


def closure(names: set[str]) -> set[str]:
    """``names`` and everything they depend on, as installed here (extras left out)."""
    found, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in found:
            continue
        found.add(name)
        try:
            requires = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        todo += [normalized(_NAME.match(r).group(1)) for r in requires
                 if "extra ==" not in r and _NAME.match(r)]
    return found


def missing_import(lessons: list[Lesson], available: set[str]) -> CourseError | None:
    """The first import no available distribution provides, as an error; None if none."""
    providers = importlib.metadata.packages_distributions()
    for lesson in lessons:
        for module, line in lesson_imports(lesson):
            if module in sys.stdlib_module_names or module not in providers:
                continue  # the standard library, or a module beside the lesson
            names = sorted(normalized(d) for d in providers[module])
            if not set(names) & available:
                version = importlib.metadata.version(names[0])
                return CourseError(
                    f"imports {module}, which the course's {REQUIREMENTS} does not install",
                    path=lesson.path, line=line,
                    hint=f"add `{names[0]}=={version}` (the version verified here) to "
                         f"{REQUIREMENTS}: students install only what it lists")
    return None


def student_requirements(root: Path, lessons: list[Lesson]) -> bytes:
    """The bundle's ``requirements.txt`` (see the module's docstring)."""
    lines = [entry for entry in read_lines(root / REQUIREMENTS)
             if entry[2].strip() and not entry[2].lstrip().startswith("#")
             and not is_tool(entry[2])]
    error = missing_import(lessons, closure(listed(lines) | set(KERNEL)))
    if error:
        raise error
    body = "\n".join(line for _, _, line in lines).strip("\n")
    return (HEADER + body + "\n").encode()


def course_requirements(root: Path, lessons: list[Lesson]) -> bytes | None:
    """The students' requirements, or None for a course without a requirements file."""
    return student_requirements(root, lessons) if (root / REQUIREMENTS).is_file() else None
