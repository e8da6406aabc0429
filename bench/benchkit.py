"""What the recipe benchmarks share: a lesson's parameters and own code, a time-budget
callback, the turns recipes train in.

A benchmark measures what the lesson teaches, so it takes the lesson's model, data and
optimizer code from ``content/`` itself (:func:`lesson_definitions`,
:func:`compile_arguments`), never from a copy that can drift from it.
"""

from __future__ import annotations

import ast
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coursekit.run.verify import profile_of  # noqa: E402
from coursekit.source.lesson import read_lesson  # noqa: E402
from coursekit.source.syntax import without_magics  # noqa: E402


def lesson_parameters(lesson_path: Path, profile: str, backend: str = "tensorflow") -> dict:
    """The lesson's parameters cell, with the profile's overrides on ``backend`` applied."""
    lesson = read_lesson(lesson_path)
    params = dict(lesson.parameters)
    params.update(profile_of(lesson, profile, backend)[0])
    return params


def lesson_statements(lesson_path: Path) -> list[ast.stmt]:
    """The top-level statements of the lesson's code cells as its solution notebook runs
    them (coursekit resolves the markers: no stub, no declared alternative or mistake)."""
    statements = []
    for cell in read_lesson(lesson_path).cells:
        if cell.cell_type == "code":
            tree = ast.parse(without_magics(cell.split.solution), f"{lesson_path}:{cell.line}")
            statements += ast.increment_lineno(tree, cell.line).body
    return statements


def defines(node: ast.stmt) -> set[str]:
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, ast.Assign):  # `x = …`, `a, b = …`
        return {name.id for target in node.targets for name in ast.walk(target)
                if isinstance(name, ast.Name)}
    return set()


def lesson_definitions(lesson_path: Path, namespace: dict, *names: str) -> dict:
    """Run the lesson's own definitions of ``names`` (a ``def``, a ``class`` or a
    ``name = …``: the first of each, in the lesson's order) in ``namespace``, which gives
    what they use (imports, parameters); returns ``namespace``. A name the lesson no
    longer defines stops the benchmark: it would measure something the lesson lacks."""
    wanted, found = set(names), []
    for node in lesson_statements(lesson_path):
        if defines(node) & wanted:
            found.append(node)
            wanted -= defines(node)
    if wanted:
        raise SystemExit(f"{lesson_path.name} defines no {', '.join(sorted(wanted))}: "
                         "update the benchmark to what the lesson teaches now")
    code = compile(ast.Module(body=found, type_ignores=[]), str(lesson_path), "exec")
    exec(code, namespace)  # the lesson's own code: what its notebook runs
    return namespace


def compile_arguments(lesson_path: Path, namespace: dict) -> dict:
    """The keyword arguments of the lesson's first ``model.compile(…)`` (its optimizer,
    loss, metrics), evaluated in ``namespace``."""
    for node in lesson_statements(lesson_path):
        call = node.value if isinstance(node, ast.Expr) else None
        if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                and call.func.attr == "compile"):
            return {kw.arg: eval(compile(ast.Expression(kw.value), str(lesson_path), "eval"),
                                 namespace) for kw in call.keywords}
    raise SystemExit(f"{lesson_path.name} compiles no model: update the benchmark")


def StopAfter(keras, seconds):
    """A callback that stops ``fit`` once ``seconds`` of training have passed."""
    class _StopAfter(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.steps = 0
            self.seconds = 0.0

        def on_train_begin(self, logs=None):
            self.start = time.perf_counter()

        def on_train_batch_end(self, batch, logs=None):
            self.steps += 1
            if time.perf_counter() - self.start >= seconds:
                self.model.stop_training = True

        def on_train_end(self, logs=None):
            self.seconds = time.perf_counter() - self.start

    return _StopAfter()


def budget_parser(description: str, default_data: Path, data_help: str):
    """The options every recipe benchmark takes: budget, turns, data, profile, overrides."""
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--budget", type=float, default=60.0, help="training seconds per recipe")
    parser.add_argument("--turn", type=float, default=10.0, help="seconds per turn")
    parser.add_argument("--data", type=Path, default=default_data, help=data_help)
    parser.add_argument("--profile", default="smoke", help="lesson profile to take parameters from")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override a lesson parameter (a Python literal), e.g. epochs=6")
    parser.add_argument("--json", type=Path, help="also write the results here")
    return parser


def recipe_parameters(lesson_path: Path, profile: str, overrides: list[str]) -> dict:
    """``lesson_parameters`` plus ``--set NAME=VALUE`` overrides."""
    import ast

    params = lesson_parameters(lesson_path, profile)
    for item in overrides:
        name, value = item.split("=", 1)
        params[name] = ast.literal_eval(value)
    return params


def train_in_turns(keras, recipes, budget: float, turn: float) -> tuple[tuple, tuple]:
    """Train ``recipes`` (objects with ``done(budget)``, ``train_turn(keras, s)``,
    ``seconds``) in alternating turns so they share the machine's load; returns the
    load averages (1, 5, 15 min) before and after."""
    import os

    before = os.getloadavg()
    print(f"Keras {keras.__version__} ({keras.backend.backend()}), budget {budget:.0f} s per "
          f"recipe in turns of {turn:.0f} s, load average before {before[0]:.2f}", flush=True)
    while not all(r.done(budget) for r in recipes):
        for r in recipes:
            if not r.done(budget):
                r.train_turn(keras, min(turn, budget - r.seconds))
    return before, os.getloadavg()


def report_loads_and_json(args, keras, params: dict, results: dict, loads: tuple,
                          **extra) -> None:
    """What every budget benchmark prints last (the machine's load around the run) and
    writes to ``--json``: its options, the lesson's parameters, ``results`` and ``extra``."""
    import json
    import os
    import platform

    before, after = loads
    print(f"load average before {before[0]:.2f} / {before[1]:.2f}, after "
          f"{after[0]:.2f} / {after[1]:.2f} (1 / 5 min); {os.cpu_count()} CPUs, "
          f"{platform.processor() or platform.machine()}")
    if args.json:
        args.json.write_text(json.dumps({
            "budget_seconds": args.budget, "profile": args.profile, "overrides": args.set,
            "lesson_parameters": params, "results": results, **extra,
            "backend": keras.backend.backend(), "keras": keras.__version__,
            "load_before": before, "load_after": after,
        }, indent=2, default=str))


def timed(command: list[str], env: dict | None = None) -> float:
    """Wall-clock seconds of one whole process (it must succeed)."""
    import subprocess

    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def verify_parser(description: str):
    """The options every ``build.py verify`` benchmark takes: course, profile, backend, data."""
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--profile", default="smoke")
    parser.add_argument("--backend", default="tensorflow")
    parser.add_argument("--data-dir", type=Path, default=None)
    return parser
