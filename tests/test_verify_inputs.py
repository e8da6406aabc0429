"""Bad input to ``build.py verify``: exit 2, a message that says where and what to do,
and no kernel started, nothing written."""

from __future__ import annotations

import json
import sys

import pytest

from coursekit.config import Project
from coursekit.errors import CourseError
from coursekit.run import backends
from coursekit.run.options import RunOptions
from coursekit.run.verify import verify
from verify_fixture import DATA, build, copy_course, line_of


@pytest.fixture
def root(tmp_path):
    return copy_course("course", tmp_path)


def assert_nothing_ran(root):
    assert not (root / "build").exists() and not (root / ".cache").exists()


def assert_only_it_failed(root, stem, message):
    """A lesson's own bad header fails that lesson only (issue 23): no kernel for it, its
    report entry carries the error, the other lessons ran."""
    report = json.loads((root / "build" / "report.json").read_text())
    by_stem = {run["lesson"]: run for run in report["runs"]}
    assert message in by_stem[stem]["error"]["message"]
    assert by_stem[stem]["status"] == "failed"
    assert not list((root / "build" / "logs").rglob(f"{stem}.log"))
    assert {run["status"] for name, run in by_stem.items() if name != stem} == {"passed"}


def test_an_unknown_profile_names_the_lesson_and_its_profiles(root, capsys):
    result = build(capsys, root, "verify", "--profile", "turbo")
    assert result.code == 2
    path = root / "content" / "01_sound.py"
    assert result.err.strip() == (
        f"error: {path}:{line_of(path, '#     profiles:')}: lesson 01_sound has no profile "
        "'turbo'. its profiles: smoke, full; add 'turbo' under profiles: in its header or "
        "choose another --profile")
    assert_nothing_ran(root)


def test_a_profile_setting_an_unknown_parameter_names_the_lesson(root, capsys):
    path = root / "content" / "01_sound.py"
    path.write_text(path.read_text().replace("parameters: {n: 4}", "parameters: {epochs: 4}"))
    result = build(capsys, root, "verify")
    assert result.code == 2
    assert f"error: {path}:{line_of(path, '#       smoke:')}: profile 'smoke' sets 'epochs', " \
           "which the parameters cell does not define" in result.err
    assert_only_it_failed(root, "01_sound", "sets 'epochs'")


def test_an_unknown_lesson_suggests_the_closest(root, capsys):
    result = build(capsys, root, "verify", "--lesson", "01_sond")
    assert result.code == 2
    assert result.err.strip() == (f"error: {root / 'content'}: no lesson '01_sond'. "
                                  "did you mean '01_sound'?")
    assert_nothing_ran(root)


def test_a_missing_data_folder_is_an_input_error(root, capsys, monkeypatch):
    result = build(capsys, root, "verify", "--data-dir", str(root / "nowhere"))
    assert result.code == 2
    assert "error: data folder not found: " in result.err
    assert "must name a folder holding the lessons' data files" in result.err
    monkeypatch.setenv("COURSE_DATA_DIR", str(root / "elsewhere"))
    result = build(capsys, root, "verify")
    assert result.code == 2 and "data folder not found" in result.err
    assert_nothing_ran(root)


def test_jobs_must_be_positive(root, capsys):
    with pytest.raises(SystemExit) as exit_:
        build(capsys, root, "verify", "--jobs", "0")
    assert exit_.value.code == 2
    assert "expected a whole number of 1 or more, not '0'" in capsys.readouterr().err


def test_the_python_api_refuses_zero_jobs_too(root):
    with pytest.raises(CourseError, match=r"^--jobs must be 1 or more, not 0$"):
        verify(Project(root), RunOptions(jobs=0))
    assert_nothing_ran(root)


def test_an_unknown_backend_is_a_usage_error(root, capsys):
    with pytest.raises(SystemExit) as exit_:
        build(capsys, root, "verify", "--backend", "theano")
    assert exit_.value.code == 2
    assert "invalid choice: 'theano'" in capsys.readouterr().err


def test_a_backend_that_is_not_installed_says_how_to_install_it(root, capsys, monkeypatch):
    monkeypatch.setitem(backends.BACKENDS, "jax",
                        backends.Backend("jax", "no_such_backend_module_xyz", "jax"))
    result = build(capsys, root, "verify", "--backend", "jax", "--data-dir", str(DATA))
    assert result.code == 2
    assert result.err.strip() == (
        f"error: backend 'jax' is not installed: no module 'no_such_backend_module_xyz' in "
        f"{sys.prefix}. add jax to {root / 'requirements.txt'} and run `pip install -r "
        f"{root / 'requirements.txt'}`, or choose another backend (--backend, or `backend:` in "
        "course.yml)")
    assert_nothing_ran(root)


def test_a_keras_lesson_in_a_course_without_a_backend_names_its_import(root, capsys):
    config = root / "course.yml"
    config.write_text(config.read_text().replace("backend: tensorflow", "backend: none"))
    lesson = root / "content" / "02_other.py"
    lesson.write_text(lesson.read_text().replace("# %%\n", "# %%\nfrom keras import ops\n", 1))
    result = build(capsys, root, "verify", "--data-dir", str(DATA))
    assert result.code == 2
    assert result.err.strip() == (
        f"error: {lesson}:{line_of(lesson, 'from keras import ops')}: imports Keras, but the "
        "course runs with no backend (`backend: none` in course.yml). set `backend: "
        "tensorflow` (or jax, torch) in course.yml, or pass --backend")
    assert_nothing_ran(root)


def test_an_unknown_backend_in_course_yml_names_its_line(root, capsys):
    config = root / "course.yml"
    config.write_text(config.read_text().replace("backend: tensorflow", "backend: theano"))
    result = build(capsys, root, "verify", "--data-dir", str(DATA))
    assert result.code == 2
    assert result.err.strip() == (
        f"error: {config}:{line_of(config, 'backend: theano')}: unknown backend 'theano'. "
        "choose one of: tensorflow, jax, torch, none")
    assert_nothing_ran(root)


def test_a_kernel_that_is_not_this_python_is_refused(root, capsys, tmp_path, monkeypatch):
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": ["/opt/other/bin/python", "-m", "ipykernel_launcher", "-f",
                 "{connection_file}"], "display_name": "Other", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    result = build(capsys, root, "verify", "--data-dir", str(DATA))
    assert result.code == 2
    assert result.err.strip() == (
        f"error: the 'python3' kernel runs /opt/other/bin/python, not {sys.executable}. "
        f"run `{sys.executable} -m ipykernel install --sys-prefix`")
    assert_nothing_ran(root)


def test_a_kernel_that_dies_at_start_points_to_its_log(root, capsys, tmp_path, monkeypatch):
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-c", "import sys; sys.exit('no kernel today')",
                 "{connection_file}"], "display_name": "Broken", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    result = build(capsys, root, "verify", "--lesson", "02_other")
    assert result.code == 2
    log = root / "build" / "logs" / "smoke" / "tensorflow" / "02_other.log"
    assert result.err.strip().splitlines()[-1] == (
        f"error: {log}: the 'python3' kernel did not start: Kernel died before replying to "
        "kernel_info. its log says why")
    assert "no kernel today" in log.read_text()
    assert not (root / "build" / "report.json").exists()


@pytest.mark.parametrize("backends, message, hint", [
    ("{pytorch: {parameters: {n: 3}}}", "profile 'smoke' adjusts unknown backend 'pytorch'",
     "did you mean 'torch'?"),
    ("{jax: {parameters: {epochs: 3}}}",
     "profile 'smoke' on jax sets 'epochs', which the parameters cell does not define", ""),
    ("{jax: {targets: {total: {min: 1}}}}", "profile 'smoke', backend 'jax': targets of "
     "its own need a reason", "reason: one sentence, shown on the lesson's page"),
    ("{jax: {epochs: 3}}", "profile 'smoke', backend 'jax': write {parameters: {name: "
     "value}}, and targets of its own only with their reason", ""),
    ("[jax]", "profile 'smoke': backends must map a backend to {parameters: {...}}", ""),
])
def test_a_bad_backends_entry_names_the_lesson_line_and_the_fix(root, capsys, backends,
                                                                message, hint):
    path = root / "content" / "01_sound.py"
    path.write_text(path.read_text().replace(
        "parameters: {n: 4}\n", f"parameters: {{n: 4}}\n#         backends: {backends}\n"))
    result = build(capsys, root, "verify")
    assert result.code == 2
    line = line_of(path, "#         backends:")
    assert f"error: {path}:{line}: {message}" in result.err, result.err
    assert hint in result.err
    assert_only_it_failed(root, "01_sound", message)


def test_a_bad_backends_entry_of_the_second_profile_points_at_its_own_line(root, capsys):
    path = root / "content" / "01_sound.py"
    path.write_text(path.read_text()
                    .replace("parameters: {n: 4}\n",
                             "parameters: {n: 4}\n#         backends:\n"
                             "#           jax: {parameters: {n: 3}}\n")
                    .replace("parameters: {n: 5}\n",
                             "parameters: {n: 5}\n#         backends:\n"
                             "#           jax: {parameters: {epochs: 3}}\n"))
    result = build(capsys, root, "verify")
    assert result.code == 2
    lines = path.read_text().splitlines()
    full_jax = max(i for i, text in enumerate(lines, 1) if text.startswith("#           jax:"))
    assert (f"error: {path}:{full_jax}: profile 'full' on jax sets 'epochs', which the "
            "parameters cell does not define") in result.err, result.err
    assert_only_it_failed(root, "01_sound", "profile 'full' on jax")


def test_a_profile_with_an_unknown_key_lists_the_keys_it_may_have(root, capsys):
    path = root / "content" / "01_sound.py"
    path.write_text(path.read_text().replace(
        "parameters: {n: 4}\n", "parameters: {n: 4}\n#         timeout: 60\n"))
    result = build(capsys, root, "verify")
    assert result.code == 2
    assert (f"error: {path}:{line_of(path, '#       smoke:')}: profile 'smoke' may only have "
            "parameters, targets and backends") in result.err, result.err
    assert_only_it_failed(root, "01_sound", "may only have parameters")


@pytest.mark.parametrize("code, line", [
    ("import keras", 2),
    ("import numpy as np\nfrom keras import layers", 3),
    ("import tensorflow.keras as tk", 2),
    ("from tensorflow import keras", 2),
    ("from tensorflow.keras import layers", 2),
    ("def build():\n    import keras\n    return keras", 3),   # inside a function too
    ("try:\n    import keras\nexcept ImportError:\n    pass", 3),
    ("%pip install keras\nimport keras", 3),                   # a magic before it
    ("import keras_utils_of_mine", None),
    ("from mymodule import keras_helpers", None),
    ('NOTE = """\nimport keras\n"""', None),                    # text, not an import
    ("# import keras", None),
])
def test_the_keras_import_is_found_as_python_reads_it(tmp_path, code, line):
    """One detector (source/pins.keras_import_line, also the bundle's and the setup cell's
    reader of imports): Python's own parse, not a pattern over lines."""
    from conftest import lesson_source
    from coursekit.source.lesson import read_lesson
    from coursekit.source.pins import keras_import_line

    text = lesson_source("# %%\n" + code + "\n")
    path = tmp_path / "01_x.py"
    path.write_text(text, encoding="utf-8")
    lesson = read_lesson(path)
    cell_start = text.split("\n").index("# %%") + 1  # the file line of "# %%"
    expected = None if line is None else cell_start + line - 1
    assert keras_import_line(lesson) == expected
