"""Lesson 02 recipe vs the 2018 Keras CIFAR-10 recipe: test accuracy after a fixed training time.

Both recipes get the same wall-clock training budget (default 60 s each) on the same
CIFAR-10 arrays (pixels scaled to [0, 1]) and are scored on the full 10,000-image test set:

* keras2018: the classic `examples/cifar10_cnn.py` of Keras 2, ported to Keras 3:
  Conv 32-32 / pool / dropout 0.25, Conv 64-64 / pool / dropout 0.25, Dense 512 / dropout
  0.5, softmax over 10; RMSprop at 1e-4 (its 1e-6 decay as an InverseTimeDecay), batch
  32, augmentation with random horizontal flips and shifts of up to 10% (the old
  `ImageDataGenerator`, here RandomFlip + RandomTranslation layers, fill "nearest"), all
  50,000 training images.
* lesson: lesson 02's own code, read from content/02_cifar10.py (bench/benchkit.py): its
  `model = build_model(…)` (three conv blocks of Conv-BN-ReLU, max-pool, dropout, its
  augmentation when the profile augments, flatten, Dense logits), its schedule (linear
  warm-up over the first 20% of the steps, cosine decay) and its `model.compile` (AdamW
  without decay on BN and biases, cross-entropy with label smoothing on one-hot labels),
  with the parameters of its smoke profile: its batch size, image subset and epochs. Its
  schedule has a fixed length: when the steps run out before the budget, it stops early
  (the time it used is reported); when the budget runs out first, it stops there,
  un-annealed.

To share the machine's load fairly, the recipes train in turns of about 10 s each, in
one process (a callback stops `fit` at the end of a turn and the next turn resumes with
the following batches and the same optimizer state). The time counted is the training
loop inside `fit` (from its first batch to its last, tracing included, as in the
lesson); converting each turn's arrays is not counted.

    python bench/lesson02_recipes.py                    # about 2.5 minutes on 2 idle cores
    python bench/lesson02_recipes.py --budget 60 --json results.json

Prints one summary table (accuracy, time used, steps, images seen) and the ratio of the
accuracies.
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "content" / "02_cifar10.py"
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "cifar10.npz"
# what `model = build_model(…)`, `schedule = …` and `model.compile(…)` in the lesson use
LESSON_CODE = ("RandomShift", "build_model", "build_augmentation", "make_schedule",
               "make_optimizer", "make_loss")
LESSON_SETUP = ("model", "schedule")

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


def load_cifar10(path: Path):
    with np.load(path) as archive:
        x_train = archive["x_train"].astype("float32") / 255.0
        x_test = archive["x_test"].astype("float32") / 255.0
        y_train = archive["y_train"].reshape(-1).astype("int32")
        y_test = archive["y_test"].reshape(-1).astype("int32")
    return x_train, y_train, x_test, y_test


def build_keras2018(keras):
    layers = keras.layers
    model = keras.Sequential([
        keras.Input(shape=(32, 32, 3)),
        layers.RandomFlip("horizontal"),
        layers.RandomTranslation(0.1, 0.1, fill_mode="nearest"),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(),
        layers.Dropout(0.25),
        layers.Conv2D(64, 3, padding="same", activation="relu"),
        layers.Conv2D(64, 3, activation="relu"),
        layers.MaxPooling2D(),
        layers.Dropout(0.25),
        layers.Flatten(),
        layers.Dense(512, activation="relu"),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    ], name="keras2018")
    # Keras 2's RMSprop(lr=1e-4, decay=1e-6): lr / (1 + 1e-6 * step).
    schedule = keras.optimizers.schedules.InverseTimeDecay(1e-4, decay_steps=1, decay_rate=1e-6)
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=schedule),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def build_lesson(keras, p: dict, total_steps: int):
    """Lesson 02's model, built and compiled by the lesson's own code with parameters
    ``p``, its schedule ``total_steps`` long."""
    namespace = {"keras": keras, "layers": keras.layers, "np": np, "math": math, **p,
                 "total_steps": total_steps}
    lesson_definitions(LESSON, namespace, *LESSON_CODE, *LESSON_SETUP)
    namespace["model"].compile(**compile_arguments(LESSON, namespace))
    return namespace["model"]


class Recipe:
    """A model, its stream of training batches, and the time it has trained so far."""

    def __init__(self, name, model, x, y, batch_size, max_steps, seed):
        self.name, self.model, self.batch_size, self.max_steps = name, model, batch_size, max_steps
        rng = np.random.default_rng(seed)
        epochs = -(-max_steps * batch_size // len(x))
        # One shuffled order per epoch, concatenated: the batches the recipe will see.
        self.order = np.concatenate([rng.permutation(len(x)) for _ in range(epochs)])
        self.x, self.y = x, y
        self.steps = 0
        self.seconds = 0.0

    def done(self, budget):
        return self.steps >= self.max_steps or self.seconds >= budget

    def train_turn(self, keras, seconds):
        stop = StopAfter(keras, seconds)
        steps = min(self.max_steps - self.steps, 400)  # more than a turn needs on a CPU
        index = self.order[self.steps * self.batch_size:(self.steps + steps) * self.batch_size]
        self.model.fit(self.x[index], self.y[index], batch_size=self.batch_size, epochs=1,
                       shuffle=False, verbose=0, callbacks=[stop])
        self.seconds += stop.seconds
        self.steps += stop.steps

    def test_accuracy(self, x_test, y_test):
        scores = self.model.predict(x_test, batch_size=500, verbose=0)
        return float((scores.argmax(axis=1) == y_test).mean())


def main(argv=None) -> int:
    args = budget_parser(__doc__.split("\n")[0], DEFAULT_DATA, "cifar10.npz").parse_args(argv)

    import keras

    p = recipe_parameters(LESSON, args.profile, args.set)
    keras.utils.set_random_seed(p["seed"])
    if p.get("mixed_precision"):
        keras.config.set_dtype_policy("mixed_float16")
    x_train, y_train, x_test, y_test = load_cifar10(args.data)
    x_lesson, y_lesson = x_train[:-5000][:p["n_train"]], y_train[:-5000][:p["n_train"]]
    lesson_steps = p["epochs"] * -(-len(x_lesson) // p["batch_size"])
    recipes = [
        Recipe("keras2018", build_keras2018(keras), x_train, y_train, 32,
               100 * len(x_train) // 32, seed=1),  # 100 epochs: more than any budget here
        # one-hot labels, as the lesson gives its label-smoothed loss
        Recipe("lesson", build_lesson(keras, p, lesson_steps), x_lesson,
               keras.utils.to_categorical(y_lesson, 10), p["batch_size"], lesson_steps, seed=2),
    ]
    load_before, load_after = train_in_turns(keras, recipes, args.budget, args.turn)

    results = {}
    for r in recipes:
        results[r.name] = {
            "test_accuracy": r.test_accuracy(x_test, y_test),
            "train_seconds": round(r.seconds, 1),
            "steps": r.steps,
            "images_seen": r.steps * r.batch_size,
            "parameters": r.model.count_params(),
        }
    ratio = results["lesson"]["test_accuracy"] / results["keras2018"]["test_accuracy"]

    print("\n| recipe | test accuracy | training s | steps | images seen | parameters |")
    print("|---|---|---|---|---|---|")
    for name, res in results.items():
        print(f"| {name} | {res['test_accuracy']:.4f} | {res['train_seconds']} | {res['steps']} | "
              f"{res['images_seen']:,} | {res['parameters']:,} |")
    print(f"\nratio lesson / keras2018 test accuracy: {ratio:.2f}")
    report_loads_and_json(args, keras, p, results, (load_before, load_after), ratio=ratio)
    return 0


if __name__ == "__main__":
    sys.exit(main())
