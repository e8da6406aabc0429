"""Lesson 01 recipe vs the original workshop recipe: training time to 90% exact match.

Both recipes train lesson 01's own model (its `build_model`: LSTM encoder ->
RepeatVector -> LSTM decoder -> Dense logits over 12 characters, with the loss its
`model.compile` gives) on the lesson's own data (its `generate_data` and `encode`: unique
questions, input reversed as the profile says, shuffled, 10% held out), scored with its
`exact_match`. All of it is read from content/01_addition.py (bench/benchkit.py), so the
benchmark follows the lesson; only the training settings differ:

* workshop: the original recipe's settings: batch 128, Adam with its defaults (learning
  rate 1e-3), no schedule, no clipping.
* lesson:   lesson 01's own optimizer (its `model.compile`: Adam on its HoldThenDecay
  schedule, clipped) with the parameters of its smoke profile: its batch size, learning
  rate and epochs.

To share the machine's load fairly, the two recipes train in turns, one epoch each,
in one process. Only `fit` is timed; scoring the held-out questions after each epoch is
not. A recipe stops when it reaches the target, when its epochs run out (the lesson's
schedule has a fixed length) or when its training time reaches the budget.

    python bench/lesson01_recipes.py                 # about 5 minutes on 2 idle cores
    python bench/lesson01_recipes.py --budget 120 --json results.json

Prints one line per epoch and a summary table with the ratio of the times to target.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from benchkit import compile_arguments, lesson_definitions, lesson_parameters  # noqa: E402

LESSON = ROOT / "content" / "01_addition.py"
# what the benchmark takes from the lesson: its characters, data, model and score
LESSON_CODE = ("CHARS", "encode", "random_number", "generate_data", "build_model",
               "exact_match", "HoldThenDecay")
LESSON_SETUP = ("steps", "schedule")  # sized for the training data: see lesson_optimizer


def make_data(lesson: dict, n: int, seed: int):
    """The lesson's questions and answers, shuffled and split as the lesson does."""
    rng = np.random.default_rng(seed)
    questions, answers = lesson["generate_data"](n, lesson["digits"], lesson["reverse"], rng)
    order = rng.permutation(len(questions))
    x = np.stack([lesson["encode"](questions[i]) for i in order])
    y = np.stack([lesson["encode"](answers[i]) for i in order])
    n_val = len(x) // 10
    return (x[n_val:], y[n_val:]), (x[:n_val], y[:n_val])


def lesson_optimizer(lesson: dict, x_train) -> dict:
    """The lesson's ``model.compile`` arguments, its schedule sized for ``x_train``."""
    lesson["x_train"] = x_train
    lesson_definitions(LESSON, lesson, *LESSON_SETUP)
    return compile_arguments(LESSON, lesson)


class Recipe:
    def __init__(self, name, model, compiled, batch_size, max_epochs, description, score):
        self.name, self.model, self.batch_size = name, model, batch_size
        self.max_epochs, self.description, self.exact_match = max_epochs, description, score
        model.compile(**compiled)
        self.epoch, self.train_seconds = 0, 0.0
        self.curve: list[tuple[int, float, float]] = []  # (epoch, seconds, exact match)
        self.reached: tuple[int, float] | None = None

    def done(self, budget: float) -> bool:
        return (self.reached is not None or self.epoch >= self.max_epochs
                or self.train_seconds >= budget)

    def train_one_epoch(self, x, y):
        start = time.perf_counter()
        self.model.fit(x, y, batch_size=self.batch_size, initial_epoch=self.epoch,
                       epochs=self.epoch + 1, verbose=0)
        self.train_seconds += time.perf_counter() - start
        self.epoch += 1

    def score(self, x, y, target: float) -> float:
        exact = self.exact_match(y, self.model.predict(x, batch_size=2048, verbose=0))
        self.curve.append((self.epoch, self.train_seconds, exact))
        if exact >= target and self.reached is None:
            self.reached = (self.epoch, self.train_seconds)
        return exact


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--target", type=float, default=0.90, help="exact match to reach")
    parser.add_argument("--budget", type=float, default=240.0,
                        help="training seconds each recipe may use at most")
    parser.add_argument("--examples", type=int, help="questions (default: the profile's)")
    parser.add_argument("--profile", default="smoke", help="lesson 01 profile to compare")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)

    import keras

    params = lesson_parameters(LESSON, args.profile)
    code = lesson_definitions(LESSON, {"np": np, "keras": keras, **params}, *LESSON_CODE)
    digits, units = int(params["digits"]), int(params["hidden_units"])
    load_before = os.getloadavg()
    (x_train, y_train), (x_val, y_val) = make_data(code, args.examples or params["n_examples"],
                                                   args.seed)
    compiled = lesson_optimizer(code, x_train)

    keras.utils.set_random_seed(args.seed)
    workshop = Recipe("workshop", code["build_model"](digits, units),
                      {**compile_arguments(LESSON, code), "optimizer": keras.optimizers.Adam()},
                      128, 10 ** 6,
                      "batch 128, Adam defaults (lr 1e-3), no schedule, no clipping",
                      code["exact_match"])
    keras.utils.set_random_seed(args.seed)
    lesson = Recipe("lesson", code["build_model"](digits, units), compiled,
                    int(params["batch_size"]), int(params["epochs"]),
                    f"batch {params['batch_size']}, the lesson's optimizer (Adam lr "
                    f"{params['learning_rate']} held 60% then linear decay, clipnorm 1), "
                    f"{params['epochs']} epochs", code["exact_match"])
    recipes = [workshop, lesson]

    print(f"keras {keras.__version__} on {keras.backend.backend()}, {os.cpu_count()} cores, "
          f"load average before {load_before[0]:.2f}; {len(x_train)} training / "
          f"{len(x_val)} held-out questions; target {args.target} exact match, budget "
          f"{args.budget:.0f} s each", flush=True)
    while not all(r.done(args.budget) for r in recipes):
        for recipe in recipes:
            if recipe.done(args.budget):
                continue
            recipe.train_one_epoch(x_train, y_train)
            exact = recipe.score(x_val, y_val, args.target)
            print(f"{recipe.name:>8} epoch {recipe.epoch:3d}: {recipe.train_seconds:7.1f} s, "
                  f"exact match {exact:.4f}, load {os.getloadavg()[0]:.2f}", flush=True)
    load_after = os.getloadavg()

    print()
    print("| recipe | settings | epochs to target | train s to target | final exact match |")
    print("|---|---|---|---|---|")
    for r in recipes:
        epochs, seconds = r.reached if r.reached else ("not reached", float("nan"))
        print(f"| {r.name} | {r.description} | {epochs} | {seconds:.1f} | {r.curve[-1][2]:.4f} "
              f"(epoch {r.epoch}) |")
    ratio = None
    if workshop.reached and lesson.reached:
        ratio = workshop.reached[1] / lesson.reached[1]
        print(f"\nthe lesson recipe reaches {args.target:.0%} exact match {ratio:.2f}x faster")
    print(f"load average before {load_before[0]:.2f} / {load_before[1]:.2f}, after "
          f"{load_after[0]:.2f} / {load_after[1]:.2f} (1 / 5 min)")
    if args.json:
        args.json.write_text(json.dumps({
            "machine": {"cores": os.cpu_count(), "platform": platform.platform(),
                        "processor": platform.processor()},
            "keras": keras.__version__, "backend": keras.backend.backend(),
            "load_before": load_before, "load_after": load_after, "target": args.target,
            "budget_s": args.budget, "ratio": ratio,
            "recipes": {r.name: {"settings": r.description, "reached": r.reached,
                                 "curve": r.curve} for r in recipes},
        }, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
