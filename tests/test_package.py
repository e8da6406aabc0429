"""`pip install .` gives a working `coursekit` command, and a course made by
`coursekit init` builds with it: notebooks, verify, site (decks included) and bundle.

No network: the new virtualenv is layered on the shared one (a ``.pth`` file puts its
site-packages on the path, so the dependencies and setuptools are already there), the
package is installed with ``--no-deps --no-build-isolation``, and the site's browser
packages come from this repository's node_modules through ``$COURSE_NODE_MODULES``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT

TIMEOUT = 600


def _run(args: list, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=TIMEOUT)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


def _overlay_venv(folder: Path) -> Path:
    """A fresh virtualenv that sees the shared one's packages: returns its bin/.

    ``--system-site-packages`` would layer it on the base interpreter, not on the shared
    venv, and ensurepip's old setuptools would shadow the shared one: hence no pip and a
    ``.pth`` line. nbconvert's templates and the kernel spec live under share/jupyter,
    which a real install puts into the venv: a link stands in for them.
    """
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    python = folder / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; "
                              "print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    (Path(purelib) / "shared-venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    (folder / "share").mkdir(exist_ok=True)
    (folder / "share" / "jupyter").symlink_to(Path(sys.prefix) / "share" / "jupyter")
    return folder / "bin"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """``pip install .`` from a copy of the source (the worktree gets no build/ or
    egg-info); returns the new venv's bin/."""
    tmp = tmp_path_factory.mktemp("package")
    source = tmp / "source"
    shutil.copytree(ROOT / "coursekit", source / "coursekit",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    bin_dir = _overlay_venv(tmp / "venv")
    _run([bin_dir / "python", "-m", "pip", "install", "-q", "--no-deps", "--no-index",
          "--no-build-isolation", source], cwd=tmp)
    return bin_dir


def test_pip_install_gives_the_coursekit_command(installed, tmp_path):
    command = installed / "coursekit"
    assert command.is_file()
    help_text = _run([command, "--help"], cwd=tmp_path).stdout
    for name in ("notebooks", "check", "verify", "site", "bundle", "serve", "init"):
        assert name in help_text
    # the command runs the installed copy, package data included, not this checkout
    where = _run([installed / "python", "-c", "import coursekit.cli.init as m; "
                  "print(m.SKELETON)"], cwd=tmp_path).stdout.strip()
    assert Path(where).is_relative_to(installed.parent) and Path(where, "course.yml").is_file()


def test_init_then_coursekit_gives_a_site_and_a_bundle(installed, tmp_path):
    env = {**os.environ, "COURSE_NODE_MODULES": str(ROOT / "node_modules")}
    env.pop("COURSE_DATA_DIR", None)
    command = installed / "coursekit"
    _run([command, "init", "my-course", "--title", "My first course"], cwd=tmp_path, env=env)
    course = tmp_path / "my-course"
    build = _run([command], cwd=course, env=env)  # no subcommand: build everything
    assert "1 passed, 0 failed" in build.stdout
    site = course / "build" / "site"
    assert "My first course" in (site / "index.html").read_text()
    deck = (site / "slides" / "01_first_steps.html").read_text()
    assert "reveal.js/dist/reveal.js" in deck
    assert (site / "slides" / "reveal.js" / "dist" / "reveal.js").is_file()
    assert (site / "assets" / "vendor" / "mathjax" / "tex-chtml-full.js").is_file()
    with zipfile.ZipFile(course / "dist" / "my-course-0.1.zip") as bundle:
        names = bundle.namelist()
    assert any(name.endswith("exercises/01_first_steps.ipynb") for name in names)
    assert any(name.endswith("site/index.html") for name in names)
    # the generated notebooks are committed in sync: check passes (with the two warnings)
    check = _run([command, "check"], cwd=course, env=env)
    assert "looks like a placeholder" in check.stderr
