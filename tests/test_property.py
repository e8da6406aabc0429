"""Property: for any well-formed lesson, no solution line reaches the exercise, the exercise
still compiles, and the solution keeps every answer without marker comments."""

import itertools
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, lesson_source
from coursekit.config import load_course
from coursekit.source.leaks import lesson_secrets, scan_notebook
from coursekit.source.lesson import read_lesson
from coursekit.source.transforms import exercise_notebook, solution_notebook

PIECES = ("stmt", "line", "block", "def_block", "if_line")


def render_code(pieces, counter, secrets):
    """Python lines for one code cell; ``secrets`` collects the solution-only lines."""
    lines = []
    for piece in pieces:
        n = next(counter)
        if piece == "stmt":
            lines.append(f"public_{n} = {n}")
        elif piece == "line":
            lines.append(f"answer_{n} = {n} * 7  # SOLUTION")
            secrets.add(f"answer_{n} = {n} * 7")
        elif piece == "block":
            body = [f"block_{n}_{k} = {k} + {n}" for k in range(2)]
            lines += ["### BEGIN SOLUTION", *body, "### END SOLUTION"]
            secrets.update(body)
        elif piece == "def_block":
            lines += [f"def helper_{n}(v):", "    ### BEGIN SOLUTION",
                      f"    return v + {n} * 1000", "    ### END SOLUTION"]
            secrets.add(f"return v + {n} * 1000")
        else:
            lines += [f"if public_{n} if 'public_{n}' in dir() else True:",
                      f"    nested_{n} = {n} - 3  # SOLUTION"]
            secrets.add(f"nested_{n} = {n} - 3")
    return lines


cells = st.lists(st.tuples(
    st.sampled_from(["code", "markdown", "solution_cell"]),
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=5)), min_size=1, max_size=6)


def render_lesson(spec):
    counter, secrets, parts = itertools.count(1), set(), []
    for kind, pieces in spec:
        if kind == "code":
            parts.append("# %%\n" + "\n".join(render_code(pieces, counter, secrets)))
        elif kind == "solution_cell":
            n = next(counter)
            parts.append(f'# %% tags=["solution"]\nwhole_{n} = [{n}, {n}]\nprint(whole_{n})')
            secrets.update({f"whole_{n} = [{n}, {n}]", f"print(whole_{n})"})
        else:
            n = next(counter)
            answer = f"The answer number {n} is zebra{n}."
            parts.append(f"# %% [markdown]\n# Question {n}?\n#\n# ### BEGIN SOLUTION\n"
                         f"# {answer}\n# ### END SOLUTION")
            secrets.add(answer)
    return lesson_source("\n\n".join(parts) + "\n"), secrets


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=cells)
def test_random_lessons_never_leak(tmp_path, spec):
    source, secrets = render_lesson(spec)
    path = tmp_path / "01_random.py"
    path.write_text(source)
    lesson = read_lesson(path)
    course = load_course(ROOT / "course.yml")
    exercise = exercise_notebook(lesson, course)
    solution = solution_notebook(lesson, course)
    exercise_lines = {line.strip() for c in exercise.cells for line in c.source.split("\n")}
    assert not secrets & exercise_lines
    assert scan_notebook(lesson_secrets(lesson), exercise, "exercise") == []
    for cell in exercise.cells:
        if cell.cell_type == "code":
            compile(cell.source, "exercise-cell", "exec")
    solution_text = json.dumps(solution)
    assert all(secret in solution_text for secret in secrets)
    assert "SOLUTION" not in solution_text


def test_scanner_catches_a_stripper_that_leaks(tmp_path):
    """The scanner does not trust the stripper: feed it an exercise with an answer in it."""
    source, secrets = render_lesson([("code", ["block"])])
    path = tmp_path / "01_leaky.py"
    path.write_text(source)
    lesson = read_lesson(path)
    leaky = solution_notebook(lesson, load_course(ROOT / "course.yml"))
    leaks = scan_notebook(lesson_secrets(lesson), leaky, "exercises/01_leaky.ipynb")
    assert {leak.secret.text for leak in leaks} == secrets
    assert all(str(leak).startswith("exercises/01_leaky.ipynb: contains solution line")
               for leak in leaks)


def test_a_solution_line_quoted_in_a_hint_is_not_a_secret(tmp_path):
    source = lesson_source('''
        # %% [markdown]
        # Hint: finish with `model.save(path)` and reload it.

        # %%
        ### BEGIN SOLUTION
        model.save(path)
        reloaded = keras.saving.load_model(path)
        ### END SOLUTION
    ''')
    path = tmp_path / "01_hint.py"
    path.write_text(source)
    texts = {secret.text for secret in lesson_secrets(read_lesson(path))}
    assert texts == {"reloaded = keras.saving.load_model(path)"}
