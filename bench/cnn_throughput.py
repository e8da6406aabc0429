"""Training throughput of lesson 02's smoke network on this CPU, under a few TensorFlow settings.

Lesson 02's TensorFlow smoke run trains the same 90,000 image-passes in anything from
about 45 to 85 s on the 2-core hosts, with identical metrics. This separates the host
from the lesson: it builds the smoke network (``bench/lesson02_recipes.build_lesson``
with the smoke profile's parameters), trains a warm-up of 40 steps on random images, then
times ``--steps`` steps of ``fit`` and reports images per second. Each setting runs in a
fresh process (thread settings are read at import), the settings interleaved
``--repeat`` times so that a slow spell of the host hits them all alike:

* ``default``: TensorFlow's own thread choices;
* ``verify``: the thread variables ``build.py verify`` gives a kernel that has the two
  cores to itself (``coursekit.run.kernel.kernel_env``);
* ``interop1``: one inter-op thread;
* ``spe8``: ``steps_per_execution=8`` (eight steps per call into the graph);
* ``xla``: ``jit_compile=True``.

    python bench/cnn_throughput.py                  # about 4 minutes on 2 idle cores
    python bench/cnn_throughput.py --repeat 5 --json results.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchkit import recipe_parameters  # puts the project root on sys.path, for coursekit
from coursekit.run.kernel import kernel_env  # noqa: E402 (after benchkit)

SETTINGS = ("default", "verify", "interop1", "spe8", "xla")
WARMUP_STEPS = 40


def setting_env(setting: str) -> dict[str, str]:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow")
    if setting == "verify":
        env.update(kernel_env("tensorflow", os.cpu_count() or 1))
    elif setting == "interop1":
        env["TF_NUM_INTEROP_THREADS"] = "1"
    return env


def child(setting: str, steps: int) -> dict:
    """One process, one setting: images per second over ``steps`` steps of fit."""
    import keras
    import numpy as np

    from lesson02_recipes import LESSON, build_lesson

    p = recipe_parameters(LESSON, "smoke", [])
    keras.utils.set_random_seed(p["seed"])
    batch = p["batch_size"]
    model = build_lesson(keras, p, total_steps=WARMUP_STEPS + steps)
    model.compile(optimizer=model.optimizer, loss=model.loss, metrics=["accuracy"],
                  steps_per_execution=8 if setting == "spe8" else 1,
                  jit_compile=setting == "xla")
    rng = np.random.default_rng(0)
    x = rng.random(((WARMUP_STEPS + steps) * batch, 32, 32, 3), dtype="float32")
    y = keras.utils.to_categorical(rng.integers(0, 10, len(x)), 10)  # the lesson's one-hot
    warm = WARMUP_STEPS * batch
    model.fit(x[:warm], y[:warm], batch_size=batch, epochs=1, verbose=0)
    started = time.perf_counter()
    model.fit(x[warm:], y[warm:], batch_size=batch, epochs=1, verbose=0)
    seconds = time.perf_counter() - started
    return {"setting": setting, "images_per_second": steps * batch / seconds,
            "parameters": {k: p[k] for k in ("width", "convs_per_block", "batch_size")}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each setting")
    parser.add_argument("--steps", type=int, default=240, help="timed steps per run")
    parser.add_argument("--setting", action="append", choices=SETTINGS,
                        help="only these settings (default all)")
    parser.add_argument("--json", type=Path, help="also write every run here")
    parser.add_argument("--child", choices=SETTINGS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.steps)))
        return 0

    settings = args.setting or list(SETTINGS)
    runs = {setting: [] for setting in settings}
    load_before = os.getloadavg()
    for _ in range(args.repeat):
        for setting in settings:
            done = subprocess.run([sys.executable, __file__, "--child", setting,
                                   "--steps", str(args.steps)], env=setting_env(setting),
                                  check=True, capture_output=True, text=True)
            result = json.loads(done.stdout.strip().splitlines()[-1])
            runs[setting].append(result["images_per_second"])
            print(f"{setting:9s} {result['images_per_second']:7.0f} images/s", flush=True)

    base = statistics.median(runs["default"]) if "default" in runs else None
    print("\n| setting | median images/s | runs | ÷ default |\n|---|---|---|---|")
    for setting, values in runs.items():
        median = statistics.median(values)
        ratio = f"{median / base:.2f}" if base else "—"
        print(f"| {setting} | {median:,.0f} | {', '.join(f'{v:,.0f}' for v in values)} | {ratio} |")
    print(f"\nload average before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f}; "
          f"{os.cpu_count()} CPUs")
    if args.json:
        args.json.write_text(json.dumps({"runs": runs, "steps": args.steps,
                                         "load_before": load_before}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
