# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   course:
#     title: Welcome
#     summary: Who is teaching, what we will build today, what machine learning and Keras
#       are, and a first model that learns the line y = 2x + 1 from noisy points.
#     teaching: 20
#     exercises: 20
#     objectives:
#       - "Say in one sentence what machine learning is, and what Keras adds on top of it."
#       - "Open a course notebook on Colab or on your own machine and run it."
#       - "Build, train and inspect a one-neuron Keras model that finds y = 2x + 1 from examples."
#     keypoints:
#       - "Machine learning gives computers knowledge from data; the test is how well they generalise to new examples."
#       - "Keras describes a model in a few lines (Sequential, Dense), chooses how it learns (compile) and trains it (fit), on TensorFlow, JAX or PyTorch."
#       - "One neuron trained on noisy examples finds the rule by itself: its weight and bias end close to 2 and 1."
#     accelerator: cpu
#     profiles:
#       smoke:
#         parameters: {epochs: 30}
#         targets:
#           weight: {min: 1.95, max: 2.05}
#           bias: {min: 0.95, max: 1.05}
#       full:
#         parameters: {epochs: 50}
#         targets:
#           weight: {min: 1.95, max: 2.05}
#           bias: {min: 0.95, max: 1.05}
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # {{ course.title }}
#
# ## Lesson 00 · Welcome
#
# By the end of this lesson you will be able to:
#
# - say in one sentence what machine learning is, and what Keras adds on top of it;
# - open a course notebook on Colab (or on your own machine) and run it;
# - build, train and inspect your very first Keras model: one artificial neuron that
#   discovers the rule `y = 2x + 1` by looking at examples.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Who is teaching
#
# {{ instructors }}
#
# Questions are welcome at any time, during the slides as well as during the exercises.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Today's agenda
#
# | # | Lesson | What you build |
# |---|---|---|
# | 00 | Welcome | a one-neuron model that fits a straight line |
# | 01 | Teach a neural network to add | a sequence-to-sequence LSTM that learns `535+61 = 596` from examples alone |
# | 02 | Classifying very small images | a convolutional network for the 10 classes of CIFAR-10 |
# | 03 | The unreasonable effectiveness of recurrent networks | a character-level model that writes new "Shakespeare" |
# | 04 | What's an LSTM? | an LSTM step by hand in NumPy, then your own LSTM cell with peepholes |
#
# Every lesson is a short talk followed by a notebook in which *you* fill in the
# missing pieces, then watch the network learn.

# %% [markdown] slideshow={"slide_type": "notes"}
# Speaker notes: keep this slide short. Point out that the lessons build on each other:
# 00 proves the setup, 01 and 03 use recurrent networks as black boxes, and 04 opens the
# box. Lesson 02 is the odd one out (images), which is a good place for a break.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## How to follow along
#
# **Option 1 — Colab (nothing to install).** Every exercise notebook starts with an
# *Open in Colab* badge. Click it, sign in with a Google account, and choose
# *Runtime → Change runtime type → GPU* for the lessons that train bigger models.
#
# **Option 2 — your own machine.** Clone the course repository, create a virtual
# environment and start Jupyter:
#
# ```bash
# python3 -m venv .venv && source .venv/bin/activate
# pip install -r requirements.txt
# jupyter lab exercises/
# ```
#
# In each notebook, look for cells that say `# YOUR CODE HERE`. Replace the
# `raise NotImplementedError()` line with your answer, then run the **check** cell just
# below: it tells you whether your answer does what it should, and if not, what it got.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Choosing a backend
#
# Keras does its number crunching with one of three libraries. The notebooks work with
# all of them; pick one *before* Keras is imported, for example in the first cell:
#
# ```python
# import os
# os.environ["KERAS_BACKEND"] = "jax"   # or "tensorflow" (the default) or "torch"
# ```
#
# The first code cell of every lesson prints the Keras version and the backend in use,
# so you always know what you are running on.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What is machine learning?
#
# Yoshua Bengio (one of the pioneers of deep learning, Turing Award 2018) describes it
# roughly like this: machine learning is a way of **giving computers knowledge through
# data and observation** instead of writing that knowledge down by hand, so that they
# can then **generalise**: behave sensibly in situations they have never seen.
#
# - A classic program: *you* write the rules, the computer applies them.
# - A learned program: you show examples, the computer finds rules that explain them.
# - The proof that it learned (rather than memorised) is always the same: test it on
#   examples it was **not** trained on. Every lesson in this course reports its results
#   on such held-out data.

# %% [markdown] slideshow={"slide_type": "notes"}
# Speaker notes: ask the room for an example of a rule that is hard to write by hand
# (recognising a cat, translating a sentence). Stress the word "generalise": fitting the
# training data is easy, doing well on new data is the whole game.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What is Keras?
#
# - A high-level API for building and training neural networks in Python.
# - Written by **François Chollet**, first released in **2015**.
# - Keras describes *what* the network is (layers, loss, optimiser); a backend library
#   does the actual computation. Keras started on Theano and soon added TensorFlow;
#   Keras 2.0.5 (2017) added CNTK; from Keras 2.4 (2020) it ran on TensorFlow only, as
#   `tf.keras`; **Keras 3 (2023) runs on TensorFlow, JAX and PyTorch**.
# - Used in industry and research; companies such as Netflix, Uber, Yelp, Instacart and
#   Square, and organisations such as NASA, have been cited as users.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Why Keras?
#
# - **It hides the complexity of the backend.** A model is a handful of layers,
#   `compile` picks the loss and optimiser, `fit` trains it.
# - **One model code, three backends.** Within Keras 3, a model written with Keras
#   layers and `keras.ops` runs on TensorFlow, JAX and PyTorch: this whole course runs
#   unchanged on all three. Major versions did break code, though: Keras 3 dropped
#   `ImageDataGenerator` (augmentation is now layers, lesson 02), TensorFlow functions
#   (`tf.*`) inside layers no longer run on the other backends (use `keras.ops`), and
#   models are saved in the new `.keras` format (old `.h5` files load as legacy, a
#   TensorFlow SavedModel only through `keras.layers.TFSMLayer`).
# - **It is an easy start that does not limit you.** When you need more, you can write
#   your own layers with `keras.ops`, as we do in lesson 04.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What is Colab?
#
# Google Colaboratory is a hosted Jupyter notebook service: notebooks run in your
# browser on a machine in the cloud, with the usual scientific Python packages already
# installed, and **a free GPU** on request. Sessions are temporary (save your work to
# Drive or download it), and the free GPU is shared, so availability varies.
#
# Everything in this course also runs on a laptop CPU, just more slowly.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your first model: learn `y = 2x + 1`
#
# We will generate noisy points on the line $y = 2x + 1$ and ask the simplest possible
# neural network, **one neuron**, to find the line. A `Dense(1)` layer with one input
# computes
#
# $$\hat y = w\,x + b$$
#
# Training adjusts the weight $w$ and the bias $b$ to make the mean squared error
# between $\hat y$ and $y$ small. If it works, we should read back $w \approx 2$ and
# $b \approx 1$: the computer found the rule from the examples alone.

# %% [markdown]
# The cell below holds the lesson's parameters. On Colab, just run it; the defaults
# are what the lesson was designed for.

# %% tags=["parameters"]
epochs = 50            # passes over the training points
learning_rate = 0.1    # step size of plain stochastic gradient descent
n_points = 512         # how many noisy (x, y) examples we generate
seed = 0               # makes the run reproducible

# %%
import numpy as np
import keras

print("Keras", keras.__version__, "running on", keras.backend.backend())
keras.utils.set_random_seed(seed)

# %% [markdown]
# Our data: `x` spread over [-1, 1], and `y = 2x + 1` plus a little noise, as real
# measurements would have. We also keep some points aside to test on later.

# %%
rng = np.random.default_rng(seed)
x_all = rng.uniform(-1.0, 1.0, size=(n_points, 1)).astype("float32")
y_all = (2.0 * x_all + 1.0 + rng.normal(0.0, 0.05, size=x_all.shape)).astype("float32")
n_train = int(0.8 * n_points)
x_train, y_train = x_all[:n_train], y_all[:n_train]
x_test, y_test = x_all[n_train:], y_all[n_train:]
print(f"{len(x_train)} training points, {len(x_test)} test points")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 1: build and compile the model
#
# Complete `build_model` so that it returns a compiled Keras model with:
#
# - an input of shape `(1,)` (one number per example): `keras.Input(shape=(1,))`,
# - a single `keras.layers.Dense` layer with **one** unit,
# - compiled with the optimiser `keras.optimizers.SGD(learning_rate=learning_rate)` and
#   the loss `"mse"` (mean squared error).
#
# Hint: `keras.Sequential([...])` takes a list of layers, and `model.compile(...)`
# sets the optimiser and the loss.

# %%
def build_model():
    ### BEGIN SOLUTION
    model = keras.Sequential([
        keras.Input(shape=(1,)),
        keras.layers.Dense(1),
    ])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="mse")
    ### END SOLUTION
    ### BEGIN ALTERNATIVE
    inputs = keras.Input(shape=(1,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="mean_squared_error")
    ### END ALTERNATIVE
    ### BEGIN ALTERNATIVE
    model = keras.Sequential([keras.Input(shape=(1,))])
    model.add(keras.Sequential([keras.layers.Dense(1)]))
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
                  loss=keras.losses.MeanSquaredError())
    ### END ALTERNATIVE
    ### BEGIN MISTAKE: Adam instead of plain SGD
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    ### END MISTAKE
    ### BEGIN MISTAKE: SGD's default learning rate, not learning_rate
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(), loss="mse")
    ### END MISTAKE
    ### BEGIN MISTAKE: a ReLU activation cuts off the negative half of the line
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1, activation="relu")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="mse")
    ### END MISTAKE
    ### BEGIN MISTAKE: mean absolute error instead of mean squared error
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="mae")
    ### END MISTAKE
    ### BEGIN MISTAKE: never compiled
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    ### END MISTAKE
    return model


# %% tags=["check"]
def _guard(what, call, *args):
    """Run the student's code; a crash or a None becomes a message saying what was expected."""
    try:
        result = call(*args)
    except Exception as error:
        if isinstance(error, NotImplementedError) and not str(error):  # the exercise's stub
            raise AssertionError(f"{what}: replace `raise NotImplementedError()` with your answer") from None
        raise AssertionError(f"{what} failed with {type(error).__name__}: {error}") from None
    assert result is not None, f"{what} returned None: is the `return` missing?"
    return result


_model = _guard("build_model()", build_model)
assert isinstance(_model, keras.Model), f"build_model() should return a Keras model, got {type(_model).__name__}"
# at any depth: a Dense inside a nested Sequential is still the one neuron
_dense = [layer for layer in _model._flatten_layers(include_self=False) if isinstance(layer, keras.layers.Dense)]
assert len(_dense) == 1, f"expected exactly one Dense layer, found {len(_dense)}"
assert _dense[0].units == 1, f"the Dense layer should have 1 unit, it has {_dense[0].units}"
assert _model.count_params() == 2, f"expected 2 parameters (one weight, one bias), got {_model.count_params()}"
assert getattr(_model, "compiled", False), "compile the model with an optimiser and a loss"
assert isinstance(_model.optimizer, keras.optimizers.SGD), f"compile with keras.optimizers.SGD, not {type(_model.optimizer).__name__}"
_lr = float(keras.ops.convert_to_numpy(_model.optimizer.learning_rate))
assert abs(_lr - learning_rate) < 1e-6, f"SGD's learning rate should be learning_rate = {learning_rate}, got {_lr:g}"
# with weight 1 and bias 0 the neuron is the identity: negative inputs too (no activation)
_dense[0].set_weights([np.ones((1, 1), "float32"), np.zeros((1,), "float32")])
_x = np.array([[-2.0], [0.5], [3.0]], "float32")
_out = np.asarray(keras.ops.convert_to_numpy(_guard("calling the model", _model, _x)))
assert _out.shape == (3, 1), f"for 3 inputs the model should give shape (3, 1), got {_out.shape}"
assert np.allclose(_out, _x, atol=1e-6), f"with weight 1 and bias 0 the model should give back its input, got {_out[:, 0]}: is there an activation?"
_loss = float(np.ravel(_model.evaluate(_x, np.zeros_like(_x), verbose=0))[0])
assert abs(_loss - float(np.mean(_x ** 2))) < 1e-3, f"the loss should be the mean squared error ('mse'): expected {np.mean(_x ** 2):.3f} here, got {_loss:.3f}"
print("Well done: one neuron, two parameters, ready to learn.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 2: one step of gradient descent, by hand
#
# Before `fit` does it for us thousands of times, let us take one step ourselves. On a
# batch of $n$ points the loss is $L = \frac{1}{n}\sum_k (w x_k + b - y_k)^2$, and its
# slopes are
#
# $$\frac{\partial L}{\partial w} = \frac{2}{n}\sum_k (\hat y_k - y_k)\,x_k, \qquad
#   \frac{\partial L}{\partial b} = \frac{2}{n}\sum_k (\hat y_k - y_k)$$
#
# Plain stochastic gradient descent (SGD) moves each parameter a little *downhill*, by
# the **learning rate** $\eta$ times its slope: $w \leftarrow w - \eta\,\partial L/\partial w$,
# and the same for $b$. Complete `sgd_step(w, b, x, y, lr)` with NumPy: it returns the
# new `(w, b)` as Python floats after one such step on the batch `x`, `y`.

# %%
def sgd_step(w, b, x, y, lr):
    ### BEGIN SOLUTION
    error = w * x + b - y
    grad_w = 2.0 * np.mean(error * x)
    grad_b = 2.0 * np.mean(error)
    return float(w - lr * grad_w), float(b - lr * grad_b)
    ### END SOLUTION


# %% tags=["check"]
# Keras takes the same step: one call of train_on_batch is one SGD step on one batch.
_x, _y = x_train[:32], y_train[:32]
_mine = sgd_step(0.5, -0.3, _x, _y, learning_rate)
_keras_model = build_model()
_keras_model.set_weights([np.array([[0.5]], "float32"), np.array([-0.3], "float32")])
_keras_model.train_on_batch(_x, _y)
_kernel, _bias = _keras_model.layers[0].get_weights()
_theirs = (float(_kernel[0, 0]), float(_bias[0]))
assert isinstance(_mine, tuple) and len(_mine) == 2, f"sgd_step should return (w, b), got {_mine!r}"
assert np.allclose(_mine, _theirs, atol=1e-5), (
    f"from w=0.5, b=-0.3 Keras' SGD step gives w={_theirs[0]:.5f}, b={_theirs[1]:.5f}, "
    f"yours gives w={_mine[0]:.5f}, b={_mine[1]:.5f}: check the factor 2 and the sign")
print(f"one step from (0.5, -0.3): yours {_mine[0]:.5f}, {_mine[1]:.5f}; "
      f"Keras {_theirs[0]:.5f}, {_theirs[1]:.5f}")

# %% [markdown]
# That is all `fit` does: cut the training points into **batches** (here 32 points),
# take one such step per batch, and call one pass over all the batches an **epoch**.
# With 409 training points, one epoch is 13 steps.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Training
#
# `fit` shows the training points to the model `epochs` times, in small batches, and
# nudges `w` and `b` after each batch.
#
# **Predict, then run.** Before you run the next cell, write down your guesses: what
# will `w` and `b` be after training? And the loss: can it reach 0?

# %%
model = build_model()
loss_before = model.evaluate(x_train, y_train, verbose=0)  # the untrained neuron
history = model.fit(x_train, y_train, epochs=epochs, batch_size=32, verbose=0)
losses = history.history["loss"]
print(f"loss before training: {loss_before:.4f}")
print(f"mean loss during epoch 1: {losses[0]:.4f}, during epoch {epochs}: {losses[-1]:.4f}")
test_loss = model.evaluate(x_test, y_test, verbose=0)
print(f"loss on the held-out test points: {test_loss:.4f}")

# %% [markdown] slideshow={"slide_type": "skip"}
# The loss `fit` reports for an epoch is the mean over its 13 steps, and it falls fast
# within the first epoch, so that number is already well below the loss before
# training. By the last epoch it settles near 0.0025, the variance of the noise we
# added: the model cannot explain the noise, only the line. Exercise 3 reads back `w`
# and `b`.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 3: read back what the neuron learned
#
# A `Dense` layer stores two arrays: the **kernel** (the weights, shape
# `(inputs, units)`, here `(1, 1)`) and the **bias** (shape `(units,)`, here `(1,)`).
# `model.layers[0].get_weights()` returns them as NumPy arrays, in that order.
# Set `weight` and `bias` to the learned values as plain Python floats.

# %%
kernel, bias_vector = model.layers[0].get_weights()
### BEGIN SOLUTION
weight = float(kernel[0, 0])
bias = float(bias_vector[0])
### END SOLUTION
### BEGIN ALTERNATIVE
weight, bias = kernel.item(), bias_vector.item()
### END ALTERNATIVE
### BEGIN ALTERNATIVE
weight = float(np.ravel(kernel)[0])
bias = float(np.sum(bias_vector))
### END ALTERNATIVE
### BEGIN MISTAKE: keeps the NumPy arrays instead of floats
weight, bias = kernel, bias_vector
### END MISTAKE
### BEGIN MISTAKE: weight and bias swapped
weight, bias = float(bias_vector[0]), float(kernel[0, 0])
### END MISTAKE
### BEGIN MISTAKE: reads a fresh, untrained model
kernel, bias_vector = build_model().layers[0].get_weights()
weight, bias = float(kernel[0, 0]), float(bias_vector[0])
### END MISTAKE

# %% tags=["check"]
assert "weight" in globals() and "bias" in globals(), "set both `weight` and `bias`"
assert isinstance(weight, float), f"weight should be a Python float (use float(...)), got {weight!r}"
assert isinstance(bias, float), f"bias should be a Python float (use float(...)), got {bias!r}"
print(f"learned weight w = {weight:.3f} (true 2), bias b = {bias:.3f} (true 1)")
assert not (abs(weight - 1.0) < 0.05 and abs(bias - 2.0) < 0.05), (
    "weight and bias look swapped: get_weights() returns the kernel first, then the bias")
assert abs(weight - 2.0) < 0.05, f"expected a weight within 0.05 of 2, got {weight:.3f}: read the trained `model`"
assert abs(bias - 1.0) < 0.05, f"expected a bias within 0.05 of 1, got {bias:.3f}"

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What the neuron sees
#
# The points are the test data the model never trained on; the line is the model's
# prediction.

# %%
import matplotlib.pyplot as plt

grid = np.linspace(-1, 1, 50, dtype="float32").reshape(-1, 1)
plt.figure(figsize=(5, 3.5))
plt.scatter(x_test[:, 0], y_test[:, 0], s=12, label="held-out points")
plt.plot(grid[:, 0], model.predict(grid, verbose=0)[:, 0], color="C1",
         label=f"model: y = {weight:.2f}x + {bias:.2f}")
plt.xlabel("x")
plt.ylabel("y")
plt.legend()
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### How big may a step be?
#
# Each step multiplies the bias's distance from its best value by about $1 - 2\eta$
# (the slope of $L$ in $b$ grows by 2 per unit of $b$; for $w$ it is $2\cdot\overline{x^2}
# \approx 2/3$). Below $\eta = 1$ that factor is smaller than 1 in size and the error
# shrinks; above it, every step overshoots a little further than the last. So on this
# data SGD should converge at $\eta = 0.9$ and blow up at $\eta = 1.1$. Let us check:

# %%
edge_losses = {}
for trial_rate in (0.9, 1.1):
    keras.utils.set_random_seed(seed)
    trial = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    trial.compile(optimizer=keras.optimizers.SGD(learning_rate=trial_rate), loss="mse")
    trial_history = trial.fit(x_train, y_train, epochs=10, batch_size=32, verbose=0)
    edge_losses[trial_rate] = trial_history.history["loss"][-1]
    print(f"learning rate {trial_rate}: loss after 10 epochs {edge_losses[trial_rate]:.4g}")
# The lesson's claim, checked on every build: 0.9 settles, 1.1 diverges.
assert edge_losses[0.9] < 0.01 and not edge_losses[1.1] < 1.0, edge_losses

# %% tags=["metrics"]
from IPython.display import display
display({"application/json": {"weight": float(weight), "bias": float(bias)}}, raw=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - Machine learning gives computers knowledge from data, and the test is always how
#   well they generalise to new examples.
# - Keras lets you describe a model in a few lines (`Sequential`, `Dense`), choose how
#   it learns (`compile`) and train it (`fit`), on TensorFlow, JAX or PyTorch.
# - One neuron, trained on noisy examples, found the rule `y = 2x + 1` by itself: its
#   weight and bias are now close to 2 and 1.
#
# ## Going further
#
# - Increase the noise (the `0.05` in the data cell): how far off are `w` and `b` now?
#   Does using more points help?
# - Set `learning_rate = 0.95`, then `1.05`: how close to the edge can you go? What
#   changes with `batch_size=1` or with `x` spread over [-2, 2]?
# - Fit `y = 3x₁ − x₂ + 0.5` with two inputs: what shape does the kernel have now?
# - Run the notebook again with `KERAS_BACKEND` set to `jax` or `torch`.

# %% [markdown] slideshow={"slide_type": "notes"}
# Speaker notes: before moving on, make sure everybody got the "Well done" message and a
# weight close to 2; this lesson exists to shake out setup problems (Colab sign-in,
# runtime type, local installs) before the longer trainings start. Its 20 minutes of
# exercises are mostly that setup: the three exercises take a few minutes each once a
# notebook runs.
