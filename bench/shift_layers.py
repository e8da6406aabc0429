"""Cost of lesson 02's shift augmentation: Keras' RandomTranslation against RandomShift.

Keras' RandomTranslation warps each image through a general affine transform (sub-pixel
shifts, interpolation); lesson 02's RandomShift picks a whole-pixel window of the
reflect-padded image with one gather. This times both, and RandomFlip for scale, on
one batch of 256 CIFAR-sized images, compiled the way `fit` compiles them
(`jax.jit`, `tf.function`; PyTorch runs eagerly), median of 15 calls after a warm-up.

    KERAS_BACKEND=jax python bench/shift_layers.py     # once per backend
"""

from __future__ import annotations

import time
from pathlib import Path

import keras
import numpy as np
from keras import layers

from benchkit import lesson_definitions

LESSON = Path(__file__).resolve().parents[1] / "content" / "02_cifar10.py"


def lesson_random_shift():
    """The RandomShift class, from the lesson's own code (bench/benchkit.py)."""
    namespace = {"keras": keras, "layers": layers}
    return lesson_definitions(LESSON, namespace, "RandomShift")["RandomShift"]


def compiled(layer):
    backend = keras.backend.backend()
    if backend == "jax":
        import jax
        return jax.jit(lambda v: layer(v, training=True))
    if backend == "tensorflow":
        import tensorflow as tf
        return tf.function(lambda v: layer(v, training=True))
    return lambda v: layer(v, training=True)


def median_ms(function, images, repeats=15):
    keras.ops.convert_to_numpy(function(images))  # compile / warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        keras.ops.convert_to_numpy(function(images))
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


def main():
    images = np.random.default_rng(0).random((256, 32, 32, 3), dtype="float32")
    random_shift = lesson_random_shift()
    for name, layer in [("RandomFlip", layers.RandomFlip("horizontal")),
                        ("RandomTranslation", layers.RandomTranslation(0.125, 0.125,
                                                                       fill_mode="reflect")),
                        ("RandomShift", random_shift(4))]:
        print(f"{keras.backend.backend():10s} {name:18s} "
              f"{median_ms(compiled(layer), images):6.1f} ms per batch of 256")


if __name__ == "__main__":
    main()
