"""Lesson 03 recipe vs a plain one-layer LSTM of 128 units: validation loss after a fixed time.

Both recipes get the same wall-clock training budget (default 60 s each) on Tiny
Shakespeare (first 90% for training, last 10% held out) and are scored the same way:

* plain: the classic Keras character model (the keras-io / Keras 2 `lstm_text_generation`
  recipe): windows of 40 one-hot characters cut every 3 characters, one LSTM of 128
  units, a Dense softmax that predicts only the character after the window, RMSprop at
  0.01, batch 128, shuffled windows.
* lesson: lesson 03's own code, read from content/03_shakespeare.py (bench/benchkit.py):
  its vocabulary, encoding and split, its `model = build_model(…)` (Embedding -> LSTM(s)
  returning sequences -> Dense logits), its windows (`make_windows`: a prediction at every
  position of random windows of `seq_length` characters), its schedule and
  `model.compile` (Adam with cosine decay to 10% of the peak, clipping at norm 1), with
  the parameters of its smoke profile: its batch size and number of steps. When its
  steps run out before the budget it stops early (the time it used is reported); when
  the budget runs out first, it stops there.

Score (the same for both, so the numbers compare): the mean cross-entropy, in nats per
character, of predicting held-out character t from the 40 characters before it, for every
4th position of the held-out text (27,875 predictions). The lesson's own metric (windows
of `seq_length`, every position, less context at the start of each window) is printed too.

To share the machine's load fairly, the recipes train in turns of about 10 s each in one
process; the time counted is the training loop inside `fit` (tracing included).

    python bench/lesson03_recipes.py                    # about 2.5 minutes on 2 idle cores
    python bench/lesson03_recipes.py --budget 60 --json results.json
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "content" / "03_shakespeare.py"
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "tinyshakespeare.txt"
CONTEXT = 40  # characters of context in the common score
# what the lesson's data, `model = build_model(…)`, `schedule` and `model.compile` use
LESSON_CODE = ("build_vocabulary", "encode", "split_train_val", "make_windows", "build_model",
               "vocab", "vocab_size", "ids", "train_ids")
LESSON_SETUP = ("model", "total_steps", "schedule")

import numpy as np  # noqa: E402

from benchkit import (  # noqa: E402
    StopAfter,
    budget_parser,
    compile_arguments,
    lesson_definitions,
    recipe_parameters,
    report_loads_and_json,
    train_in_turns,
)


def build_plain(keras, vocab_size):
    class OneHot(keras.layers.Layer):
        def call(self, x):
            return keras.ops.one_hot(x, vocab_size)

    inputs = keras.Input(shape=(CONTEXT,), dtype="int32")
    x = OneHot()(inputs)
    x = keras.layers.LSTM(128)(x)
    model = keras.Model(inputs, keras.layers.Dense(vocab_size)(x), name="plain_lstm128")
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def build_lesson(keras, lesson: dict):
    """Lesson 03's model, built and compiled by the lesson's own code in ``lesson`` (its
    namespace: parameters, data and functions)."""
    lesson_definitions(LESSON, lesson, *LESSON_SETUP)
    lesson["model"].compile(**compile_arguments(LESSON, lesson))
    return lesson["model"]


class Recipe:
    """A model, a function giving its batches for steps [a, b), and its training time."""

    def __init__(self, name, model, batches, batch_size, max_steps):
        self.name, self.model, self.batches = name, model, batches
        self.batch_size, self.max_steps = batch_size, max_steps
        self.steps, self.seconds = 0, 0.0

    def done(self, budget):
        return self.steps >= self.max_steps or self.seconds >= budget

    def train_turn(self, keras, seconds):
        stop = StopAfter(keras, seconds)
        steps = min(self.max_steps - self.steps, 2000)  # more than a turn needs on a CPU
        x, y = self.batches(self.steps, self.steps + steps)
        self.model.fit(x, y, batch_size=self.batch_size, epochs=1, shuffle=False, verbose=0,
                       callbacks=[stop])
        self.seconds += stop.seconds
        self.steps += stop.steps


def common_score(model, val_ids, last_only):
    """Mean nats of predicting val_ids[t] from the CONTEXT characters before it, t = 40, 44, ..."""
    targets_at = np.arange(CONTEXT, len(val_ids), 4)
    x = val_ids[targets_at[:, None] - CONTEXT + np.arange(CONTEXT)]
    logits = model.predict(x, batch_size=512, verbose=0)
    if not last_only:
        logits = logits[:, -1, :]
    logits = logits.astype("float64")
    logits -= logits.max(axis=-1, keepdims=True)
    log_probs = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
    return float(-log_probs[np.arange(len(targets_at)), val_ids[targets_at]].mean())


def main(argv=None) -> int:
    args = budget_parser(__doc__.split("\n")[0], DEFAULT_DATA,
                         "tinyshakespeare.txt").parse_args(argv)

    import keras

    p = recipe_parameters(LESSON, args.profile, args.set)
    keras.utils.set_random_seed(p["seed"])
    # the lesson's own vocabulary, encoding, split and windows
    lesson = lesson_definitions(LESSON, {"keras": keras, "layers": keras.layers, "np": np, **p,
                                         "text": args.data.read_text(encoding="utf-8")},
                                *LESSON_CODE)
    vocab, train_ids, val_ids = lesson["vocab"], lesson["train_ids"], lesson["val_ids"]
    windows = lesson["make_windows"]

    # plain: every 3rd window of 40 characters, the next character as the target, shuffled.
    plain_starts = np.arange(0, len(train_ids) - CONTEXT, 3)
    plain_order = np.concatenate([np.random.default_rng(s).permutation(plain_starts)
                                  for s in range(20)])

    def plain_batches(a, b):
        starts = plain_order[a * 128:b * 128]
        x = train_ids[starts[:, None] + np.arange(CONTEXT)]
        return x, train_ids[starts + CONTEXT]

    # lesson: random windows of seq_length, targets shifted by one, as in the lesson.
    L, bs = p["seq_length"], p["batch_size"]
    lesson_steps = p["epochs"] * p["steps_per_epoch"]
    lesson_starts = np.random.default_rng(p["seed"]).integers(
        0, len(train_ids) - L, size=lesson_steps * bs)

    def lesson_batches(a, b):
        return windows(train_ids, lesson_starts[a * bs:b * bs], L)

    recipes = [
        Recipe("plain", build_plain(keras, len(vocab)), plain_batches, 128,
               len(plain_order) // 128),
        Recipe("lesson", build_lesson(keras, lesson), lesson_batches, bs, lesson_steps),
    ]
    load_before, load_after = train_in_turns(keras, recipes, args.budget, args.turn)

    results = {}
    for r in recipes:
        nats = common_score(r.model, val_ids, last_only=(r.name == "plain"))
        results[r.name] = {
            "val_loss_nats": nats,
            "val_bits_per_char": nats / math.log(2),
            "train_seconds": round(r.seconds, 1),
            "steps": r.steps,
            "characters_predicted": r.steps * r.batch_size * (1 if r.name == "plain" else L),
            "parameters": r.model.count_params(),
        }
    x_val, y_val = windows(val_ids, np.arange(0, len(val_ids) - L, L), L)
    lesson_metric = float(recipes[1].model.evaluate(x_val, y_val, batch_size=256, verbose=0))
    ratio = results["lesson"]["val_loss_nats"] / results["plain"]["val_loss_nats"]

    print("\n| recipe | val loss (nats/char) | bits/char | training s | steps | "
          "characters predicted | parameters |")
    print("|---|---|---|---|---|---|---|")
    for name, res in results.items():
        print(f"| {name} | {res['val_loss_nats']:.3f} | {res['val_bits_per_char']:.3f} | "
              f"{res['train_seconds']} | {res['steps']} | {res['characters_predicted']:,} | "
              f"{res['parameters']:,} |")
    print(f"\nratio lesson / plain validation loss: {ratio:.2f}")
    print(f"lesson's own metric (windows of {L}, every position): {lesson_metric:.3f} nats")
    report_loads_and_json(args, keras, p, results, (load_before, load_after), ratio=ratio,
                          lesson_metric_nats=lesson_metric)
    return 0


if __name__ == "__main__":
    sys.exit(main())
