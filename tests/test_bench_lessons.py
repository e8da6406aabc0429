"""bench/ measures what the lessons teach: the recipe benchmarks take the lessons' own
code (bench/benchkit.py), so a benchmark cannot drift into a model a lesson does not
teach, and a lesson that renames what a benchmark needs stops that benchmark loudly."""

from __future__ import annotations

import importlib
import sys

import pytest

from conftest import ROOT, lesson_source

sys.path.insert(0, str(ROOT / "bench"))
benchkit = importlib.import_module("benchkit")

LESSON = lesson_source('''
    # %%
    SCALE = 10
    raise RuntimeError("a statement no benchmark asked for ran")

    # %%
    def answer(x):
        ### BEGIN SOLUTION
        return x * SCALE
        ### END SOLUTION
        ### BEGIN MISTAKE: forgets the scale
        return x
        ### END MISTAKE

    # %%
    %timeit answer(1)
    first, second = answer(1), answer(2)
    model.compile(loss=f"loss{SCALE}", metrics=[second])
    ''')


@pytest.fixture
def lesson(tmp_path):
    path = tmp_path / "01_tiny.py"
    path.write_text(LESSON, encoding="utf-8")
    return path


def test_the_lesson_code_runs_as_its_solution_and_only_what_is_asked(lesson):
    found = benchkit.lesson_definitions(lesson, {}, "SCALE", "answer", "second")
    assert found["answer"](3) == 30  # the solution, not the stub or the mistake
    assert found["second"] == 20 and "first" in found  # `a, b = …` defines both


def test_the_compile_arguments_are_the_lessons(lesson):
    namespace = benchkit.lesson_definitions(lesson, {}, "SCALE", "answer", "second")
    assert benchkit.compile_arguments(lesson, namespace) == {"loss": "loss10",
                                                             "metrics": [20]}


def test_a_name_the_lesson_lacks_stops_the_benchmark(lesson):
    with pytest.raises(SystemExit, match="01_tiny.py defines no build_model, schedule"):
        benchkit.lesson_definitions(lesson, {}, "answer", "schedule", "build_model")


@pytest.mark.parametrize("script", ["lesson01_recipes", "lesson02_recipes",
                                    "lesson03_recipes"])
def test_each_recipe_benchmark_finds_its_code_in_its_lesson(script):
    module = importlib.import_module(script)
    statements = benchkit.lesson_statements(module.LESSON)
    defined = set().union(*map(benchkit.defines, statements))
    assert set(module.LESSON_CODE + module.LESSON_SETUP) <= defined
    assert any("model.compile(" in line for line in module.LESSON.read_text().splitlines())

