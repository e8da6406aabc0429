"""`build.py notebooks` and `build.py check` end to end, in fixture courses."""

import json

import nbformat
import pytest
import yaml

from conftest import lesson_source, run_build, snapshot

GOOD = lesson_source("""
    # %% [markdown] slideshow={"slide_type": "slide"}
    # # Squares
    # Taught by: {{ instructors }}

    # %% tags=["parameters"]
    n = 4

    # %%
    def square(x):
        ### BEGIN SOLUTION
        return x * x
        ### END SOLUTION

    # %% tags=["check"]
    assert square(3) == 9, f"expected 9, got {square(3)}"

    # %%
    total = sum(square(i) for i in range(n))  # SOLUTION
""")


def test_notebooks_writes_valid_deterministic_notebooks(course):
    root = course({"01_squares": GOOD})
    first = run_build(root, "notebooks")
    assert first.returncode == 0, first.stderr
    assert "wrote exercises/01_squares.ipynb" in first.stdout
    files = snapshot(root)
    assert set(files) == {"exercises/01_squares.ipynb", "solutions/01_squares.ipynb"}
    again = run_build(root, "notebooks")
    assert again.returncode == 0 and "up to date" in again.stdout
    assert snapshot(root) == files
    for name, data in files.items():
        nb = nbformat.reads(data.decode(), as_version=4)
        nbformat.validate(nb)
        assert (nb.nbformat, nb.nbformat_minor) == (4, 5)
        assert nb.metadata.kernelspec.name == "python3"
        assert all(c.get("outputs", []) == [] and c.get("execution_count") is None
                   for c in nb.cells)
        assert str(root) not in data.decode(), "a machine path leaked into " + name


def test_exercise_has_badge_stubs_and_no_solution(course):
    root = course({"01_squares": GOOD})
    assert run_build(root, "notebooks").returncode == 0
    exercise = json.loads((root / "exercises/01_squares.ipynb").read_text())
    solution = json.loads((root / "solutions/01_squares.ipynb").read_text())
    badge = "".join(exercise["cells"][0]["source"])
    assert ("colab.research.google.com/github/coursekit-workshops/keras-intro-student/"
            "blob/v2026.11/exercises/01_squares.ipynb") in badge
    text = json.dumps(exercise)
    assert "return x * x" not in text and "raise NotImplementedError()" in text
    assert "total = ...  # YOUR CODE HERE" in text
    instructor = yaml.safe_load((root / "course.yml").read_text())["instructors"][0]["name"]
    assert instructor in text, "the {{ instructors }} placeholder was not filled"
    sol_text = json.dumps(solution)
    assert "return x * x" in sol_text and "SOLUTION" not in sol_text
    # same ids for the same cells, so outputs can be matched between versions
    assert [c["id"] for c in exercise["cells"][1:]] == [c["id"] for c in solution["cells"]]


def test_check_detects_edits_missing_and_stale_files(course):
    root = course({"01_squares": GOOD})
    assert run_build(root, "notebooks").returncode == 0
    assert run_build(root, "check").returncode == 0
    (root / "exercises/01_squares.ipynb").write_text("{}")
    (root / "solutions/01_squares.ipynb").unlink()
    (root / "solutions/99_old.ipynb").write_text("{}")
    result = run_build(root, "check")
    assert result.returncode == 1
    assert "exercises/01_squares.ipynb (differs)" in result.stdout
    assert "solutions/01_squares.ipynb (missing)" in result.stdout
    assert "solutions/99_old.ipynb (no lesson generates it)" in result.stdout
    assert run_build(root, "notebooks").returncode == 0
    assert not (root / "solutions/99_old.ipynb").exists()
    assert run_build(root, "check").returncode == 0


BAD_CASES = {
    "unclosed": ("# %%\nx = 1\n### BEGIN SOLUTION\ny = 2\n", "### BEGIN SOLUTION",
                 "is never closed"),
    "nested": ("# %%\n### BEGIN SOLUTION\na = 1\n    ### BEGIN SOLUTION\nb = 2\n"
               "### END SOLUTION\n### END SOLUTION\n", "    ### BEGIN", "nested"),
    "end_without_begin": ("# %%\nx = 1\n### END SOLUTION\n", "### END", "without a matching"),
    "in_string": ("# %%\nmsg = '''\n### BEGIN SOLUTION\n'''\n", "### BEGIN",
                  "inside a string literal"),
    "empty_solution_cell": ("# %%\nx = 1\n\n# %% tags=[\"solution\"]\n\n\n# %%\ny = 1\n",
                            '"solution"', "'solution' tag on an empty cell"),
    "unknown_tag": ("# %% tags=[\"chek\"]\nx = 1\n", "chek", "unknown cell tag 'chek'"),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_lesson_fails_with_file_line_and_writes_nothing(course, case):
    body, needle, message = BAD_CASES[case]
    root = course({"01_squares": GOOD, "02_other": GOOD.replace("Squares", "Other")})
    assert run_build(root, "notebooks").returncode == 0
    before = snapshot(root)
    bad = lesson_source(body)
    (root / "content/02_other.py").write_text(bad)
    (root / "content/01_squares.py").write_text(GOOD.replace("n = 4", "n = 5"))
    result = run_build(root, "notebooks")
    line = next(i for i, text in enumerate(bad.split("\n"), 1) if needle in text)
    if case == "empty_solution_cell":
        line += 1
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    first = result.stderr.strip().split("\n")[0]
    assert first.startswith(f"error: {root / 'content/02_other.py'}:{line}: "), first
    assert message in first
    assert snapshot(root) == before, "a failed build changed earlier outputs"
    check = run_build(root, "check")
    assert check.returncode == 2 and message in check.stderr


def test_missing_course_config(course):
    root = course({"01_squares": GOOD})
    (root / "course.yml").unlink()
    result = run_build(root, "notebooks")
    assert result.returncode == 2
    assert "course.yml: course configuration not found" in result.stderr


def test_unknown_course_setting(course):
    root = course({"01_squares": GOOD})
    (root / "course.yml").write_text((root / "course.yml").read_text() + "colour: red\n")
    result = run_build(root, "notebooks")
    assert result.returncode == 2 and "unknown setting 'colour'" in result.stderr


def test_unknown_placeholder_names_its_line(course):
    bad = GOOD.replace("{{ instructors }}", "{{ teacher }}")
    root = course({"01_squares": bad})
    result = run_build(root, "notebooks")
    line = next(i for i, text in enumerate(bad.split("\n"), 1) if "{{ teacher }}" in text)
    assert result.returncode == 2
    assert f"01_squares.py:{line}: unknown placeholder '{{{{ teacher }}}}'" in result.stderr
