"""Lesson 02's RandomShift layer, on each Keras backend: the shifts it promises, no more.

The layer is given code in the lesson (students use it in exercise 3), so it is taken
from the lesson's own cell, not from a copy.
"""

import pytest

from backend_check import run_on_backend

CHECK = r'''
import sys
sys.path.insert(0, BENCH)
import keras, numpy as np
from keras import layers
from shift_layers import lesson_random_shift  # the class from the lesson's own cell
RandomShift = lesson_random_shift()

images = np.random.default_rng(0).random((48, 32, 32, 3), dtype="float32")
layer = RandomShift(4, seed=3)
shifted = keras.ops.convert_to_numpy(layer(images, training=True))
padded = np.pad(images, [(0, 0), (4, 4), (4, 4), (0, 0)], mode="reflect")
corners = []
for i, out in enumerate(shifted):
    hits = [(r, c) for r in range(9) for c in range(9)
            if np.array_equal(padded[i, r:r + 32, c:c + 32], out)]
    assert hits, f"image {i} is not a 32x32 window of its reflect-padded copy"
    corners.append(hits[0])
assert len(set(corners)) > 24, f"each image should get its own shift, got {set(corners)}"
assert np.array_equal(keras.ops.convert_to_numpy(layer(images, training=False)), images)

inputs = keras.Input((32, 32, 3))
model = keras.Model(inputs, layers.Dense(2)(layers.Flatten()(RandomShift(4)(inputs))))
model.compile("adam", "mse")
model.fit(images, np.zeros((48, 2)), epochs=1, verbose=0)
model.save(PATH)
reloaded = keras.models.load_model(PATH)
assert np.allclose(reloaded.predict(images, verbose=0), model.predict(images, verbose=0),
                   atol=1e-5)
print("ok")
'''


@pytest.mark.parametrize("backend", ["tensorflow", "jax", "torch"])
def test_random_shift_takes_one_reflect_padded_window_per_image(backend, tmp_path):
    assert run_on_backend(CHECK, backend, tmp_path / "shift.keras") == "ok"
