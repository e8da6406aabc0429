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
#     title: The unreasonable effectiveness of recurrent networks
#     summary: An LSTM reads Tiny Shakespeare one character at a time, learns to predict the
#       next one, and then writes new "Shakespeare" at the temperature of your choice.
#     teaching: 35
#     exercises: 45
#     objectives:
#       - "Turn text into integers and cut it into training examples for next-character prediction."
#       - "Build a character-level language model (Embedding, LSTM, Dense)."
#       - "Measure it on held-out text, in nats and bits per character."
#       - "Make it write, and control how adventurous it is with a temperature."
#     keypoints:
#       - "A language model predicts the next token; at the character level the vocabulary is tiny and needs no tokenizer."
#       - "Training data is free: windows of text and the same windows shifted by one."
#       - "Report the loss on held-out text; nats divided by ln 2 give bits per character."
#       - "Sampling temperature trades safety (below 1) for surprise (above 1)."
#     accelerator: gpu
#     data:
#       tinyshakespeare.txt: data_path
#     profiles:
#       smoke:
#         parameters: {seq_length: 32, batch_size: 64, embedding_dim: 64, units: 320,
#           num_layers: 1, dropout: 0.0, epochs: 7, steps_per_epoch: 100,
#           learning_rate: 0.01, gen_length: 200}
#         backends:
#           jax: {targets: {val_loss_warm_nats: {max: 1.80}},
#             reason: "The same recipe varies more from seed to seed on JAX (over 3 seeds,
#               more than twice TensorFlow's spread), so JAX is held to the course's own bar
#               of 1.80 (the seeds are in docs/benchmarks.md)."}
#           torch: {targets: {val_loss_warm_nats: {max: 1.80}},
#             reason: "PyTorch trains the same 7 epochs (5 kept it to the minute, but one
#               seed in three then ended over the course's 1.80); its CPU LSTM is slower,
#               so this takes longer than the minute, and its seeds vary more, so it is held
#               to the course's own bar of 1.80 (the seeds are in docs/benchmarks.md)."}
#         targets:
#           # on the report half only (the last 5% of the text); the worst of 3 seeds
#           # plus their spread (1.72 held by 0.001); docs/benchmarks.md
#           val_loss_warm_nats: {max: 1.75}
#       full:
#         parameters: {seq_length: 100, batch_size: 128, embedding_dim: 64, units: 768,
#           num_layers: 2, dropout: 0.4, epochs: 15, steps_per_epoch: 100,
#           learning_rate: 0.002, gen_length: 500}
#         targets:
#           val_loss_warm_nats: {max: 1.45}
#           train_seconds: {max: 600}
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # The unreasonable effectiveness of recurrent networks
#
# ## Lesson 03
#
# By the end of this lesson you will be able to:
#
# - turn text into integers and cut it into training examples for **next-character
#   prediction**;
# - build a **character-level language model**: Embedding → LSTM → Dense;
# - measure it honestly, on held-out text, in **nats** and **bits per character**;
# - make it write, and control how adventurous it is with a **temperature**.
#
# The title is borrowed from Andrej Karpathy's 2015 blog post, which made this experiment
# famous.

# %% [markdown] slideshow={"slide_type": "notes"}
# Speaker notes: start by showing a generated sample from the end of the notebook (or
# from a previous run), then ask how the network could possibly know about character
# names, line breaks and iambic rhythm: nobody told it, it only ever predicted the next
# character. The whole lesson is about that one idea.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Parameters
#
# The defaults below are what you run on Colab with a GPU
# (*Runtime → Change runtime type → GPU*): the build's `full` run trained in
# {{ full.train_seconds:.0f }} s to {{ full.val_loss_warm_nats:.3f }} nats per character
# with warm context (slower GPUs take longer). On a laptop CPU, try
# `seq_length = 32`, `batch_size = 64`, `units = 320`, `num_layers = 1`,
# `dropout = 0.0`, `epochs = 7`, `learning_rate = 0.01` (the build's `smoke` run), for
# already recognisable Shakespeare-ish text: it trained in
# {{ smoke.train_seconds:.0f }} s on the build's CPU, to {{ smoke.val_loss_warm_nats:.3f }}
# nats (the target is 1.75). PyTorch is slower at this LSTM, so its smoke run trains 5
# epochs instead of 7; the verification page lists every backend's run. Your run prints
# its own time.
#
# An **epoch** here is not a pass over the text: it is `steps_per_epoch` batches of
# random windows. With the defaults that is 100 × 128 × 100 = 1.28 million characters,
# about 1.3 passes over the 1.0 million training characters, so 15 epochs read the play
# about 19 times; the smoke settings read 100 × 64 × 32 = 0.2 million characters per
# epoch, a fifth of a pass.

# %% tags=["parameters"] slideshow={"slide_type": "skip"}
data_path = None         # None: download Tiny Shakespeare with Keras; or a local copy
seq_length = 100         # characters per training example
batch_size = 128         # examples per gradient step
embedding_dim = 64       # size of the learned vector for each character
units = 768              # LSTM units per layer
num_layers = 2           # stacked LSTM layers
dropout = 0.4            # dropout rate after each LSTM layer
epochs = 15              # an epoch here is steps_per_epoch batches of random windows
steps_per_epoch = 100
learning_rate = 0.002    # peak learning rate (decays along a cosine)
gen_length = 500         # characters to generate at each temperature
seed = 42

# %% slideshow={"slide_type": "skip"}
import math
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
from keras import layers

print("Keras", keras.__version__, "on the", keras.backend.backend(), "backend")
keras.utils.set_random_seed(seed)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## One task: guess the next character
#
# Show the network some text and ask for the next character:
#
# | the network reads | it should answer |
# |---|---|
# | `To be, or not to b` | `e` |
# | `ROMEO:` + new line | probably a capital letter |
# | `thou art` | a space |
#
# To do this well it must learn spelling, punctuation, who speaks when, and a little
# grammar. **Then we can run it in a loop**: predict a character, append it, predict the
# next one... and it writes.

# %% slideshow={"slide_type": "skip"}
if data_path is None:
    data_path = keras.utils.get_file(
        "shakespeare.txt",
        "https://storage.googleapis.com/download.tensorflow.org/data/shakespeare.txt",
    )
with open(data_path, encoding="utf-8") as f:
    text = f.read()
print(f"{len(text):,} characters")
print(text[:250])

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Text as integers
#
# A network computes with numbers, so each distinct character gets an integer: its
# position in the sorted **vocabulary**.
#
# ```
# vocabulary:  '\n'  ' '  '!'  ...  'A'  'B'  ...  'a'  'b'  ...  'z'
# id:            0    1    2   ...   13   14  ...   39   40  ...   64
# "Hi" → [20, 47]
# ```
#
# Tiny Shakespeare has 65 distinct characters. Guessing uniformly among them costs
# $\ln 65 \approx 4.17$ nats per character: that is where an untrained model starts.

# %% [markdown] slideshow={"slide_type": "skip"}
# ### Exercise 1: vocabulary, encode, decode
#
# - `build_vocabulary(text)` returns the sorted list of distinct characters in `text`;
# - `encode(text, vocab)` returns a NumPy `int32` array with the id of each character;
# - `decode(ids, vocab)` turns ids back into a string.

# %% slideshow={"slide_type": "skip"}
def build_vocabulary(text):
    """Sorted list of the distinct characters of text."""
    ### BEGIN SOLUTION
    return sorted(set(text))
    ### END SOLUTION
    ### BEGIN ALTERNATIVE
    return sorted({char for char in text})
    ### END ALTERNATIVE
    ### BEGIN MISTAKE: the characters not sorted
    return list(set(text))
    ### END MISTAKE


def encode(text, vocab):
    """String -> int32 array of character ids."""
    ### BEGIN SOLUTION
    char_to_id = {char: i for i, char in enumerate(vocab)}
    return np.array([char_to_id[char] for char in text], dtype="int32")
    ### END SOLUTION
    ### BEGIN ALTERNATIVE
    return np.array([vocab.index(char) for char in text], dtype=np.int32)
    ### END ALTERNATIVE
    ### BEGIN MISTAKE: a list of ids, not an int32 array
    return [vocab.index(char) for char in text]
    ### END MISTAKE
    ### BEGIN MISTAKE: NumPy's default int64
    return np.array([vocab.index(char) for char in text])
    ### END MISTAKE


def decode(ids, vocab):
    """Sequence of character ids -> string."""
    ### BEGIN SOLUTION
    return "".join(vocab[int(i)] for i in ids)
    ### END SOLUTION
    ### BEGIN ALTERNATIVE
    return "".join(map(vocab.__getitem__, np.asarray(ids).tolist()))
    ### END ALTERNATIVE
    ### BEGIN MISTAKE: joins the ids instead of their characters
    return "".join(str(i) for i in ids)
    ### END MISTAKE


# %% tags=["check"] slideshow={"slide_type": "skip"}
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


def _walk(model):
    """Every layer inside ``model``, in order, at any depth (sub-models, wrappers)."""
    for layer in getattr(model, "layers", []):
        yield layer
        yield from _walk(layer)
        if isinstance(getattr(layer, "layer", None), layers.Layer):
            yield layer.layer


_vocab = _guard("build_vocabulary('hello world')", build_vocabulary, "hello world")
assert list(_vocab) == [" ", "d", "e", "h", "l", "o", "r", "w"], (
    f"expected the sorted distinct characters [' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w'], got {_vocab}")
_ids = _guard("encode('hello', vocab)", encode, "hello", _vocab)
assert isinstance(_ids, np.ndarray) and _ids.dtype == np.int32, (
    f"encode should return an int32 NumPy array, got {type(_ids).__name__} "
    f"{getattr(_ids, 'dtype', '')}")
assert _ids.tolist() == [3, 2, 4, 4, 5], f"encode('hello') should be [3, 2, 4, 4, 5], got {_ids.tolist()}"
_back = _guard("decode(ids, vocab)", decode, _ids, _vocab)
assert _back == "hello", f"decode(encode('hello')) should give 'hello', got {_back!r}"
print("Exercise 1 passed.")

# %% slideshow={"slide_type": "skip"}
vocab = build_vocabulary(text)
vocab_size = len(vocab)
ids = encode(text, vocab)
print(f"{vocab_size} distinct characters: {''.join(vocab)!r}")
print("first ids:", ids[:20])

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Training examples: windows shifted by one
#
# Cut a window of `seq_length` characters; the target is the same window moved one
# character to the right. One window gives a prediction exercise **at every position**:
#
# ```
# input   T  o  _  b  e  ,  _  o  r
# target  o  _  b  e  ,  _  o  r  _
# ```
#
# We keep the **last 10%** of the text out of training, in two halves: the first picks
# the best epoch, the second, used for nothing else, tells us how well the model
# predicts Shakespeare it has not read. Training windows start at random positions, so
# each epoch sees fresh cuts of the text.

# %% [markdown] slideshow={"slide_type": "skip"}
# ### Exercise 2: split and cut windows
#
# - `split_train_val(ids, val_fraction)` returns `(train, val)`: the first part and the
#   last `val_fraction` of the array (rounded down to whole characters in `val`);
# - `make_windows(ids, starts, seq_length)` returns `(inputs, targets)`, two `int32`
#   arrays of shape `(len(starts), seq_length)`: row `k` of `inputs` is
#   `ids[s : s + seq_length]` with `s = starts[k]`, and row `k` of `targets` is the same
#   window one character later. (Hint: `starts[:, None] + np.arange(seq_length)` gives
#   all the indices at once.)

# %% slideshow={"slide_type": "skip"}
def split_train_val(ids, val_fraction=0.1):
    """(first part, last val_fraction) of ids."""
    ### BEGIN SOLUTION
    n_val = int(len(ids) * val_fraction)
    return ids[: len(ids) - n_val], ids[len(ids) - n_val :]
    ### END SOLUTION
    ### BEGIN ALTERNATIVE
    train, val = np.split(ids, [len(ids) - int(len(ids) * val_fraction)])
    return train, val
    ### END ALTERNATIVE
    ### BEGIN MISTAKE: validation taken from the start
    n_val = int(len(ids) * val_fraction)
    return ids[n_val:], ids[:n_val]
    ### END MISTAKE


def make_windows(ids, starts, seq_length):
    """Input windows ids[s:s+L] and targets ids[s+1:s+L+1] for each start s."""
    ### BEGIN SOLUTION
    index = np.asarray(starts)[:, None] + np.arange(seq_length)
    return ids[index].astype("int32"), ids[index + 1].astype("int32")
    ### END SOLUTION
    ### BEGIN ALTERNATIVE
    inputs = np.stack([ids[s : s + seq_length] for s in starts]).astype(np.int32)
    targets = np.stack([ids[s + 1 : s + 1 + seq_length] for s in starts]).astype(np.int32)
    return inputs, targets
    ### END ALTERNATIVE
    ### BEGIN MISTAKE: targets not shifted by one
    index = np.asarray(starts)[:, None] + np.arange(seq_length)
    return ids[index].astype("int32"), ids[index].astype("int32")
    ### END MISTAKE
    ### BEGIN MISTAKE: windows one character short
    index = np.asarray(starts)[:, None] + np.arange(seq_length - 1)
    return ids[index].astype("int32"), ids[index + 1].astype("int32")
    ### END MISTAKE
    ### BEGIN MISTAKE: windows keep the input's int64
    index = np.asarray(starts)[:, None] + np.arange(seq_length)
    return ids[index], ids[index + 1]
    ### END MISTAKE


# %% tags=["check"] slideshow={"slide_type": "skip"}
_split = _guard("split_train_val(ids, 0.1)", split_train_val, np.arange(100), 0.1)
assert len(_split) == 2, f"split_train_val should return (train, val), got {len(_split)} parts"
_train, _val = _split
assert list(_val) == list(range(90, 100)) and list(_train) == list(range(90)), (
    f"for 100 characters expected train = ids[:90] and val = ids[90:], got "
    f"{len(_train)} and {len(_val)} characters (val starts at {_val[:1]})")
_v = build_vocabulary("To be, or not")
_x, _y = _guard("make_windows(ids, starts, 5)", make_windows, encode("To be, or not", _v), np.array([0, 3]), 5)
assert np.shape(_x) == (2, 5) and np.shape(_y) == (2, 5), (
    f"expected inputs and targets of shape (2, 5), got {np.shape(_x)} and {np.shape(_y)}")
_got = [(decode(a, _v), decode(b, _v)) for a, b in zip(_x, _y)]
assert _got == [("To be", "o be,"), ("be, o", "e, or")], (
    f"for starts [0, 3] and seq_length 5 expected (input, target) pairs "
    f"[('To be', 'o be,'), ('be, o', 'e, or')], got {_got}")
_x, _y = _guard("make_windows(np.arange(20), [1], 4)", make_windows, np.arange(20), np.array([1]), 4)
assert np.asarray(_x).dtype == np.int32 and np.asarray(_y).dtype == np.int32, (
    f"inputs and targets should be int32 arrays whatever the ids' dtype, got {np.asarray(_x).dtype} and {np.asarray(_y).dtype}")
print("Exercise 2 passed.")

# %% slideshow={"slide_type": "skip"}
train_ids, val_ids = split_train_val(ids, 0.1)
# The held-out 10% in two halves: the first chooses the checkpoint's epoch, the second
# only gives the reported loss, so the reported number had no say in any choice.
select_ids, report_ids = split_train_val(val_ids, 0.5)


def consecutive_windows(ids):
    """Non-overlapping windows covering ids, each scored at every position."""
    return make_windows(ids, np.arange(0, len(ids) - seq_length, seq_length), seq_length)


x_select, y_select = consecutive_windows(select_ids)
x_val, y_val = consecutive_windows(report_ids)
print(f"train on {len(train_ids):,} characters; choose the epoch on {len(select_ids):,}, "
      f"report on {len(report_ids):,} ({len(x_val)} windows of {seq_length})")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A network with memory
#
# A **recurrent** layer reads a sequence one step at a time and carries a state vector
# $h_t$ from step to step, a summary of everything read so far:
#
# $$h_t = f(x_t,\ h_{t-1})$$
#
# The **LSTM** is a recurrent layer whose state has a protected "cell" and gates that
# decide what to write, keep and output; it remembers over much longer stretches than a
# plain RNN. Hochreiter & Schmidhuber (1997) introduced the cell with input and output
# gates; the **forget gate**, which lets the cell let go of old content, came three years
# later (Gers, Schmidhuber & Cummins, *Learning to Forget*, 2000), and every LSTM in use
# today has it. Lesson 04 opens it up.
#
# With `return_sequences=True` it outputs $h_t$ at **every** step, so we get a
# prediction at every position of the window.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## The model
#
# ```
# ids (batch, L)                       integers 0..64
#  └─ Embedding(65, embedding_dim)     one learned vector per character
#  └─ LSTM(units, return_sequences)    × num_layers, with Dropout between them
#  └─ Dense(65)                        65 scores ("logits") per position
# ```
#
# The input shape is `(None,)`: any length works, which we use when generating.

# %% [markdown] slideshow={"slide_type": "skip"}
# ### Exercise 3: build the language model
#
# Write `build_model(vocab_size, embedding_dim, units, num_layers, dropout)`: an input of
# integer ids with shape `(None,)`, an `Embedding`, then `num_layers` times an
# `LSTM(units, return_sequences=True)` each followed by `Dropout(dropout)`, and a final
# `Dense(vocab_size)` with no activation.

# %% slideshow={"slide_type": "skip"}
def build_model(vocab_size, embedding_dim=64, units=256, num_layers=1, dropout=0.0):
    """Embedding -> LSTM(s) returning sequences -> Dense logits over the vocabulary."""
    inputs = keras.Input(shape=(None,), dtype="int32")
    ### BEGIN SOLUTION
    x = layers.Embedding(vocab_size, embedding_dim)(inputs)
    for _ in range(num_layers):
        x = layers.LSTM(units, return_sequences=True)(x)
        x = layers.Dropout(dropout)(x)
    outputs = layers.Dense(vocab_size)(x)
    ### END SOLUTION
    ### BEGIN ALTERNATIVE
    x = layers.Embedding(input_dim=vocab_size, output_dim=embedding_dim)(inputs)
    stack = []
    for _ in range(num_layers):
        stack += [layers.LSTM(units, return_sequences=True), layers.Dropout(dropout)]
    outputs = layers.Dense(vocab_size, activation=None)(keras.Sequential(stack)(x))
    ### END ALTERNATIVE
    ### BEGIN ALTERNATIVE
    x = layers.Embedding(vocab_size, embedding_dim)(inputs)
    for _ in range(num_layers):
        x = layers.RNN(layers.LSTMCell(units), return_sequences=True)(x)
        x = layers.Dropout(rate=dropout)(x)
    outputs = layers.Dense(vocab_size, activation="linear")(x)
    ### END ALTERNATIVE
    ### BEGIN MISTAKE: a softmax on the logits
    x = layers.Embedding(vocab_size, embedding_dim)(inputs)
    for _ in range(num_layers):
        x = layers.Dropout(dropout)(layers.LSTM(units, return_sequences=True)(x))
    outputs = layers.Dense(vocab_size, activation="softmax")(x)
    ### END MISTAKE
    ### BEGIN MISTAKE: the last LSTM returns only its final step
    x = layers.Embedding(vocab_size, embedding_dim)(inputs)
    for number in range(num_layers):
        x = layers.LSTM(units, return_sequences=number < num_layers - 1)(x)
        x = layers.Dropout(dropout)(x)
    outputs = layers.Dense(vocab_size)(x)
    ### END MISTAKE
    ### BEGIN MISTAKE: num_layers ignored
    x = layers.Embedding(vocab_size, embedding_dim)(inputs)
    x = layers.Dropout(dropout)(layers.LSTM(units, return_sequences=True)(x))
    outputs = layers.Dense(vocab_size)(x)
    ### END MISTAKE
    ### BEGIN MISTAKE: a GRU instead of an LSTM
    x = layers.Embedding(vocab_size, embedding_dim)(inputs)
    for _ in range(num_layers):
        x = layers.Dropout(dropout)(layers.GRU(units, return_sequences=True)(x))
    outputs = layers.Dense(vocab_size)(x)
    ### END MISTAKE
    ### BEGIN MISTAKE: the dropout argument ignored
    x = layers.Embedding(vocab_size, embedding_dim)(inputs)
    for _ in range(num_layers):
        x = layers.LSTM(units, return_sequences=True)(x)
    outputs = layers.Dense(vocab_size)(x)
    ### END MISTAKE
    return keras.Model(inputs, outputs, name="char_lstm")


# %% tags=["check"] slideshow={"slide_type": "skip"}
_m = _guard("build_model(11, 8, 16, 2, 0.1)", build_model, vocab_size=11, embedding_dim=8, units=16, num_layers=2, dropout=0.1)
_out = keras.ops.convert_to_numpy(_guard("calling the model", _m, np.zeros((3, 7), dtype="int32"), training=False))
assert _out.shape == (3, 7, 11), (
    f"for 3 windows of 7 ids and 11 characters expected logits of shape (3, 7, 11), "
    f"got {_out.shape}; does every LSTM return sequences?")
# an LSTM layer, or the same model written as RNN(LSTMCell(...)), at any depth
_lstms = [layer for layer in _walk(_m)
          if isinstance(layer, layers.RNN) and isinstance(layer.cell, layers.LSTMCell)]
assert len(_lstms) == 2, f"num_layers=2 should give 2 LSTM layers, got {len(_lstms)}"
assert all(layer.cell.units == 16 and layer.return_sequences for layer in _lstms), (
    "each LSTM should have `units` units and return_sequences=True")
_rates = [layer.rate for layer in _walk(_m) if isinstance(layer, layers.Dropout)]
assert len(_rates) == 2 and all(abs(rate - 0.1) < 1e-9 for rate in _rates), (
    f"each LSTM should be followed by Dropout(dropout): with dropout=0.1 expected rates [0.1, 0.1], got {_rates}")
assert sum(isinstance(layer, layers.Embedding) for layer in _walk(_m)) == 1, (
    "expected one Embedding layer at the input")
_last = list(_walk(_m))[-1]
assert isinstance(_last, layers.Dense) and _last.activation is keras.activations.linear, (
    "the last layer should be a Dense layer with no activation: it outputs logits")
print(f"Exercise 3 passed: {_m.count_params():,} parameters in the small test model.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Measuring it: nats and bits per character
#
# The model gives logits $z$; softmax makes them a probability $p(c)$ for each character
# $c$. The loss at one position is the **cross-entropy**, minus the log-probability of the
# character that actually came next:
#
# $$\mathcal{L} = -\ln p(c_{\text{next}}) \quad \text{(nats)} \qquad\qquad
#   \frac{\mathcal{L}}{\ln 2} = -\log_2 p(c_{\text{next}}) \quad \text{(bits)}$$
#
# - **bits per character** is how many bits a compressor driven by this model would need
#   per character: uniform guessing needs $\log_2 65 \approx 6.0$; gzip squeezes this very
#   text to about 3.1 bits per character, bzip2 to 2.4;
# - a loss of 1.5 nats ≈ 2.2 bits means the right character gets, on average, a
#   probability of about $e^{-1.5} \approx 0.22$ (a geometric mean).

# %% [markdown] slideshow={"slide_type": "skip"}
# ### Exercise 4: the loss by hand
#
# Write `cross_entropy(logits, targets)` with NumPy: `logits` has shape `(..., V)`,
# `targets` the matching integer ids `(...)`. Return `(nats, bits)`: the mean over all
# positions of $-\ln p(\text{target})$, and the same in bits. Subtract the maximum logit
# before `np.exp` so large logits do not overflow.

# %% slideshow={"slide_type": "skip"}
def cross_entropy(logits, targets):
    """Mean -log p(target) over all positions, as (nats, bits)."""
    logits = np.asarray(logits, dtype="float64")
    targets = np.asarray(targets)
    ### BEGIN SOLUTION
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    picked = np.take_along_axis(log_probs, targets[..., None], axis=-1)
    nats = float(-picked.mean())
    return nats, nats / math.log(2)
    ### END SOLUTION
    ### BEGIN ALTERNATIVE
    flat = logits.reshape(-1, logits.shape[-1])
    flat = flat - flat.max(axis=1, keepdims=True)
    log_norm = np.log(np.exp(flat).sum(axis=1))
    nats = float(np.mean(log_norm - flat[np.arange(len(flat)), targets.ravel()]))
    return nats, math.log2(math.e) * nats
    ### END ALTERNATIVE
    ### BEGIN ALTERNATIVE
    losses = keras.ops.sparse_categorical_crossentropy(targets, logits, from_logits=True)
    nats = float(np.mean(keras.ops.convert_to_numpy(losses)))
    return nats, nats / np.log(2)
    ### END ALTERNATIVE
    ### BEGIN MISTAKE: no maximum subtracted before np.exp
    log_probs = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
    nats = float(-np.take_along_axis(log_probs, targets[..., None], axis=-1).mean())
    return nats, nats / math.log(2)
    ### END MISTAKE
    ### BEGIN MISTAKE: multiplies by ln 2 to get bits
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    nats = float(-np.take_along_axis(log_probs, targets[..., None], axis=-1).mean())
    return nats, nats * math.log(2)
    ### END MISTAKE
    ### BEGIN MISTAKE: sums over positions instead of the mean
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    nats = float(-np.take_along_axis(log_probs, targets[..., None], axis=-1).sum())
    return nats, nats / math.log(2)
    ### END MISTAKE


# %% tags=["check"] slideshow={"slide_type": "skip"}
_nats, _bits = _guard("cross_entropy(logits, targets)", cross_entropy, np.zeros((2, 3, 65)), np.zeros((2, 3), dtype="int32"))
assert abs(_nats - math.log(65)) < 1e-6 and abs(_bits - math.log2(65)) < 1e-6, (
    f"uniform logits over 65 characters should cost ln 65 = {math.log(65):.4f} nats "
    f"= log2 65 = {math.log2(65):.4f} bits, got {_nats:.4f} nats, {_bits:.4f} bits")
_rng = np.random.default_rng(0)
_logits = _rng.normal(size=(4, 6, 9)).astype("float32") * 3
_targets = _rng.integers(0, 9, size=(4, 6))
_keras_loss = float(keras.ops.convert_to_numpy(
    keras.losses.SparseCategoricalCrossentropy(from_logits=True)(_targets, _logits)))
_nats, _bits = _guard("cross_entropy(logits, targets)", cross_entropy, _logits, _targets)
assert abs(_nats - _keras_loss) < 1e-4, (
    f"on random logits Keras' loss is {_keras_loss:.5f} nats, yours is {_nats:.5f}")
assert abs(_bits * math.log(2) - _nats) < 1e-9, "bits should be nats / ln 2"
with np.errstate(over="ignore", invalid="ignore"):
    _large = _guard("cross_entropy on large logits", cross_entropy, np.array([[1000.0, 0.0]]), np.array([1]))[0]
assert np.isfinite(_large), (
    "large logits overflowed: subtract the maximum logit before np.exp")
print(f"Exercise 4 passed: matches Keras ({_keras_loss:.4f} nats).")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Writing: sampling with a temperature
#
# To generate, we feed the text so far, take the logits $z$ for the next character, and
# **draw** a character at random from
#
# $$p_i = \frac{e^{z_i / T}}{\sum_j e^{z_j / T}}$$
#
# - $T = 1$: the model's own probabilities;
# - $T < 1$: sharper; the favourites win more often, safe but repetitive
#   ($T \to 0$ always picks the most likely character);
# - $T > 1$: flatter; more surprising, and soon nonsense.
#
# Always picking the most likely character tends to get stuck in loops: a little
# randomness makes the text livelier.

# %% [markdown] slideshow={"slide_type": "skip"}
# ### Exercise 5: softmax with a temperature
#
# Write `temperature_softmax(logits, temperature)`: divide the logits by the temperature
# and apply a numerically stable softmax over the last axis (NumPy). It must work for one
# vector of logits and for a batch `(B, V)` with `temperature` a number or an array of
# shape `(B, 1)`.

# %% slideshow={"slide_type": "skip"}
def temperature_softmax(logits, temperature):
    """softmax(logits / temperature) over the last axis."""
    scaled = np.asarray(logits, dtype="float64") / np.asarray(temperature, dtype="float64")
    ### BEGIN SOLUTION
    scaled = scaled - scaled.max(axis=-1, keepdims=True)
    weights = np.exp(scaled)
    return weights / weights.sum(axis=-1, keepdims=True)
    ### END SOLUTION
    ### BEGIN ALTERNATIVE
    weights = np.exp(scaled - np.max(scaled, axis=-1, keepdims=True))
    return weights / np.sum(weights, axis=-1, keepdims=True)
    ### END ALTERNATIVE
    ### BEGIN ALTERNATIVE
    return keras.ops.convert_to_numpy(keras.ops.softmax(scaled, axis=-1))
    ### END ALTERNATIVE
    ### BEGIN MISTAKE: one maximum for the whole batch
    weights = np.exp(scaled - scaled.max())
    return weights / weights.sum(axis=-1, keepdims=True)
    ### END MISTAKE
    ### BEGIN MISTAKE: normalised over the batch axis
    weights = np.exp(scaled - scaled.max(axis=-1, keepdims=True))
    return weights / weights.sum(axis=0, keepdims=True)
    ### END MISTAKE
    ### BEGIN MISTAKE: multiplies by the temperature
    scaled = np.asarray(logits, dtype="float64") * np.asarray(temperature, dtype="float64")
    weights = np.exp(scaled - scaled.max(axis=-1, keepdims=True))
    return weights / weights.sum(axis=-1, keepdims=True)
    ### END MISTAKE


# %% tags=["check"] slideshow={"slide_type": "skip"}
_z = np.array([2.0, 1.0, 0.0])
_p1 = np.asarray(_guard("temperature_softmax(z, 1.0)", temperature_softmax, _z, 1.0))
_expected = np.exp(_z) / np.exp(_z).sum()
assert _p1.shape == (3,) and np.allclose(_p1, _expected), (
    f"at T=1 expected the plain softmax {np.round(_expected, 4)}, got {np.round(_p1, 4)}")
_p_cold = np.asarray(temperature_softmax(_z, 0.5))
_p_hot = np.asarray(temperature_softmax(_z, 2.0))
assert np.allclose(_p_cold, np.exp(2 * _z) / np.exp(2 * _z).sum()), (
    f"at T=0.5 the logits should be doubled before the softmax; got {np.round(_p_cold, 4)}")
assert _p_cold[0] > _p1[0] > _p_hot[0], (
    "a lower temperature should make the favourite more likely, a higher one less")
with np.errstate(over="ignore", invalid="ignore"):
    _batch = np.asarray(_guard("temperature_softmax on a batch", temperature_softmax,
                               np.array([[1000.0, 0.0], [0.0, 0.0]]), np.array([[1.0], [0.5]])))
assert _batch.shape == (2, 2) and np.allclose(_batch.sum(axis=-1), 1.0), (
    f"for a batch each row should sum to 1, got {_batch}")
assert np.allclose(_batch, [[1.0, 0.0], [0.5, 0.5]]), (
    f"large logits must not overflow (subtract the maximum); got {_batch}")
print("Exercise 5 passed:", np.round(_p_cold, 3), np.round(_p1, 3), np.round(_p_hot, 3))

# %% [markdown] slideshow={"slide_type": "skip"}
# The generator below is written for you. It generates at several temperatures at once
# (one row of the batch per temperature), always feeding the model the last
# `seq_length` characters, the same length it trained on.

# %% slideshow={"slide_type": "skip"}
def generate(model, prompt, length, temperatures, context, seed=0):
    """Continue prompt by `length` characters, once per temperature."""
    rng = np.random.default_rng(seed)
    prompt_ids = encode("\n" * context + prompt, vocab)  # left-pad with new lines
    rows = np.tile(prompt_ids, (len(temperatures), 1))
    temps = np.asarray(temperatures, dtype="float64")[:, None]
    new_ids = []
    for _ in range(length):
        logits = keras.ops.convert_to_numpy(model.predict_on_batch(rows[:, -context:]))
        probs = temperature_softmax(logits[:, -1, :], temps)
        nxt = np.array([rng.choice(vocab_size, p=p) for p in probs], dtype="int32")
        new_ids.append(nxt)
        rows = np.concatenate([rows[:, 1:], nxt[:, None]], axis=1)
    new_ids = np.stack(new_ids, axis=1) if new_ids else np.zeros((len(temperatures), 0), "int32")
    return [prompt + decode(row, vocab) for row in new_ids]


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Training
#
# - Each step: a batch of `batch_size` random windows; the loss is the mean cross-entropy
#   over every position of every window.
# - **Adam** with a learning rate that decays along a cosine, and gradient clipping
#   (`clipnorm=1.0`): recurrent networks occasionally produce a huge gradient, and
#   clipping keeps one bad batch from undoing the progress. `clipnorm` clips the
#   gradient of each weight tensor on its own; `global_clipnorm` would scale them all
#   together, keeping the step's direction.

# %% [markdown]
# - After each epoch, the loss on a slice of the selection half is printed, and a few
#   times a short sample shows what the model writes so far (Karpathy's way of watching
#   it learn); at the end we measure the **report half**, which chose nothing.
# - We keep the weights of the epoch with the lowest loss on that slice and restore them
#   after training (a **best-validation checkpoint**): a safety net, should a big model
#   start memorising the play before its last epoch.

# %% [markdown] slideshow={"slide_type": "notes"}
# Speaker notes: while it trains, ask the audience to predict what the first samples
# will look like (answer: the right letter frequencies and spaces, then words, then names
# in capitals followed by colons). The validation loss starts at ln 65 = 4.17; below 2
# words appear, around 1.5 the layout of a play is right.

# %% [markdown] slideshow={"slide_type": "skip"}
# Why 15 epochs: in an earlier GPU run of 40 epochs (docs/benchmarks.md) the held-out
# loss was lowest about a third of the way in, then rose while the training loss kept
# falling. The model's 7.3 million weights (two layers of 768 units) had started to
# memorise the 1.0 million training characters. So the default stops at 15 epochs, where
# the cosine schedule also ends, and the checkpoint stays as a safety net.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Predict, then run
#
# Before you start the training, write down:
#
# - What will the first sample look like, after one epoch? And the last one?
# - Where will the held-out loss end? Uniform guessing costs 4.17 nats per character;
#   gzip packs this text into about 2.2 nats (3.1 bits) per character.

# %% slideshow={"slide_type": "skip"}
keras.utils.set_random_seed(seed)
model = build_model(vocab_size, embedding_dim=embedding_dim, units=units,
                    num_layers=num_layers, dropout=dropout)
total_steps = epochs * steps_per_epoch
schedule = keras.optimizers.schedules.CosineDecay(learning_rate, total_steps, alpha=0.1)
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=schedule, clipnorm=1.0),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
)
print(f"{model.count_params():,} parameters, {total_steps} steps of "
      f"{batch_size} windows x {seq_length} characters")

n_monitor = max(1, 25_600 // seq_length)   # about 25,000 characters of the selection half
monitor = (x_select[:n_monitor], y_select[:n_monitor])
rng = np.random.default_rng(seed)
curve = {"epoch": [], "loss": [], "val_loss": []}
sample_epochs = set(np.linspace(1, epochs, 4).round().astype(int).tolist())
sampling_seconds = 0.0   # time spent writing samples, not counted as training
best = {"val_loss": math.inf, "epoch": 0, "weights": None}
start = time.perf_counter()
for epoch in range(1, epochs + 1):
    starts = rng.integers(0, len(train_ids) - seq_length, size=steps_per_epoch * batch_size)
    x_batch, y_batch = make_windows(train_ids, starts, seq_length)
    logs = model.fit(x_batch, y_batch, batch_size=batch_size, epochs=1, shuffle=False,
                     validation_data=monitor, verbose=0).history
    curve["epoch"].append(epoch)
    curve["loss"].append(logs["loss"][-1])
    curve["val_loss"].append(logs["val_loss"][-1])
    if logs["val_loss"][-1] < best["val_loss"]:  # keep the best weights seen so far
        best.update(val_loss=logs["val_loss"][-1], epoch=epoch, weights=model.get_weights())
    if epoch == 1 or epoch % max(1, epochs // 10) == 0 or epoch == epochs:
        print(f"epoch {epoch:3d}  loss {logs['loss'][-1]:.3f}  "
              f"val_loss {logs['val_loss'][-1]:.3f}  "
              f"({time.perf_counter() - start - sampling_seconds:.0f} s)")
    if epoch in sample_epochs:
        sample_start = time.perf_counter()
        sample = generate(model, "\n", 120, [0.8], context=seq_length, seed=epoch)[0]
        print("    sample:", sample.strip().replace("\n", " / "))
        sampling_seconds += time.perf_counter() - sample_start
model.set_weights(best["weights"])
train_seconds = time.perf_counter() - start - sampling_seconds
print(f"kept the weights of epoch {best['epoch']} (validation slice {best['val_loss']:.3f})")

# %% slideshow={"slide_type": "subslide"}
plt.figure(figsize=(6, 3.5))
plt.plot(curve["epoch"], curve["loss"], marker="o", label="training")
plt.plot(curve["epoch"], curve["val_loss"], marker="o", label="validation (slice)")
plt.axhline(math.log(vocab_size), color="gray", linestyle=":", label="uniform guess")
plt.xlabel(f"epoch ({steps_per_epoch} steps each)")
plt.ylabel("cross-entropy (nats / character)")
plt.title("Learning to predict the next character")
plt.legend()
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The verdict on held-out text
#
# Two honest numbers, measuring different things:
#
# - **cold start** (`val_loss_cold_nats`): the held-out text cut into consecutive
#   windows, each read from a blank state, every position scored. The first characters
#   of a window have almost no context, so this reads worse.
# - **warm context** (`val_loss_warm_nats`): windows overlapping by half, only their
#   second half scored, so every character is predicted from at least `seq_length / 2`
#   characters before it, as when the model writes after a prompt. The lesson's
#   targets use this one.

# %% [markdown] slideshow={"slide_type": "slide"}
# Both are measured on the report half only. In the build's verified smoke run:
# {{ smoke.val_loss_cold_nats:.3f }} nats cold, {{ smoke.val_loss_warm_nats:.3f }} warm.
# With the default (`full`) parameters on a GPU: {{ full.val_loss_cold_nats:.3f }} cold,
# {{ full.val_loss_warm_nats:.3f }} warm, from the weights of epoch
# {{ full.best_epoch }}.

# %% slideshow={"slide_type": "subslide"}
val_logits = model.predict(x_val, batch_size=256, verbose=0)
val_loss_cold_nats, _ = cross_entropy(val_logits, y_val)
keras_nats = float(keras.ops.convert_to_numpy(
    keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y_val, val_logits)))

half = seq_length // 2
x_warm, y_warm = make_windows(report_ids, np.arange(0, len(report_ids) - seq_length, half),
                              seq_length)
warm_logits = model.predict(x_warm, batch_size=256, verbose=0)
val_loss_warm_nats, val_bits_per_char_warm = cross_entropy(warm_logits[:, half:],
                                                           y_warm[:, half:])
print(f"cold start:   {val_loss_cold_nats:.3f} nats per character "
      f"(Keras' loss function agrees: {keras_nats:.3f})")
print(f"warm context: {val_loss_warm_nats:.3f} nats = {val_bits_per_char_warm:.3f} bits "
      f"per character (uniform guessing: {math.log(vocab_size):.2f} nats)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Loss against position in the window
#
# The same cold-start windows, the loss averaged at each position: at position 1 the
# model knows one character; a few characters in, it knows the word it is in, and the
# curve flattens.

# %% slideshow={"slide_type": "subslide"}
position_loss = [cross_entropy(val_logits[:, t], y_val[:, t])[0] for t in range(seq_length)]
plt.figure(figsize=(6, 3.2))
plt.plot(np.arange(1, seq_length + 1), position_loss, marker=".", label="cold start, per position")
plt.axhline(val_loss_cold_nats, color="C0", linestyle=":", label="cold-start mean")
plt.axhline(val_loss_warm_nats, color="C1", linestyle="--", label="warm-context mean")
plt.xlabel("position in the window (characters read so far)")
plt.ylabel("nats / character")
plt.title("Context helps: loss by position")
plt.legend()
plt.tight_layout()
plt.show()
print(f"position 1: {position_loss[0]:.2f} nats; from position {half + 1} on: "
      f"{np.mean(position_loss[half:]):.2f} nats")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Let it write
#
# The same model, the same prompt, four temperatures.

# %% slideshow={"slide_type": "subslide"}
TEMPERATURES = [0.2, 0.6, 1.0, 1.4]
samples = generate(model, "ROMEO:\n", gen_length, TEMPERATURES, context=seq_length, seed=seed)
for temperature, sample in zip(TEMPERATURES, samples):
    print(f"===== temperature {temperature} =====")
    print(sample)
    print()

# %% [markdown] slideshow={"slide_type": "notes"}
# Speaker notes: at 0.2 the text is safe and repetitive (often the same few words over
# and over); at 1.4 it invents words. Somewhere around 0.6 to 0.8 it is most
# "Shakespearean". Point out what it learned without being told: speaker names in
# capitals followed by a colon, line breaks, punctuation, plausible English words.

# %% tags=["metrics"] slideshow={"slide_type": "skip"}
from IPython.display import display

display({"application/json": {"best_epoch": int(best["epoch"]),
                              "val_loss_cold_nats": float(val_loss_cold_nats),
                              "val_loss_warm_nats": float(val_loss_warm_nats),
                              "val_bits_per_char_warm": float(val_bits_per_char_warm),
                              "train_seconds": float(train_seconds)}}, raw=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - A **language model** predicts the next token; at the character level the vocabulary
#   is tiny (65 characters) and needs no tokenizer.
# - Training data is free: windows of text and the same windows shifted by one.
# - **Embedding → LSTM(return_sequences) → Dense** gives a prediction at every position.
# - Report the loss on **held-out** text, and say which: from a cold start or with warm
#   context; divide nats by $\ln 2$ for bits per character.
# - Sampling with a **temperature** trades safety ($T<1$) for surprise ($T>1$).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Going further
#
# - Train on something else: your own code base, a cookbook, song lyrics. Any text file
#   works unchanged.
# - Make generation fast: keep the LSTM state between steps (`return_state=True`) instead
#   of re-reading the last `seq_length` characters.
# - Compare with a GRU (`layers.GRU`), or with a small Transformer (nanoGPT reaches about
#   1.47 nats on the same last 10% of the text; it scores every position of 256-character windows, each
#   window on its own, so most of its positions have long context, nearer our warm
#   number than our cold one).

# %% [markdown]
# - Look inside: plot the activation of single LSTM units over a passage; some track
#   line length, quotes or brackets in War and Peace and Linux source code (Karpathy,
#   Johnson and Fei-Fei, *Visualizing and Understanding Recurrent Networks*, 2015). Is
#   there one here that knows whether you are inside a speaker's name? Look for it.
