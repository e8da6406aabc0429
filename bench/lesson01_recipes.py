"""Lesson 01 recipe vs the original workshop recipe: training time to 90% exact match.

Both recipes train the same model (LSTM 128 encoder -> RepeatVector(4) -> LSTM 128 decoder
-> Dense softmax over 12 characters) on the same data (3-digit sums, input reversed,
unique questions without commuted duplicates, shuffled, 10% held out):

* workshop: the original recipe: batch 128, Adam with its defaults (learning rate 1e-3),
  no schedule, no clipping.
* lesson:   lesson 01's recipe with the parameters of its smoke profile (read from
  content/01_addition.py): its batch size; Adam at its learning rate, held for the first
  60% of the steps and then decreased linearly to 1% of it (the lesson's HoldThenDecay);
  gradient clipping at norm 1.

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
from benchkit import lesson_parameters  # noqa: E402

CHARS = "0123456789+ "


def make_data(n: int, digits: int, reverse: bool, seed: int):
    """Unique questions (a+b and b+a count once), padded, optionally reversed, shuffled."""
    rng = np.random.default_rng(seed)
    seen, questions, answers = set(), [], []
    while len(questions) < n:
        a, b = (int(rng.integers(0, 10 ** int(rng.integers(1, digits + 1)))) for _ in range(2))
        if (min(a, b), max(a, b)) in seen:
            continue
        seen.add((min(a, b), max(a, b)))
        question = f"{a}+{b}".ljust(2 * digits + 1)
        questions.append(question[::-1] if reverse else question)
        answers.append(str(a + b).ljust(digits + 1))
    order = rng.permutation(n)
    index = {c: i for i, c in enumerate(CHARS)}

    def one_hot(texts):
        codes = np.array([[index[c] for c in t] for t in texts])
        return np.eye(len(CHARS), dtype="float32")[codes[order]]

    x, y = one_hot(questions), one_hot(answers)
    n_val = n // 10
    return (x[n_val:], y[n_val:]), (x[:n_val], y[:n_val])


def hold_then_decay(keras, peak: float, total_steps: int, decay_fraction: float = 0.4):
    """The lesson's schedule: `peak`, then a straight line down to 1% of it at the end."""

    class HoldThenDecay(keras.optimizers.schedules.LearningRateSchedule):
        def __call__(self, step):
            remaining = ((total_steps - keras.ops.cast(step, "float32"))
                         / (decay_fraction * total_steps))
            return peak * keras.ops.clip(remaining, 0.01, 1.0)

    return HoldThenDecay()


def build_model(keras, digits: int, units: int):
    return keras.Sequential([
        keras.Input(shape=(2 * digits + 1, len(CHARS))),
        keras.layers.LSTM(units),
        keras.layers.RepeatVector(digits + 1),
        keras.layers.LSTM(units, return_sequences=True),
        keras.layers.Dense(len(CHARS), activation="softmax"),
    ])


class Recipe:
    def __init__(self, name, keras, model, optimizer, batch_size, max_epochs, description):
        self.name, self.model, self.batch_size = name, model, batch_size
        self.max_epochs, self.description = max_epochs, description
        model.compile(optimizer=optimizer, loss="categorical_crossentropy")
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
        guess = self.model.predict(x, batch_size=2048, verbose=0).argmax(-1)
        exact = float(np.mean(np.all(guess == y.argmax(-1), axis=-1)))
        self.curve.append((self.epoch, self.train_seconds, exact))
        if exact >= target and self.reached is None:
            self.reached = (self.epoch, self.train_seconds)
        return exact


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--target", type=float, default=0.90, help="exact match to reach")
    parser.add_argument("--budget", type=float, default=240.0,
                        help="training seconds each recipe may use at most")
    parser.add_argument("--examples", type=int, default=50000)
    parser.add_argument("--profile", default="smoke", help="lesson 01 profile to compare")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)

    import keras

    params = lesson_parameters(ROOT / "content" / "01_addition.py", args.profile)
    digits, units = int(params["digits"]), int(params["hidden_units"])
    load_before = os.getloadavg()
    (x_train, y_train), (x_val, y_val) = make_data(args.examples, digits, True, args.seed)

    keras.utils.set_random_seed(args.seed)
    workshop = Recipe("workshop", keras, build_model(keras, digits, units),
                      keras.optimizers.Adam(), 128, 10 ** 6,
                      "batch 128, Adam defaults (lr 1e-3), no schedule, no clipping")
    steps = int(params["epochs"]) * int(np.ceil(len(x_train) / int(params["batch_size"])))
    schedule = hold_then_decay(keras, float(params["learning_rate"]), steps)
    keras.utils.set_random_seed(args.seed)
    lesson = Recipe("lesson", keras, build_model(keras, digits, units),
                    keras.optimizers.Adam(schedule, clipnorm=1.0), int(params["batch_size"]),
                    int(params["epochs"]),
                    f"batch {params['batch_size']}, Adam lr {params['learning_rate']} held "
                    f"60% then linear decay, {params['epochs']} epochs, clipnorm 1")
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
