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
#     title: What's an LSTM?
#     summary: The LSTM equations with peephole connections, one step in NumPy checked
#       against keras.layers.LSTM, then a peephole LSTM cell of your own, written with
#       keras.ops, that learns to fire exactly k steps after a spike.
#     teaching: 30
#     exercises: 45
#     objectives:
#       - "Read the LSTM equations and say what each gate does."
#       - "Compute one LSTM step in NumPy and show it matches keras.layers.LSTM."
#       - "Write a recurrent cell of your own as a Keras layer with keras.ops."
#       - "Train it on a task where timing matters, and look inside at its gates."
#     keypoints:
#       - "An LSTM is a few lines of algebra: three gates, a candidate, a cell state and a gated output."
#       - "keras.layers.LSTM orders its gates i, f, c, o, starts the forget gate open and has no peepholes."
#       - "A custom cell is a layer with state_size and call(inputs, states); with keras.ops it runs on every backend."
#       - "A plain RNN's gradient fades over a few dozen steps; the LSTM's cell state carries it, so it learns what the plain RNN cannot."
#       - "Peepholes let the gates see the cell state directly; they were proposed for precise timing, and on this short task both cells succeed."
#     accelerator: cpu
#     profiles:
#       smoke:
#         parameters: {epochs: 16}
#         # the plain-RNN comparison is two more trainings: verified on TensorFlow only
#         backends:
#           jax: {parameters: {compare_rnn: false}}
#           torch: {parameters: {compare_rnn: false}}
#         targets:
#           max_abs_diff: {max: 1.0e-5}
#           peephole_accuracy: {min: 0.95}
#       full:
#         parameters: {epochs: 30}
#         targets:
#           max_abs_diff: {max: 1.0e-5}
#           peephole_accuracy: {min: 0.95}
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # What's an LSTM?
#
# ## Lesson 04
#
# In lessons 01 and 03 the LSTM was a black box. Today we open it. By the end of this
# lesson you will be able to:
#
# - read the LSTM equations and say what each gate does;
# - compute one LSTM step by hand in NumPy, and prove it matches `keras.layers.LSTM`
#   to within $10^{-5}$;
# - write your own recurrent cell as a Keras layer with `keras.ops`, one that runs on
#   TensorFlow, JAX and PyTorch;
# - train it on a task where **timing** matters, and look inside at its gates.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The problem LSTMs solve
#
# A plain recurrent network updates its state with $h_t = \tanh(W x_t + U h_{t-1} + b)$.
# Every step multiplies the state by $U$ and squashes it, so information (and the
# gradient that trains the network) fades or explodes after a few dozen steps.
#
# The LSTM adds a **cell state** $c_t$: a memory that is changed only by *adding* to it
# and by *scaling* it with a gate, so it can carry information over long distances.

# %% [markdown] slideshow={"slide_type": "slide"}
# Gates are vectors of numbers between 0 and 1 that decide, element by element, how
# much gets through. The idea came in steps:
#
# - 1997, Hochreiter & Schmidhuber: the cell, which only adds (it keeps all of its old
#   content), with an **input** and an **output** gate;
# - 2000, Gers, Schmidhuber & Cummins, *Learning to Forget*: the **forget gate**, the
#   scaling that lets the cell clear itself; every LSTM in use today has it;
# - 2000, Gers & Schmidhuber: **peepholes**, gates that look at the cell state; their
#   precise-timing results appeared in JMLR in 2002.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The equations (with peepholes)
#
# $\sigma$ is the logistic sigmoid, $\odot$ the element-wise product. In the notation of
# Graves (2013), the gates also look at the cell state through **peephole** weights
# $w_{ci}, w_{cf}, w_{co}$ (vectors, so one number per unit):
#
# $$
# \begin{aligned}
# i_t &= \sigma(W_{xi} x_t + W_{hi} h_{t-1} + w_{ci} \odot c_{t-1} + b_i) && \text{(1) input gate}\\
# f_t &= \sigma(W_{xf} x_t + W_{hf} h_{t-1} + w_{cf} \odot c_{t-1} + b_f) && \text{(2) forget gate}\\
# z_t &= \tanh(W_{xc} x_t + W_{hc} h_{t-1} + b_c) && \text{(3) candidate}\\
# c_t &= f_t \odot c_{t-1} + i_t \odot z_t && \text{(4) cell state}\\
# o_t &= \sigma(W_{xo} x_t + W_{ho} h_{t-1} + w_{co} \odot c_t + b_o) && \text{(5) output gate}\\
# h_t &= o_t \odot \tanh(c_t) && \text{(6) hidden state (the output)}
# \end{aligned}
# $$
#
# Note that the output gate (5) peeks at the **new** cell state $c_t$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Reading the equations
#
# - **Forget gate** $f_t$: how much of the old memory to keep (1 = all of it).
# - **Input gate** $i_t$: how much of the new candidate $z_t$ to write.
# - **Output gate** $o_t$: how much of the memory to show to the rest of the network.
# - **Peepholes**: without them, a gate only sees $h_{t-1}$, which is the memory *after*
#   the output gate. When the output gate is closed, the gates are blind to the memory.
#   Peepholes let them read it directly.

# %% [markdown]
# Peepholes were proposed for precise timing and
#   counting (Gers & Schmidhuber, *Recurrent Nets that Time and Count*, 2000; the
#   timing study: Gers, Schraudolph & Schmidhuber, JMLR 2002), but a large later
#   comparison found they do not help significantly on speech, handwriting or music
#   (Greff et al., *LSTM: A Search Space Odyssey*, 2017); Keras 3, PyTorch and cuDNN
#   leave them out. Today they are mostly of historical interest, and a good exercise
#   in writing a cell.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## The conveyor belt (Olah, 2015)
#
# ```
#              forget               write
#  c(t-1) ─────(×)─────────────────(+)──────────────┬────────▶ c(t)
#               ▲                   ▲                │
#              f(t)            i(t) ⊙ z(t)          tanh
#               │                   │                ▼
#  x(t), h(t-1) ──▶ gates f, i, o and candidate z ──▶ (×) o(t) ──▶ h(t)   read
# ```
#
# The cell state runs along the top like a conveyor belt: at each step the forget gate
# scales what is on it, the input gate adds a little, and the output gate decides how
# much of it the rest of the network may read. Nothing else touches it.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Why the cell remembers: one line of calculus
#
# Training sends the gradient backwards through time, one step at a time. How much
# survives one step back?
#
# $$\text{plain RNN:}\quad \frac{\partial h_t}{\partial h_{t-1}} = \operatorname{diag}(1 - h_t^2)\,U
#   \qquad\qquad
#   \text{LSTM cell:}\quad \frac{\partial c_t}{\partial c_{t-1}} = \operatorname{diag}(f_t)$$
#
# - The plain RNN multiplies by the matrix $U$ and by tanh's slope (at most 1) at
#   **every** step: over 50 steps that is 50 such products, which shrink to nothing or
#   blow up unless $U$ is just right.
# - Along the cell state (the direct path, holding the gates fixed) there is no matrix
#   and no squashing, only the forget gate. While $f_t \approx 1$ the gradient flows back
#   unchanged, for as many steps as the gate stays open; the network learns when to
#   close it. (The 1997 LSTM had no forget gate: $f_t = 1$ always, the "constant error
#   carousel".)

# %% [markdown] slideshow={"slide_type": "notes"}
# Speaker notes: the conveyor belt is Christopher Olah's picture (*Understanding LSTM
# Networks*, 2015): credit it. Point at the conveyor-belt slide: the forget gate as a
# multiplier on the belt, the input gate as a valve on what is added, the output gate
# as a valve on what is read out. Ask: what do gates of exactly 0 or 1 correspond to?
# (f = 1, i = 0: the memory is kept exactly, and so is its gradient.)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## How Keras stores the weights
#
# `keras.layers.LSTM` has **no** peepholes. It stores all four blocks side by side, in
# the order **i, f, c, o**:
#
# | weight | shape | holds |
# |---|---|---|
# | `kernel` | (input_dim, 4·units) | $[W_{xi}\; W_{xf}\; W_{xc}\; W_{xo}]$ |
# | `recurrent_kernel` | (units, 4·units) | $[W_{hi}\; W_{hf}\; W_{hc}\; W_{ho}]$ |
# | `bias` | (4·units,) | $[b_i\; b_f\; b_c\; b_o]$, with $b_f$ initialised to 1 |
#
# We add a `peephole` array of shape (3, units) holding $w_{ci}, w_{cf}, w_{co}$. With
# the peepholes at zero, our equations are exactly Keras' LSTM.

# %% [markdown]
# ## Parameters
#
# The defaults are what you run on Colab; this lesson is small enough for any CPU.
# `compare_rnn = False` skips the plain RNN against the LSTM, two trainings of about the
# time of the two before it.

# %% tags=["parameters"]
seq_len = 30          # time steps of each training sequence
delay = 10            # the network must fire exactly this many steps after the spike
units = 16            # size of the recurrent cells we train
n_train = 2000        # training sequences
n_val = 500           # held-out sequences
epochs = 30           # passes over the training sequences
batch_size = 32
learning_rate = 0.02  # Adam's starting learning rate; a cosine takes it to zero
compare_rnn = True    # also train a plain RNN and an LSTM on a longer delay (two more runs)
long_delay = 20       # ... the delay of that comparison
seed = 0

# %%
import time

import numpy as np
import keras
from keras import ops

print("Keras", keras.__version__, "running on", keras.backend.backend())
keras.utils.set_random_seed(seed)
rng = np.random.default_rng(seed)


def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercise 1: one LSTM step in NumPy
#
# Complete `lstm_step`, equations (1) to (6), for a whole batch at once:
#
# - `x` has shape (batch, input_dim); `h_prev` and `c_prev` (batch, units);
# - `kernel`, `recurrent_kernel`, `bias` are laid out like Keras' (gate order i, f, c, o);
# - `peephole` has shape (3, units): rows $w_{ci}$, $w_{cf}$, $w_{co}$.
#
# Return `h, c, (i, f, z, o)`. Hint: compute
# `x @ kernel + h_prev @ recurrent_kernel + bias` once, then cut it into four blocks of
# `units` columns with `np.split(..., 4, axis=-1)`.

# %%
def lstm_step(x, h_prev, c_prev, kernel, recurrent_kernel, bias, peephole):
    ### BEGIN SOLUTION
    pre = x @ kernel + h_prev @ recurrent_kernel + bias
    pre_i, pre_f, pre_c, pre_o = np.split(pre, 4, axis=-1)
    i = sigmoid(pre_i + peephole[0] * c_prev)
    f = sigmoid(pre_f + peephole[1] * c_prev)
    z = np.tanh(pre_c)
    c = f * c_prev + i * z
    o = sigmoid(pre_o + peephole[2] * c)
    h = o * np.tanh(c)
    ### END SOLUTION
    ### BEGIN ALTERNATIVE
    u = h_prev.shape[-1]

    def gate(k):  # the k-th block of units columns: one gate's pre-activation
        cols = slice(k * u, (k + 1) * u)
        return x @ kernel[:, cols] + h_prev @ recurrent_kernel[:, cols] + bias[cols]

    i = sigmoid(gate(0) + peephole[0] * c_prev)
    f = sigmoid(gate(1) + peephole[1] * c_prev)
    z = np.tanh(gate(2))
    c = f * c_prev + i * z
    o = sigmoid(gate(3) + peephole[2] * c)
    h = o * np.tanh(c)
    ### END ALTERNATIVE
    ### BEGIN ALTERNATIVE
    pre = np.dot(x, kernel) + np.dot(h_prev, recurrent_kernel) + bias
    pre_i, pre_f, pre_c, pre_o = np.hsplit(pre, 4)
    w_ci, w_cf, w_co = peephole
    i, f, z = sigmoid(pre_i + w_ci * c_prev), sigmoid(pre_f + w_cf * c_prev), np.tanh(pre_c)
    c = np.add(np.multiply(f, c_prev), np.multiply(i, z))
    o = sigmoid(pre_o + w_co * c)
    h = o * np.tanh(c)
    ### END ALTERNATIVE
    ### BEGIN MISTAKE: the output gate peeks at the old cell state
    pre = x @ kernel + h_prev @ recurrent_kernel + bias
    pre_i, pre_f, pre_c, pre_o = np.split(pre, 4, axis=-1)
    i = sigmoid(pre_i + peephole[0] * c_prev)
    f = sigmoid(pre_f + peephole[1] * c_prev)
    z = np.tanh(pre_c)
    c = f * c_prev + i * z
    o = sigmoid(pre_o + peephole[2] * c_prev)
    h = o * np.tanh(c)
    ### END MISTAKE
    ### BEGIN MISTAKE: gates taken in the order i, f, o, c
    pre = x @ kernel + h_prev @ recurrent_kernel + bias
    pre_i, pre_f, pre_o, pre_c = np.split(pre, 4, axis=-1)
    i = sigmoid(pre_i + peephole[0] * c_prev)
    f = sigmoid(pre_f + peephole[1] * c_prev)
    z = np.tanh(pre_c)
    c = f * c_prev + i * z
    o = sigmoid(pre_o + peephole[2] * c)
    h = o * np.tanh(c)
    ### END MISTAKE
    ### BEGIN MISTAKE: a sigmoid on the candidate instead of tanh
    pre = x @ kernel + h_prev @ recurrent_kernel + bias
    pre_i, pre_f, pre_c, pre_o = np.split(pre, 4, axis=-1)
    i = sigmoid(pre_i + peephole[0] * c_prev)
    f = sigmoid(pre_f + peephole[1] * c_prev)
    z = sigmoid(pre_c)
    c = f * c_prev + i * z
    o = sigmoid(pre_o + peephole[2] * c)
    h = o * np.tanh(c)
    ### END MISTAKE
    ### BEGIN MISTAKE: h = o * c, without the tanh
    pre = x @ kernel + h_prev @ recurrent_kernel + bias
    pre_i, pre_f, pre_c, pre_o = np.split(pre, 4, axis=-1)
    i = sigmoid(pre_i + peephole[0] * c_prev)
    f = sigmoid(pre_f + peephole[1] * c_prev)
    z = np.tanh(pre_c)
    c = f * c_prev + i * z
    o = sigmoid(pre_o + peephole[2] * c)
    h = o * c
    ### END MISTAKE
    return h, c, (i, f, z, o)


# %% tags=["check"]
def _guard(what, call, *args, **kwargs):
    """Run the student's code; a crash or a None becomes a message saying what was expected."""
    try:
        result = call(*args, **kwargs)
    except Exception as error:
        if isinstance(error, NotImplementedError) and not str(error):  # the exercise's stub
            raise AssertionError(f"{what}: replace `raise NotImplementedError()` with your answer") from None
        raise AssertionError(f"{what} failed with {type(error).__name__}: {error}") from None
    assert result is not None, f"{what} returned None: is the `return` missing?"
    return result


# 1) All weights zero: every gate is sigmoid(0) = 0.5 and the candidate tanh(0) = 0.
_c0 = np.array([[0.8, -2.0]])
_h, _c, _ = _guard("lstm_step(...)", lstm_step, np.ones((1, 3)), np.ones((1, 2)), _c0, np.zeros((3, 8)),
                   np.zeros((2, 8)), np.zeros(8), np.zeros((3, 2)))
assert np.allclose(_c, 0.5 * _c0), f"with zero weights c should be 0.5 * c_prev = {0.5 * _c0}, got {_c}"
assert np.allclose(_h, 0.5 * np.tanh(0.5 * _c0)), f"with zero weights h should be {0.5 * np.tanh(0.5 * _c0)}, got {_h}"
# 2) A small case with every weight in use, peepholes included (values worked out by hand).
_args = (np.array([[0.5]]), np.array([[0.1, -0.2]]), np.array([[0.3, -0.6]]),
         np.array([[0.2, -0.1, 0.4, 0.3, -0.5, 0.6, 0.7, -0.2]]),
         np.array([[0.1, 0.0, -0.3, 0.2, 0.5, -0.4, 0.0, 0.3],
                   [0.2, -0.1, 0.0, 0.4, -0.2, 0.1, 0.3, 0.0]]),
         np.array([0.0, 0.1, 1.0, 1.0, -0.1, 0.2, 0.0, -0.3]),
         np.array([[0.5, -0.5], [0.3, 0.2], [-0.4, 0.8]]))
_h, _c, _ = _guard("lstm_step(...)", lstm_step, *_args)
_want_h, _want_c = np.array([[0.051993, -0.070049]]), np.array([[0.09263, -0.190418]])
assert np.allclose(_c, _want_c, atol=1e-5), (
    f"expected c = {_want_c}, got {_c}: check the gate order (i, f, c, o) and the peepholes of i and f")
assert np.allclose(_h, _want_h, atol=1e-5), (
    f"expected h = {_want_h}, got {_h}: c is right, so look at the output gate; it peeks at the new c")
print("lstm_step matches the equations.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Run a whole sequence, and compare with Keras
#
# `numpy_lstm` applies `lstm_step` at every time step. We then build a
# `keras.layers.LSTM`, give it random weights, copy them into our NumPy version with
# zero peepholes, and compare the outputs over a whole sequence. (The comparison runs on
# the CPU, because some GPUs round float32 matrix products to about 3 decimals.)

# %%
def numpy_lstm(xs, kernel, recurrent_kernel, bias, peephole):
    """Run lstm_step over xs of shape (batch, time, input_dim); return h, c and gates per step."""
    batch, steps, _ = xs.shape
    n_units = recurrent_kernel.shape[0]
    h, c = np.zeros((batch, n_units)), np.zeros((batch, n_units))
    hs, cs, gates = [], [], []
    for t in range(steps):
        h, c, g = lstm_step(xs[:, t], h, c, kernel, recurrent_kernel, bias, peephole)
        hs.append(h)
        cs.append(c)
        gates.append(g)
    gates = tuple(np.stack(g, axis=1) for g in zip(*gates))  # i, f, z, o: (batch, time, units)
    return np.stack(hs, axis=1), np.stack(cs, axis=1), gates


xs_test = rng.normal(size=(4, 25, 3)).astype("float32")
with keras.device("cpu"):
    reference = keras.layers.LSTM(8, return_sequences=True)
    reference.build((None, 25, 3))
    w_kernel, w_recurrent, w_bias = reference.get_weights()
    w_bias = rng.normal(0, 0.5, size=w_bias.shape).astype("float32")  # exercise every bias
    reference.set_weights([w_kernel, w_recurrent, w_bias])
    keras_out = keras.ops.convert_to_numpy(reference(xs_test))
numpy_out, _, _ = numpy_lstm(xs_test, w_kernel, w_recurrent, w_bias, np.zeros((3, 8)))
max_abs_diff = float(np.max(np.abs(numpy_out - keras_out)))
print(f"largest difference between NumPy and keras.layers.LSTM over 25 steps: {max_abs_diff:.2e}")

# %% tags=["check"]
assert max_abs_diff <= 1e-5, (
    f"NumPy and Keras should agree to 1e-5, but differ by up to {max_abs_diff:.2e}; "
    "with zero peepholes your step must be exactly Keras' LSTM")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercise 2: a peephole LSTM cell for Keras
#
# Keras 3 has no peephole LSTM, so we write one. A recurrent **cell** is a layer that
# computes one time step; `keras.layers.RNN(cell)` runs it over a sequence. Our cell
# keeps two states, `[h, c]`, and outputs `h`.
#
# `build` creates the weights (done for you, laid out like Keras' LSTM plus a `peephole`
# array that starts at zero). Write `call`: the same equations as in NumPy, but with
# `keras.ops` (`ops.matmul`, `ops.split`, `ops.sigmoid`, `ops.tanh`, `*`, `+`), so
# that the cell runs on every backend and can be trained.

# %%
class PeepholeLSTMCell(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = [units, units]  # h and c
        self.output_size = units

    def build(self, input_shape):
        u = self.units
        self.kernel = self.add_weight(shape=(input_shape[-1], 4 * u), name="kernel",
                                      initializer="glorot_uniform")
        self.recurrent_kernel = self.add_weight(shape=(u, 4 * u), name="recurrent_kernel",
                                                initializer="orthogonal")
        forget_bias_one = keras.initializers.Constant([0.0] * u + [1.0] * u + [0.0] * (2 * u))
        self.bias = self.add_weight(shape=(4 * u,), name="bias", initializer=forget_bias_one)
        self.peephole = self.add_weight(shape=(3, u), name="peephole", initializer="zeros")

    def call(self, inputs, states):
        h_prev, c_prev = states
        ### BEGIN SOLUTION
        pre = (ops.matmul(inputs, self.kernel) + ops.matmul(h_prev, self.recurrent_kernel)
               + self.bias)
        pre_i, pre_f, pre_c, pre_o = ops.split(pre, 4, axis=-1)
        i = ops.sigmoid(pre_i + self.peephole[0] * c_prev)
        f = ops.sigmoid(pre_f + self.peephole[1] * c_prev)
        c = f * c_prev + i * ops.tanh(pre_c)
        o = ops.sigmoid(pre_o + self.peephole[2] * c)
        h = o * ops.tanh(c)
        ### END SOLUTION
        ### BEGIN ALTERNATIVE
        # gate by gate: split the weights rather than the pre-activations
        pre_i, pre_f, pre_c, pre_o = [
            ops.matmul(inputs, w) + ops.matmul(h_prev, r) + b
            for w, r, b in zip(ops.split(self.kernel, 4, axis=-1),
                               ops.split(self.recurrent_kernel, 4, axis=-1),
                               ops.split(self.bias, 4, axis=-1))]
        i = ops.sigmoid(pre_i + self.peephole[0] * c_prev)
        f = ops.sigmoid(pre_f + self.peephole[1] * c_prev)
        c = f * c_prev + i * ops.tanh(pre_c)
        h = ops.sigmoid(pre_o + self.peephole[2] * c) * ops.tanh(c)
        ### END ALTERNATIVE
        ### BEGIN ALTERNATIVE
        pre = ops.add(ops.dot(inputs, self.kernel), ops.dot(h_prev, self.recurrent_kernel))
        pre_i, pre_f, pre_c, pre_o = ops.split(pre + self.bias, 4, axis=-1)
        w_ci, w_cf, w_co = ops.unstack(ops.convert_to_tensor(self.peephole), axis=0)
        i = keras.activations.sigmoid(pre_i + w_ci * c_prev)
        f = keras.activations.sigmoid(pre_f + w_cf * c_prev)
        c = f * c_prev + i * keras.activations.tanh(pre_c)
        h = keras.activations.sigmoid(pre_o + w_co * c) * keras.activations.tanh(c)
        ### END ALTERNATIVE
        ### BEGIN MISTAKE: NumPy inside call, which fit cannot run
        pre = (ops.matmul(inputs, self.kernel) + ops.matmul(h_prev, self.recurrent_kernel)
               + self.bias)
        pre_i, pre_f, pre_c, pre_o = np.split(pre, 4, axis=-1)
        i = ops.sigmoid(pre_i + self.peephole[0] * c_prev)
        f = ops.sigmoid(pre_f + self.peephole[1] * c_prev)
        c = f * c_prev + i * np.tanh(pre_c)
        o = ops.sigmoid(pre_o + self.peephole[2] * c)
        h = o * np.tanh(c)
        ### END MISTAKE
        ### BEGIN MISTAKE: no peepholes
        pre = (ops.matmul(inputs, self.kernel) + ops.matmul(h_prev, self.recurrent_kernel)
               + self.bias)
        pre_i, pre_f, pre_c, pre_o = ops.split(pre, 4, axis=-1)
        c = ops.sigmoid(pre_f) * c_prev + ops.sigmoid(pre_i) * ops.tanh(pre_c)
        h = ops.sigmoid(pre_o) * ops.tanh(c)
        ### END MISTAKE
        ### BEGIN MISTAKE: the output gate peeks at the old cell state
        pre = (ops.matmul(inputs, self.kernel) + ops.matmul(h_prev, self.recurrent_kernel)
               + self.bias)
        pre_i, pre_f, pre_c, pre_o = ops.split(pre, 4, axis=-1)
        i = ops.sigmoid(pre_i + self.peephole[0] * c_prev)
        f = ops.sigmoid(pre_f + self.peephole[1] * c_prev)
        c = f * c_prev + i * ops.tanh(pre_c)
        h = ops.sigmoid(pre_o + self.peephole[2] * c_prev) * ops.tanh(c)
        ### END MISTAKE
        return h, [h, c]


# %% tags=["check"]
with keras.device("cpu"):
    _layer = keras.layers.RNN(PeepholeLSTMCell(8), return_sequences=True)
    _layer.build((None, 25, 3))
    _weights = [rng.normal(0, 0.5, size=w.shape).astype("float32") for w in _layer.get_weights()]
    _layer.set_weights(_weights)  # kernel, recurrent_kernel, bias, peephole (all non-zero)
    _got = keras.ops.convert_to_numpy(_guard("calling the RNN layer with your cell", _layer, xs_test))
_want, _, _ = numpy_lstm(xs_test, *_weights)
_diff = float(np.max(np.abs(_got - _want)))
assert _got.shape == _want.shape, f"expected outputs of shape {_want.shape}, got {_got.shape}"
assert _diff <= 1e-5, f"your cell and your NumPy step should agree to 1e-5, but differ by up to {_diff:.2e}"
# fit runs the cell on traced tensors (a compiled graph, jax.jit, or tensors that track
# gradients), where NumPy cannot go: one training step shows it here, not in the training
with keras.device("cpu"):
    _trained = keras.Sequential([keras.Input((25, 3)), keras.layers.RNN(PeepholeLSTMCell(8), return_sequences=True)])
    _trained.set_weights(_weights)
    _trained.compile(optimizer="sgd", loss="mse")
    _guard("one training step with your cell, as fit runs it (inside `call` use keras.ops, "
           "not NumPy: NumPy cannot handle the traced tensors of a training step)",
           _trained.train_on_batch, xs_test, np.zeros((4, 25, 8), "float32"))
print(f"PeepholeLSTMCell agrees with the NumPy equations (difference {_diff:.1e}).")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A task where timing matters
#
# Each input sequence is silent except for a single **spike** at a random time $t_0$.
# The network must answer with a spike exactly `delay` steps later, at $t_0 + $ `delay`,
# and stay silent everywhere else:
#
# ```
# input   ....1.....................
# target  ..............1...........   (delay = 10)
# ```
#
# Nothing in the input marks the moment to fire: the network has to **count** the steps
# in its own state. We call a sequence right only if the output is above 0.5 at that
# one step and below 0.5 at every other step.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 3: make the data
#
# `make_timing_data(n, seq_len, delay, rng)` returns `x` and `y`, two `float32` arrays of
# shape `(n, seq_len, 1)`, all zeros except: for each sequence, draw
# `t0 = rng.integers(0, seq_len - delay)`; set `x[k, t0, 0] = 1` and
# `y[k, t0 + delay, 0] = 1`.

# %%
def make_timing_data(n, seq_len, delay, rng):
    x = np.zeros((n, seq_len, 1), dtype="float32")
    y = np.zeros((n, seq_len, 1), dtype="float32")
    ### BEGIN SOLUTION
    t0 = rng.integers(0, seq_len - delay, size=n)
    x[np.arange(n), t0, 0] = 1.0
    y[np.arange(n), t0 + delay, 0] = 1.0
    ### END SOLUTION
    ### BEGIN ALTERNATIVE
    for k in range(n):
        t0 = int(rng.integers(0, seq_len - delay))
        x[k, t0, 0] = 1.0
        y[k, t0 + delay, 0] = 1.0
    ### END ALTERNATIVE
    ### BEGIN ALTERNATIVE
    t0 = rng.integers(seq_len - delay, size=(n, 1))
    np.put_along_axis(x[..., 0], t0, 1.0, axis=1)
    np.put_along_axis(y[..., 0], t0 + delay, 1.0, axis=1)
    ### END ALTERNATIVE
    ### BEGIN MISTAKE: the last start is never drawn (off by one)
    t0 = rng.integers(0, seq_len - delay - 1, size=n)
    x[np.arange(n), t0, 0] = 1.0
    y[np.arange(n), t0 + delay, 0] = 1.0
    ### END MISTAKE
    ### BEGIN MISTAKE: the target one step early
    t0 = rng.integers(0, seq_len - delay, size=n)
    x[np.arange(n), t0, 0] = 1.0
    y[np.arange(n), t0 + delay - 1, 0] = 1.0
    ### END MISTAKE
    ### BEGIN MISTAKE: one start for the whole batch
    t0 = rng.integers(0, seq_len - delay)
    x[:, t0, 0] = 1.0
    y[:, t0 + delay, 0] = 1.0
    ### END MISTAKE
    ### BEGIN MISTAKE: starts drawn past the end (off by one)
    t0 = rng.integers(0, seq_len - delay + 1, size=n)
    x[np.arange(n), t0, 0] = 1.0
    y[np.arange(n), t0 + delay, 0] = 1.0
    ### END MISTAKE
    return x, y


# %% tags=["check"]
_x, _y = _guard("make_timing_data(200, 12, 5, rng)", make_timing_data, 200, 12, 5, np.random.default_rng(0))
assert _x.shape == _y.shape == (200, 12, 1), f"expected shapes (200, 12, 1), got {_x.shape} and {_y.shape}"
assert np.all(_x.sum(axis=(1, 2)) == 1) and np.all(_y.sum(axis=(1, 2)) == 1), \
    "every input and every target sequence should hold exactly one 1"
_t_in, _t_out = _x[..., 0].argmax(axis=1), _y[..., 0].argmax(axis=1)
assert np.all(_t_out - _t_in == 5), f"targets should come 5 steps after the input spike, got gaps {sorted(set(_t_out - _t_in))}"
assert len(set(_t_in)) == 7, f"spikes should fall on all 7 possible steps 0..6, got {sorted(set(_t_in))}"
print("make_timing_data works.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 4: exact timing accuracy
#
# `timing_accuracy(y_true, y_pred)` returns, as a Python `float`, the fraction of
# sequences where `y_pred > 0.5` exactly where `y_true` is 1, and nowhere else.

# %%
def timing_accuracy(y_true, y_pred):
    ### BEGIN SOLUTION
    fired = np.asarray(y_pred)[..., 0] > 0.5
    return float(np.mean(np.all(fired == (np.asarray(y_true)[..., 0] > 0.5), axis=1)))
    ### END SOLUTION
    ### BEGIN ALTERNATIVE
    right = 0
    for truth, guess in zip(y_true, y_pred):
        right += all((g > 0.5) == (t > 0.5) for t, g in zip(truth[:, 0], guess[:, 0]))
    return right / len(y_true)
    ### END ALTERNATIVE
    ### BEGIN ALTERNATIVE
    return float(np.mean([np.array_equal(g[:, 0] > 0.5, t[:, 0] == 1) for t, g in zip(y_true, y_pred)]))
    ### END ALTERNATIVE
    ### BEGIN MISTAKE: looks only at the target step, not at extra spikes
    steps = np.argmax(np.asarray(y_true)[..., 0], axis=1)
    return float(np.mean(np.asarray(y_pred)[np.arange(len(steps)), steps, 0] > 0.5))
    ### END MISTAKE
    ### BEGIN MISTAKE: accuracy per step, not per sequence
    fired = np.asarray(y_pred)[..., 0] > 0.5
    return float(np.mean(fired == (np.asarray(y_true)[..., 0] > 0.5)))
    ### END MISTAKE
    ### BEGIN MISTAKE: compares the argmax of each sequence
    return float(np.mean(np.argmax(y_pred, axis=1) == np.argmax(y_true, axis=1)))
    ### END MISTAKE


# %% tags=["check"]
_true = np.zeros((4, 6, 1)); _true[:, 3] = 1
_pred = np.full((4, 6, 1), 0.1)
_pred[0, 3] = 0.9                 # right
_pred[1, 3], _pred[1, 4] = 0.9, 0.6  # fires twice
_pred[2, 2] = 0.9                 # one step too early
_pred[3, 3] = 0.7                 # right
_got = _guard("timing_accuracy(y_true, y_pred)", timing_accuracy, _true, _pred)
assert isinstance(_got, float), f"timing_accuracy should return a Python float, got {type(_got).__name__}"
assert abs(_got - 0.5) < 1e-9, f"2 of the 4 sequences fire exactly on time, so expected 0.5, got {_got}"
print("timing_accuracy works.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Training: peephole cell vs Keras' LSTM
#
# Same data, same size, same optimiser, same number of steps; only the cell differs.
# Each model is an RNN returning a sequence, followed by a `Dense(1, sigmoid)` that says,
# at every step, "fire" or "don't". After each epoch we score both on held-out sequences.
#
# The learning rate follows a cosine from `learning_rate` down to zero: without the
# decay, Adam's steps can stay large once the loss is tiny, and a model that had solved
# the task sometimes forgets it again in the last epochs.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Predict, then run
#
# Before you run the training, write down your guesses:
#
# - Which cell will reach 95% first: your peephole cell, or Keras' plain LSTM?
# - Which will take longer per epoch, and why?

# %%
x_train, y_train = make_timing_data(n_train, seq_len, delay, rng)
x_val, y_val = make_timing_data(n_val, seq_len, delay, rng)


def timing_model(rnn_layer):
    return keras.Sequential([keras.Input((seq_len, 1)), rnn_layer,
                             keras.layers.Dense(1, activation="sigmoid")])


class TrackAccuracy(keras.callbacks.Callback):
    def __init__(self, x_held, y_held):
        super().__init__()
        self.x_held, self.y_held = x_held, y_held
        self.accuracy = []

    def on_epoch_end(self, epoch, logs=None):
        predictions = self.model.predict(self.x_held, batch_size=len(self.x_held), verbose=0)
        self.accuracy.append(timing_accuracy(self.y_held, predictions))


def train_timing(name, make_layer, data, held_out):
    """Train a timing model around a fresh `make_layer()`; print and return its curve."""
    keras.utils.set_random_seed(seed)
    model = timing_model(make_layer())
    total_steps = epochs * int(np.ceil(len(data[0]) / batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=total_steps)
    model.compile(optimizer=keras.optimizers.Adam(schedule, clipnorm=1.0),
                  loss="binary_crossentropy")
    track = TrackAccuracy(*held_out)
    start = time.perf_counter()
    model.fit(*data, batch_size=batch_size, epochs=epochs, verbose=0, callbacks=[track])
    seconds = time.perf_counter() - start
    first = next((e + 1 for e, a in enumerate(track.accuracy) if a >= 0.95), None)
    print(f"{name:>10}: held-out exact timing {track.accuracy[-1]:.3f}, first >= 0.95 at epoch "
          f"{first}, {seconds:.1f} s")
    return {"model": model, "curve": track.accuracy, "seconds": seconds}


results = {}
for name, layer in [("peephole", lambda: keras.layers.RNN(PeepholeLSTMCell(units), return_sequences=True)),
                    ("plain LSTM", lambda: keras.layers.LSTM(units, return_sequences=True))]:
    results[name] = train_timing(name, layer, (x_train, y_train), (x_val, y_val))

peephole_accuracy = results["peephole"]["curve"][-1]
plain_accuracy = results["plain LSTM"]["curve"][-1]

# %% slideshow={"slide_type": "subslide"}
import matplotlib.pyplot as plt

plt.figure(figsize=(6, 3.5))
for name, result in results.items():
    plt.plot(np.arange(1, epochs + 1), result["curve"], marker=".", label=name)
plt.gca().xaxis.set_major_locator(plt.MaxNLocator(integer=True))
plt.xlabel("epoch")
plt.ylabel("held-out exact timing accuracy")
plt.ylim(-0.02, 1.02)
plt.legend()
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# **What to expect.** Both cells usually solve this task within the epochs we give
# them. Which one reaches 95% first varies with the seed and the backend: in the runs
# made while this lesson was written, each cell was first on some backend, and they also
# tied; the lines printed above are this run's result, so one run proves nothing either
# way.

# %% [markdown]
# On TensorFlow and JAX the peephole cell was the slower one: on a CPU both cells
# run through the same step-by-step loop, and the peephole cell does three more
# multiplications at every step; on PyTorch it went the other way. (On a GPU the gap
# grows: Keras' built-in LSTM then runs cuDNN's fused kernel, which a cell written in
# `keras.ops` cannot use.) Greff et al. (2017) found at scale that peepholes do
# not buy a significant gain. The cell is here to understand the LSTM, not to beat it.

# %% [markdown] slideshow={"slide_type": "notes"}
# Speaker notes: both cells usually solve this task in the end (the verified smoke
# run: peephole {{ smoke.peephole_accuracy:.3f }}, plain {{ smoke.plain_accuracy:.3f }}).
# Do not promise that the peephole cell wins: it was not reliably first in the verified
# runs, and Greff et al. (2017) found no significant benefit. What matters is that a
# cell written from six equations learns at all. Results vary with the seed and the
# backend (the verified TensorFlow, JAX and PyTorch runs did not agree on which cell
# was first): run it twice with different seeds, and say so to the students.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Why not a plain RNN?
#
# The same task with a longer wait: the answer `long_delay` = 20 steps after the spike.
# A plain `SimpleRNN` and Keras' LSTM, the same size, data and training. The plain RNN
# must carry its count through 20 multiplications by $U$; the LSTM carries it along its
# cell state (the slide on one line of calculus). Which of the two will learn it?

# %% slideshow={"slide_type": "subslide"}
if compare_rnn:
    long_data = make_timing_data(n_train, seq_len, long_delay, rng)
    long_held_out = make_timing_data(n_val, seq_len, long_delay, rng)
    long_results = {
        name: train_timing(name, layer, long_data, long_held_out)
        for name, layer in [("plain RNN", lambda: keras.layers.SimpleRNN(units, return_sequences=True)),
                            ("LSTM", lambda: keras.layers.LSTM(units, return_sequences=True))]}
    plt.figure(figsize=(6, 3.5))
    for name, result in long_results.items():
        plt.plot(np.arange(1, epochs + 1), result["curve"], marker=".", label=name)
    plt.gca().xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    plt.xlabel("epoch")
    plt.ylabel("held-out exact timing accuracy")
    plt.ylim(-0.02, 1.02)
    plt.title(f"Firing {long_delay} steps after the spike")
    plt.legend()
    plt.tight_layout()
    plt.show()

# %% [markdown] slideshow={"slide_type": "skip"}
# In the build's verified smoke run the plain RNN reached
# {{ smoke.rnn_long_accuracy:.0% }} exact timing at this delay, the LSTM
# {{ smoke.lstm_long_accuracy:.0% }}. The LSTM does not always succeed this fast: with
# another seed it may need more epochs, and the plain RNN, given a shorter delay, learns
# too (try `long_delay = 10`). The gap grows with the distance the signal must travel.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Looking inside the trained peephole cell
#
# Our NumPy `lstm_step` returns the gates, so we can copy the trained weights out of the
# Keras cell and replay one held-out sequence step by step. The dashed line marks the
# input spike, the dotted line the moment the network should fire.

# %%
cell_weights = [np.asarray(w, dtype="float64") for w in results["peephole"]["model"].layers[0].cell.get_weights()]
example = x_val[:1].astype("float64")
hs, cs, (gi, gf, gz, go) = numpy_lstm(example, *cell_weights)
dense_w, dense_b = results["peephole"]["model"].layers[1].get_weights()
fire = sigmoid(hs[0] @ dense_w + dense_b)[:, 0]
t_spike, t_target = int(x_val[0, :, 0].argmax()), int(y_val[0, :, 0].argmax())

fig, axes = plt.subplots(5, 1, figsize=(11, 6.2), sharex=True)
for ax, values, title in zip(axes, [cs[0], gi[0], gf[0], go[0]],
                             ["cell state c", "input gate i", "forget gate f", "output gate o"]):
    ax.plot(values, linewidth=1)
    ax.set_ylabel(title, rotation=0, ha="right", va="center")
axes[4].plot(fire, color="k")
axes[4].set_ylabel("output (fire?)", rotation=0, ha="right", va="center")
axes[4].set_xlabel("time step")
for ax in axes:
    ax.axvline(t_spike, color="gray", linestyle="--")
    ax.axvline(t_target, color="gray", linestyle=":")
fig.suptitle("One held-out sequence: every line is one of the cell's units")
fig.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "notes"}
# Speaker notes: look for units whose cell state ramps up or down steadily: those
# ramps are the network's clocks. Some start at the beginning of the sequence, some are
# reset by the spike. The gates that open or close around the target step are reading
# those clocks, directly through the peepholes. Every run finds its own solution, so the
# picture differs from seed to seed and backend to backend.

# %% tags=["metrics"]
from IPython.display import display
_metrics = {"max_abs_diff": float(max_abs_diff),
            "peephole_accuracy": float(peephole_accuracy),
            "plain_accuracy": float(plain_accuracy),
            "peephole_seconds": float(results["peephole"]["seconds"]),
            "plain_seconds": float(results["plain LSTM"]["seconds"])}
if compare_rnn:
    _metrics["rnn_long_accuracy"] = float(long_results["plain RNN"]["curve"][-1])
    _metrics["lstm_long_accuracy"] = float(long_results["LSTM"]["curve"][-1])
display({"application/json": _metrics}, raw=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - An LSTM is six lines of algebra: three gates between 0 and 1, a candidate, a cell
#   state updated by scaling and adding, and an output read through a gate.
# - `keras.layers.LSTM` stores the gates side by side in the order i, f, c, o, starts
#   the forget gate open (bias 1), and has no peepholes; with the peepholes at zero,
#   your NumPy step reproduces it to $10^{-5}$.
# - A custom cell is a layer with `state_size` and a `call(inputs, states)`; written with
#   `keras.ops`, it runs unchanged on TensorFlow, JAX and PyTorch.

# %% [markdown]
# - On a task that needs counting, the gates use the cell state as a clock; peepholes
#   give them a direct view of it, though at scale they bring no significant gain
#   (Greff et al., 2017), and our own runs disagree from backend to backend.
# - The cell state's gradient is scaled only by the forget gate from step to step:
#   that, not a bigger memory, is why an LSTM remembers longer than a plain RNN.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Going further
#
# - Repeat the comparison with five seeds (change `seed`) and plot the epochs each cell
#   needs to reach 95%.
# - Make the task harder: `delay = 20`, `seq_len = 40`, or add noise to the input.
# - Take the peepholes out: create the `peephole` weight with `trainable=False`, so it
#   stays at zero, and check that the cell now learns like the plain LSTM.
# - Write a GRU cell the same way, from its equations, and compare it with
#   `keras.layers.GRU`.
# - Compare speeds: Keras' own LSTM can use a fused GPU kernel (cuDNN); your cell cannot.
