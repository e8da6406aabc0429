"""The Keras backends a verified run can use (a table, not an if-chain)."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass

from ..errors import CourseError
from ..source.lesson import KERAS_BACKENDS


@dataclass(frozen=True)
class Backend:
    name: str     # the value of KERAS_BACKEND
    module: str   # what must be importable in the kernel's environment
    package: str  # the distribution whose version the report records


# each backend's module and distribution carry its name
BACKENDS: dict[str, Backend] = {name: Backend(name, name, name) for name in KERAS_BACKENDS}
DEFAULT_BACKEND = "tensorflow"


def require_backend(name: str) -> Backend:
    """The backend called ``name``, or an error saying how to get it."""
    if name not in BACKENDS:
        raise CourseError(f"unknown backend '{name}'",
                          hint=f"choose one of: {', '.join(BACKENDS)}")
    backend = BACKENDS[name]
    # find_spec does not import: importing TensorFlow alone takes seconds
    if importlib.util.find_spec(backend.module) is None:
        raise CourseError(f"backend '{name}' is not installed: no module '{backend.module}' "
                          f"in {sys.prefix}",
                          hint="install it (`pip install -r requirements-test.txt` adds the "
                               "JAX and PyTorch CPU builds) or choose another --backend")
    return backend
