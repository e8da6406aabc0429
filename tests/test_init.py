"""`coursekit init`, the repository default from git, the placeholder warnings of `check`
and where the site's browser packages come from. Nothing here executes a notebook."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from coursekit import cli
from coursekit.cli.init import FILES, init_course
from coursekit.config import Project, load_course
from coursekit.errors import CourseError
from coursekit.publish import node_assets
from coursekit.run import backends
from coursekit.run.kernel import kernel_env
from coursekit.source.lesson import KERAS_BACKENDS


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True)


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_init_writes_a_course_whose_notebooks_build_and_check(tmp_path, capsys):
    course = tmp_path / "stats-101"
    assert cli.main(["init", str(course), "--title", "Stats: the basics"]) == 0
    assert sorted(_tree(course)) == sorted(FILES)
    assert os.stat(course / ".ci" / "run").st_mode & stat.S_IXUSR
    loaded = load_course(course / "course.yml")
    assert (loaded.title, loaded.slug) == ("Stats: the basics", "stats-101")
    assert "# Stats: the basics" in (course / "README.md").read_text()
    assert cli.main(["--root", str(course), "notebooks"]) == 0
    exercise = json.loads((course / "exercises" / "01_first_steps.ipynb").read_text())
    code = "".join("".join(c["source"]) for c in exercise["cells"])
    assert "raise NotImplementedError()" in code and "np.mean(" not in code
    capsys.readouterr()
    assert cli.main(["--root", str(course), "check"]) == 0
    err = capsys.readouterr().err
    # the skeleton's placeholders are named until the instructor replaces them
    assert "instructor 'Your Name' looks like a placeholder" in err
    assert "your-account/stats-101' looks like a placeholder" in err


def test_check_is_quiet_once_the_placeholders_are_replaced(tmp_path, capsys):
    course = tmp_path / "c"
    init_course(course, repository="https://github.com/ada/stats")
    config = course / "course.yml"
    config.write_text(config.read_text().replace("Your Name", "Ada Lovelace"))
    assert cli.main(["--root", str(course), "notebooks"]) == 0
    capsys.readouterr()
    assert cli.main(["--root", str(course), "check"]) == 0
    assert "warning" not in capsys.readouterr().err


@pytest.mark.parametrize("existing", ["file", "folder with a file"])
def test_init_refuses_a_folder_that_is_not_empty(tmp_path, capsys, existing):
    target = tmp_path / "taken"
    if existing == "file":
        target.write_text("mine\n")
    else:
        target.mkdir()
        (target / "notes.txt").write_text("mine\n")
    before = _tree(tmp_path)
    assert cli.main(["init", str(target)]) == 2
    err = capsys.readouterr().err
    assert str(target) in err and "not an empty folder" in err
    assert _tree(tmp_path) == before


def test_init_into_an_empty_folder_is_fine(tmp_path):
    (tmp_path / "empty").mkdir()
    assert cli.main(["init", str(tmp_path / "empty")]) == 0
    assert (tmp_path / "empty" / "content" / "01_first_steps.py").is_file()


def test_skeleton_site_settings_and_pins_match_this_repository(tmp_path):
    """The new course's mkdocs.yml, npm pins and NumPy pin are this repository's: one
    place to change them would drift from the other without this test."""
    init_course(tmp_path / "c", repository="https://github.com/ada/stats")
    new = tmp_path / "c"

    def body(path: Path) -> str:  # the header comments name the command; the rest is shared
        text = path.read_text()
        return text[text.index("docs_dir:"):]
    assert body(new / "mkdocs.yml") == body(ROOT / "mkdocs.yml")
    ours = json.loads((ROOT / "package.json").read_text())
    theirs = json.loads((new / "package.json").read_text())
    assert theirs["dependencies"] == ours["dependencies"]
    lock = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    for name, entry in json.loads((new / "package-lock.json").read_text())["packages"].items():
        if name:
            assert entry["integrity"] == lock[name]["integrity"]
    pins = set((ROOT / "requirements.txt").read_text().splitlines())
    assert any(line.startswith("numpy==") and line in pins
               for line in (new / "requirements.txt").read_text().splitlines())


def _course_without_repository(root: Path) -> Path:
    init_course(root, repository="https://github.com/ada/stats")
    config = root / "course.yml"
    lines = [line for line in config.read_text().splitlines()
             if not line.startswith(("repository:", "student_repository:"))]
    config.write_text("\n".join(lines) + "\n")
    return root


def test_repository_defaults_to_the_git_origin(tmp_path):
    course = _course_without_repository(tmp_path / "c")
    _git(course, "init", "-q")
    _git(course, "remote", "add", "origin", "git@github.com:ada/stats-course.git")
    loaded = load_course(course / "course.yml")
    assert loaded.repository == "https://github.com/ada/stats-course"
    assert loaded.colab_url("exercises/x.ipynb").endswith("/github/ada/stats-course/blob/"
                                                          "v0.1/exercises/x.ipynb")


def test_init_inside_a_clone_leaves_repository_to_git(tmp_path):
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "remote", "add", "origin", "https://github.com/ada/workshops")
    init_course(tmp_path / "course")
    assert "repository" not in yaml.safe_load((tmp_path / "course" / "course.yml").read_text())
    assert load_course(tmp_path / "course" / "course.yml").repository == \
        "https://github.com/ada/workshops"


def test_no_repository_at_all_is_a_clear_error_for_the_colab_links(tmp_path, capsys):
    course = _course_without_repository(tmp_path / "c")
    (course / "exercises").mkdir()
    (course / "exercises" / "keep.txt").write_text("earlier output\n")
    assert cli.main(["--root", str(course), "notebooks"]) == 2
    err = capsys.readouterr().err
    assert str(course / "course.yml") in err and "no repository is" in err
    assert "git remote add origin" in err
    assert _tree(course / "exercises") == {"keep.txt": b"earlier output\n"}
    assert not (course / "solutions").exists()


def test_named_node_modules_must_hold_the_packages(tmp_path, monkeypatch):
    monkeypatch.setenv(node_assets.NODE_MODULES_ENV, str(tmp_path))
    with pytest.raises(CourseError, match=r"COURSE_NODE_MODULES lacks reveal\.js"):
        node_assets.node_modules(Project(tmp_path))
    monkeypatch.setenv(node_assets.NODE_MODULES_ENV, str(ROOT / "node_modules"))
    assert node_assets.node_modules(Project(tmp_path)) == (ROOT / "node_modules").resolve()


def _fake_npm(bin_dir: Path, log: Path) -> None:
    """An `npm` that records its arguments and installs the three packages' marker files."""
    bin_dir.mkdir()
    lines = ["#!/bin/sh", f'echo "$@" >> "{log}"']
    lines += [f'mkdir -p "node_modules/$(dirname {name})" && touch "node_modules/{name}"'
              for name in node_assets.REQUIRED]
    (bin_dir / "npm").write_text("\n".join(lines) + "\n")
    (bin_dir / "npm").chmod(0o755)


def test_first_site_build_runs_npm_ci_once(tmp_path, monkeypatch):
    course = tmp_path / "c"
    init_course(course, repository="https://github.com/ada/stats")
    log = tmp_path / "npm.log"
    _fake_npm(tmp_path / "bin", log)
    monkeypatch.delenv(node_assets.NODE_MODULES_ENV, raising=False)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    assert node_assets.node_modules(Project(course)) == course / "node_modules"
    assert node_assets.node_modules(Project(course)) == course / "node_modules"
    assert log.read_text() == "ci --no-audit --no-fund\n"  # the second call found them


def test_without_npm_the_error_says_what_to_install(tmp_path, monkeypatch):
    course = tmp_path / "c"
    init_course(course, repository="https://github.com/ada/stats")
    monkeypatch.delenv(node_assets.NODE_MODULES_ENV, raising=False)
    monkeypatch.setattr(node_assets.shutil, "which", lambda name: None)
    with pytest.raises(CourseError) as caught:
        node_assets.node_modules(Project(course))
    assert caught.value.path == course / "package.json"
    assert "install Node.js" in str(caught.value)


def test_coursekit_builds_the_current_folder_by_default(tmp_path, monkeypatch, capsys):
    course = tmp_path / "c"
    init_course(course, repository="https://github.com/ada/stats")
    monkeypatch.chdir(course)
    assert cli.main(["notebooks"]) == 0
    assert (course / "solutions" / "01_first_steps.ipynb").is_file()
    assert "default: the current folder" in cli.parser().format_help()
    assert "default: the folder of build.py" in cli.parser(
        "build.py", ROOT, "the folder of build.py").format_help()


def test_coursekit_outside_a_course_says_how_to_start_one(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main([]) == 2
    err = capsys.readouterr().err
    assert str(tmp_path / "course.yml") in err and "coursekit init DIR" in err
    assert list(tmp_path.iterdir()) == []


def test_the_new_course_verifies_with_no_keras_backend_installed(tmp_path, capsys,
                                                                  monkeypatch):
    """init's sample uses NumPy only and its course.yml says `backend: none`: it verifies
    on a machine without TensorFlow, JAX or PyTorch, and KERAS_BACKEND stays out."""
    course = tmp_path / "c"
    init_course(course, repository="https://github.com/ada/stats")
    assert load_course(course / "course.yml").backend == backends.NO_BACKEND
    for name in KERAS_BACKENDS:  # as if none of them were installed
        monkeypatch.setitem(backends.BACKENDS, name,
                            backends.Backend(name, "no_such_module_xyz", name))
    monkeypatch.setenv("KERAS_BACKEND", "tensorflow")
    assert "KERAS_BACKEND" not in kernel_env(backends.NO_BACKEND, 1)
    assert cli.main(["--root", str(course), "verify"]) == 0
    report = json.loads((course / "build" / "report.json").read_text())
    assert [(run["backend"], run["status"]) for run in report["runs"]] == [("none", "passed")]
    assert (course / "build" / "executed" / "smoke" / "none" / "01_first_steps.ipynb").is_file()
    # asking for a Keras backend that is not installed names the course's requirements
    capsys.readouterr()
    assert cli.main(["--root", str(course), "verify", "--backend", "torch"]) == 2
    assert f"add torch to {course / 'requirements.txt'}" in capsys.readouterr().err


def test_init_names_a_student_repository_beside_the_course(tmp_path, capsys):
    """The Colab links must not open the repository of content/ and solutions/: init
    names the students' own, and check warns when a course.yml has none."""
    init_course(tmp_path / "c", repository="https://github.com/ada/stats")
    config = yaml.safe_load((tmp_path / "c" / "course.yml").read_text())
    assert config["student_repository"] == "https://github.com/ada/stats-student"
    text = (tmp_path / "c" / "course.yml").read_text()
    (tmp_path / "c" / "course.yml").write_text(
        "\n".join(line for line in text.splitlines()
                  if not line.startswith("student_repository:")) + "\n")
    assert cli.main(["--root", str(tmp_path / "c"), "notebooks"]) == 0
    capsys.readouterr()
    assert cli.main(["--root", str(tmp_path / "c"), "check"]) == 0, "a warning, not a failure"
    err = capsys.readouterr().err
    assert "student_repository is not set" in err and "github.com/ada/stats," in err
