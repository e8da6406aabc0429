"""Where the browser packages (reveal.js, MathJax, iframe-worker) come from.

They are pinned by the course's ``package.json`` and ``package-lock.json`` (``coursekit
init`` writes both) and installed by npm into the course's ``node_modules/``. The first
``site`` of a course without them runs ``npm ci`` itself, so no manual step is needed;
``$COURSE_NODE_MODULES`` names an already installed folder instead (offline machines, the
tests), and then npm is never run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from ..config import Project
from ..errors import CourseError

NODE_MODULES_ENV = "COURSE_NODE_MODULES"
# one file per package the site copies from: present means `npm ci` has run to the end
REQUIRED = ("reveal.js/package.json", "mathjax/es5/tex-chtml-full.js",
            "iframe-worker/shim/index.js")
NPM_TIMEOUT_S = 600


def missing(folder: Path) -> list[str]:
    return [name for name in REQUIRED if not (folder / name).is_file()]


def node_modules(project: Project) -> Path:
    """The folder to copy the browser packages from, installing them on first use."""
    named = os.environ.get(NODE_MODULES_ENV)
    if named:
        folder = Path(named).expanduser().resolve()
        if missing(folder):
            raise CourseError(f"${NODE_MODULES_ENV} lacks {', '.join(missing(folder))}",
                              path=folder, hint="point it at a node_modules folder where "
                                                "`npm ci` ran, or unset it")
        return folder
    folder = project.root / "node_modules"
    if missing(folder):
        npm_install(project)
    return folder


def npm_install(project: Project) -> None:
    """``npm ci`` (exact versions from the lock file) or ``npm install`` without one."""
    manifest = project.root / "package.json"
    if not manifest.is_file():
        raise CourseError("package.json not found: it pins reveal.js and MathJax", path=manifest,
                          hint="copy it from a course made by `coursekit init`")
    npm = shutil.which("npm")
    if npm is None:
        raise CourseError("npm is needed once, to install reveal.js and MathJax", path=manifest,
                          hint=f"install Node.js (npm), or set ${NODE_MODULES_ENV} to an "
                               "installed node_modules folder")
    verb = "ci" if (project.root / "package-lock.json").is_file() else "install"
    print(f"installing the site's browser packages: npm {verb} (first build only)")
    try:
        result = subprocess.run([npm, verb, "--no-audit", "--no-fund"], cwd=project.root,
                                capture_output=True, text=True, timeout=NPM_TIMEOUT_S,
                                check=False)
    except subprocess.TimeoutExpired:
        raise CourseError(f"npm {verb} took more than {NPM_TIMEOUT_S} s", path=manifest,
                          hint="check the network, then build again") from None
    left = missing(project.root / "node_modules")
    if result.returncode != 0 or left:
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise CourseError(f"npm {verb} failed: " + " / ".join(tail or [f"lacks {left}"]),
                          path=manifest, hint="check the network and package.json, then "
                                              "build again")
