"""What a lesson needs installed: the modules it imports, the distributions that provide
them, and the versions the course pins (``requirements.txt``, what the build verified).

One home for these rules: the bundle's requirements (publish/requirements.py) and the
notebooks' setup cell (setup_cell.py) both read them here.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
import sys
from pathlib import Path

from packaging.utils import canonicalize_name as normalized  # PEP 503: PyYAML → pyyaml

from ..errors import CourseError
from .lesson import Lesson
from .syntax import without_magics

REQUIREMENTS = "requirements.txt"
NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)")
_INCLUDE = re.compile(r"^-r\s+|^--requirement[=\s]+")
# the notebook's own kernel: the runtime (Colab, Jupyter) brings it, matched to itself
KERNEL_DISTRIBUTIONS = ("ipython", "ipykernel")
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;#]+)")


def read_lines(path: Path, including: tuple[Path, ...] = ()) -> list[tuple[Path, int, str]]:
    """(file, line number, line) of ``path`` with its ``-r`` includes inlined in place;
    ``including``: the files whose ``-r`` led here (a cycle is an error, not a recursion)."""
    if path.resolve() in including:
        raise CourseError("includes itself through -r", path=including[-1],
                          hint=f"{path} is already being read; remove one of the -r lines")
    if not path.is_file():
        raise CourseError("missing, and the bundle needs it", path=path,
                          hint="list the packages the lessons need, pinned (name==version)")
    lines = []
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        include = _INCLUDE.match(line.strip())
        if include:
            lines += read_lines(path.parent / line.strip()[include.end():].strip(),
                                (*including, path.resolve()))
        else:
            lines.append((path, number, line))
    return lines


def pinned_versions(root: Path) -> dict[str, str]:
    """Normalised name → version of each ``name==version`` line of the course's
    requirements (includes inlined); empty when the course has none."""
    path = root / REQUIREMENTS
    return parse_pins([line for _, _, line in read_lines(path)]) if path.is_file() else {}


def parse_pins(lines: list[str]) -> dict[str, str]:
    """Normalised name → version of each ``name==version`` line."""
    pins = {}
    for line in lines:
        match = _PIN.match(line.strip())
        if match:
            pins[normalized(match.group(1))] = match.group(2)
    return pins


def _imports(lesson: Lesson, everywhere: bool = False):
    """(dotted name, lesson line) of each import statement of the lesson's code cells:
    ``import a.b`` → ``a.b``, ``from a import b`` → ``a.b``. Only the top-level statements,
    unless ``everywhere`` (then also inside ``try``, ``if`` and functions)."""
    for cell in lesson.cells:
        if cell.cell_type != "code":
            continue
        try:  # magics read as pass, at their indentation (the marker parser's rule)
            tree = ast.parse(without_magics(cell.source))
        except SyntaxError:
            continue  # reading the lesson reports it
        for node in ast.walk(tree) if everywhere else tree.body:
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                continue
            yield from ((name, cell.line + node.lineno - 1) for name in names)


def lesson_imports(lesson: Lesson) -> list[tuple[str, int]]:
    """(top-level module, lesson line) of each unconditional import of the lesson: the
    top-level statements of its code cells (not inside ``try``, ``if`` or a function)."""
    return [(name.split(".")[0], line) for name, line in _imports(lesson)]


def keras_import_line(lesson: Lesson) -> int | None:
    """The lesson file's line of its first Keras import anywhere in its code (``import
    keras``, ``from keras import layers``, ``import tensorflow.keras``, ``from tensorflow
    import keras``, also inside a function), or None: such a lesson needs a backend."""
    lines = sorted(line for name, line in _imports(lesson, everywhere=True)
                   if "keras" in name.split("."))
    return lines[0] if lines else None


def lesson_pins(lesson: Lesson, pins: dict[str, str], backend: str = "") -> dict[str, str]:
    """Distribution → pinned version of what the lesson imports (as this environment maps
    modules to distributions), plus the Keras backend's distribution when it imports
    Keras: the verified versions a student's runtime must have."""
    modules = {module for module, _ in lesson_imports(lesson)}
    names = {normalized(dist) for module in modules if module not in sys.stdlib_module_names
             for dist in providers_of(module)}
    if "keras" in modules and backend:
        names.add(normalized(backend))  # tensorflow, jax, torch: named as distributed
    return {name: pins[name] for name in sorted(names)
            if name in pins and name not in KERNEL_DISTRIBUTIONS}


@functools.cache
def providers_of(module: str) -> list[str]:
    """The distributions that install ``module``: the one of the same name when it says
    it does (milliseconds: most do, numpy, keras), else importlib's whole map (a second
    and a half to build, so built once: PIL, yaml, sklearn)."""
    try:
        same_name = importlib.metadata.distribution(module)
    except importlib.metadata.PackageNotFoundError:
        same_name = None
    if same_name is not None and provides(same_name, module):
        return [same_name.name]
    return module_providers().get(module, [])


def provides(distribution: importlib.metadata.Distribution, module: str) -> bool:
    """Its top_level.txt names the module, or (no such file: meson, hatch) its RECORD
    holds the module's folder or file."""
    top_level = distribution.read_text("top_level.txt")
    if top_level is not None:
        return module in top_level.split()
    return any(part.parts[0] in (module, f"{module}.py") for part in distribution.files or [])


@functools.cache
def module_providers() -> dict[str, list[str]]:
    """importlib's module → distributions map, built once."""
    return importlib.metadata.packages_distributions()
