"""Lesson 01's own code on JAX and PyTorch, in seconds per backend.

CI trains lesson 01 to its target on TensorFlow (tests/test_course_verify.py); on JAX and
PyTorch its smoke runs take about 80 CPU-seconds each, and their seeds are run by hand
(`build.py verify --backend jax --lesson 01_addition --seeds 3`, recorded in
docs/benchmarks.md). So that a change that breaks the lesson on those backends still
fails CI, this test runs the lesson's own code there: its data and one-hot encoding, its
model, its optimizer with the HoldThenDecay schedule, a short training that must lower
the held-out loss, its exact-match score, and the save and reload that the lesson shows.
"""

import pytest

from backend_check import run_on_backend

CHECK = r'''
import sys
sys.path.insert(0, BENCH)
import numpy as np
import keras
from benchkit import lesson_definitions, lesson_parameters
from lesson01_recipes import LESSON, LESSON_CODE, lesson_optimizer, make_data

params = lesson_parameters(LESSON, "smoke", keras.backend.backend())
lesson = lesson_definitions(LESSON, {"np": np, "keras": keras, **params, "epochs": 2},
                            *LESSON_CODE)
(x_train, y_train), (x_val, y_val) = make_data(lesson, 4000, 0)
keras.utils.set_random_seed(0)
model = lesson["build_model"](int(params["digits"]), int(params["hidden_units"]))
model.compile(**lesson_optimizer(lesson, x_train))
before = model.evaluate(x_val, y_val, verbose=0, return_dict=True)["loss"]
model.fit(x_train, y_train, batch_size=int(params["batch_size"]), epochs=2, verbose=0)
after = model.evaluate(x_val, y_val, verbose=0, return_dict=True)["loss"]
assert after < 0.9 * before, f"two epochs should lower the held-out loss: {before} -> {after}"
scores = model.predict(x_val, verbose=0)
exact = lesson["exact_match"](y_val, scores)
assert 0.0 <= exact <= 1.0, exact

model.save(PATH)
reloaded = keras.models.load_model(PATH, custom_objects={"HoldThenDecay": lesson["HoldThenDecay"]})
schedule = reloaded.optimizer._learning_rate  # the schedule object (learning_rate: its value)
assert type(schedule).__name__ == "HoldThenDecay", type(schedule)
assert schedule.get_config() == model.optimizer._learning_rate.get_config()
assert np.allclose(reloaded.predict(x_val, verbose=0), scores, atol=1e-4)
print("ok", keras.backend.backend(), round(before, 3), round(after, 3), exact)
'''


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_lesson_01_trains_scores_saves_and_reloads_on(backend, tmp_path):
    assert run_on_backend(CHECK, backend, tmp_path / "addition.keras").startswith(f"ok {backend}")
