"""`pip install` of the wheel gives a working `coursekit` command in an EMPTY virtualenv,
and a course made by `coursekit init` builds with it: notebooks, verify, site (decks
included) and bundle — as a new user meets it (docs/package.md).

The wheel test (marker ``package``) builds the wheel with ``pip wheel --no-deps`` and
installs it with its declared dependencies into ``python -m venv`` (no system or
development packages): nothing it does not declare can be imported there. Installing the
dependencies is the one step that needs PyPI (or a mirror set in pip's own configuration);
everything after it runs offline. The site's browser packages come from this repository's
node_modules through ``$COURSE_NODE_MODULES`` (what `npm ci` would install).

The fast tests read the declarations: every module coursekit imports is a dependency, or an
extra when it is imported only where it is used, and that import names the extra.
"""

from __future__ import annotations

import ast
import asyncio
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from textwrap import dedent

import pytest

from conftest import ROOT
from coursekit.errors import CourseError
from coursekit.publish.deck_check import SKIP_ENV, browser_missing
from coursekit.run import cache, cluster
from coursekit.run.cache import normalized
from coursekit.source.setup_cell import render
from test_setup_cell import run_cell, values

TIMEOUT = 900
# one worker installs the wheel once for both tests that use it (pytest-xdist --dist loadgroup)
pytestmark = pytest.mark.xdist_group("package")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _name(requirement: str) -> str:
    """The normalised distribution name of ``fsspec~=2026.9.0``."""
    return normalized(re.match(r"[\w.-]+", requirement).group(0))


def _imports() -> dict[str, list[tuple[str, bool]]]:
    """Top-level module → [(file:line, imported at module level)] for every import of a
    module outside the standard library in coursekit/ (not the skeleton's lesson, which is
    course content)."""
    found: dict[str, list[tuple[str, bool]]] = {}
    for path in sorted((ROOT / "coursekit").rglob("*.py")):
        if "skeleton" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top_level = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "coursekit":
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    found.setdefault(top, []).append((where, id(node) in top_level))
    return found


def test_every_module_coursekit_imports_is_declared():
    """fsspec was imported at module level and declared nowhere: `coursekit --help` failed
    in a new venv. A module-level import must be a dependency; one made only where it is
    used may come from an extra."""
    core = {_name(r) for r in PYPROJECT["dependencies"]}
    extras = {_name(r) for group in PYPROJECT["optional-dependencies"].values() for r in group}
    providers = importlib.metadata.packages_distributions()
    undeclared = []
    for module, places in _imports().items():
        names = {_name(dist) for dist in providers.get(module, [module])}
        for where, module_level in places:
            allowed = core if module_level else core | extras
            if not names & allowed:
                undeclared.append(f"{where}: {module} ({', '.join(sorted(names))})")
    assert undeclared == [], "imported but not declared in pyproject.toml"
    assert {"fsspec", "playwright"} <= core  # the two the empty venv found missing


def test_extras_pin_what_the_optional_imports_need():
    extras = PYPROJECT["optional-dependencies"]
    assert {_name(r) for r in extras["cluster"]} == {"dask", "distributed"}
    assert [_name(r) for r in extras["s3"]] == ["s3fs"]
    assert [_name(r) for r in extras["gcs"]] == ["gcsfs"]
    pins = dict(line.split("==") for line in (ROOT / "requirements.txt").read_text().split("\n")
                if "==" in line and not line.startswith("#"))
    for requirement in extras["cluster"] + PYPROJECT["dependencies"]:
        name, bound = re.match(r"([\w.-]+)~=(.+)", requirement).groups()
        assert pins[name] == bound, f"{requirement} does not follow requirements.txt"


def test_a_scheduler_without_distributed_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    with pytest.raises(CourseError) as caught:
        asyncio.run(cluster.connect("tcp://127.0.0.1:1"))
    assert "needs Dask's distributed package" in str(caught.value)
    assert "pip install 'coursekit[cluster]'" in str(caught.value)


@pytest.mark.parametrize("url, module, extra", [("s3://bucket/runs", "s3fs", "s3"),
                                                ("gs://bucket/runs", "gcsfs", "gcs")])
def test_a_cloud_cache_without_its_package_names_the_extra(monkeypatch, tmp_path, url,
                                                           module, extra):
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(CourseError) as caught:
        cache.open_cache(url, tmp_path / ".cache")
    assert f"cannot open the run cache {url}" in str(caught.value)
    assert f"pip install 'coursekit[{extra}]'" in str(caught.value)


# --- the wheel in an empty virtualenv -----------------------------------------------

def _run(args: list, cwd: Path, env: dict | None = None,
         code: int = 0) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=TIMEOUT)
    assert result.returncode == code, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The wheel built from a copy of the source (the worktree gets no build/ or
    egg-info), installed into a new venv with its dependencies; returns the venv's bin/."""
    tmp = tmp_path_factory.mktemp("package")
    source = tmp / "source"
    shutil.copytree(ROOT / "coursekit", source / "coursekit",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    wheels = tmp / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
          "-w", wheels, source], cwd=tmp)
    [wheel] = wheels.glob("coursekit-*.whl")
    _run([sys.executable, "-m", "venv", tmp / "venv"], cwd=tmp)
    bin_dir = tmp / "venv" / "bin"
    _run([bin_dir / "python", "-m", "pip", "install", "-q", "--no-compile", wheel], cwd=tmp)
    return bin_dir


@pytest.mark.package
def test_the_wheel_installs_into_an_empty_venv_and_runs(installed, tmp_path):
    python, command = installed / "python", installed / "coursekit"
    # an empty venv: none of the development packages is there
    probe = "import importlib.util as u; print([m for m in ('tensorflow', 'numpy', 'pytest', " \
            "'distributed') if u.find_spec(m)])"
    assert _run([python, "-c", probe], cwd=tmp_path).stdout.strip() == "[]"
    help_text = _run([command, "--help"], cwd=tmp_path).stdout
    for name in ("notebooks", "check", "verify", "site", "bundle", "serve", "init"):
        assert name in help_text
    # the command runs the installed copy, package data included, not this checkout
    where = _run([python, "-c", "import coursekit.cli.init as m; print(m.SKELETON)"],
                 cwd=tmp_path).stdout.strip()
    assert Path(where).is_relative_to(installed.parent) and Path(where, "course.yml").is_file()


@pytest.mark.package
def test_init_then_coursekit_gives_a_site_and_a_bundle(installed, tmp_path):
    """The new course's README: install its requirements.txt, run `coursekit`. No Keras
    backend is installed: the NumPy sample runs with none."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("COURSE_DATA_DIR", "KERAS_BACKEND", SKIP_ENV)}
    env["COURSE_NODE_MODULES"] = str(ROOT / "node_modules")
    command = installed / "coursekit"
    _run([command, "init", "my-course", "--title", "My first course"], cwd=tmp_path, env=env)
    course = tmp_path / "my-course"
    _run([installed / "python", "-m", "pip", "install", "-q", "--no-compile", "-r",
          "requirements.txt"],
         cwd=course, env=env)
    if browser_missing():  # the same verdict everywhere: no browser is an error, not a pass
        refused = _run([command], cwd=course, env=env, code=2)
        assert "cannot check that the slides fit" in refused.stderr
        assert "apt-get install chromium" in refused.stderr
        build = _run([command, "--no-fit-check"], cwd=course, env=env)
    else:
        build = _run([command], cwd=course, env=env)  # no subcommand: build everything
    assert "1 passed, 0 failed" in build.stdout
    assert "01_first_steps  smoke    none" in build.stdout
    site = course / "build" / "site"
    assert "My first course" in (site / "index.html").read_text()
    # the runs table names the command this course has: it has no build.py
    runs = (site / "verification.html").read_text()
    assert "executed by <code>coursekit verify</code>" in runs and "build.py" not in runs
    deck = (site / "slides" / "01_first_steps.html").read_text()
    assert "reveal.js/dist/reveal.js" in deck
    assert (site / "slides" / "reveal.js" / "dist" / "reveal.js").is_file()
    with zipfile.ZipFile(course / "dist" / "my-course-0.1.zip") as bundle:
        names = bundle.namelist()
    assert any(name.endswith("exercises/01_first_steps.ipynb") for name in names)
    assert any(name.endswith("site/index.html") for name in names)
    # the generated notebooks are committed in sync: check passes (with the two warnings)
    check = _run([command, "check"], cwd=course, env=env)
    assert "looks like a placeholder" in check.stderr


@pytest.mark.package
def test_the_setup_cell_installs_a_missing_pinned_package_then_does_nothing(installed,
                                                                            tmp_path):
    """The notebooks' setup cell (source/setup_cell.py) in a venv that lacks a pinned
    distribution: it installs it from a local wheelhouse (a package made here, wheeled
    with pip; no network), then, run again, does nothing."""
    package = tmp_path / "tinypin"
    (package / "tinypin").mkdir(parents=True)
    (package / "tinypin" / "__init__.py").write_text("VALUE = 7\n")
    (package / "pyproject.toml").write_text(dedent("""\
        [build-system]
        requires = ["setuptools"]
        build-backend = "setuptools.build_meta"
        [project]
        name = "tinypin"
        version = "1.2"
    """))
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "--no-build-isolation", "--no-index", "-w", wheels, package],
                   check=True, capture_output=True, timeout=300)
    python = str(installed / "python")
    cell = render(values(packages={"tinypin": "1.2"}))
    first = run_cell(python, cell, tmp_path, PIP_FIND_LINKS=str(wheels))
    assert first.returncode == 0, first.stderr
    assert "installing the verified versions: tinypin==1.2 (found none)" in first.stdout
    again = run_cell(python, cell + "\nimport tinypin\nprint('value', tinypin.VALUE)",
                     tmp_path, PIP_FIND_LINKS=str(wheels))
    assert again.returncode == 0, again.stderr
    assert "installing" not in again.stdout and "value 7" in again.stdout
