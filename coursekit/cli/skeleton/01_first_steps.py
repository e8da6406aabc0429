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
#     title: Fitting a line
#     summary: Fit a straight line to noisy points with NumPy and measure how well it fits.
#     teaching: 15
#     exercises: 15
#     objectives:
#       - "Fit a straight line to noisy points with NumPy."
#     keypoints:
#       - "Least squares finds the slope and intercept that make the squared error smallest."
#     profiles:
#       smoke:
#         parameters: {n_points: 50}
#         targets:
#           mse: {max: 0.1}
#           slope: {min: 1.8, max: 2.2}
#       full:
#         parameters: {n_points: 5000}
#         targets:
#           mse: {max: 0.05}
#           slope: {min: 1.95, max: 2.05}
#       student:  # what a student runs: the parameters cell's defaults
#         parameters: {n_points: 200}
#         targets:
#           mse: {max: 0.1}
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # Fitting a line
#
# Welcome to *{{ course.title }}*. A sample lesson written by `coursekit init`: replace it
# with your own. Points scattered around the line $y = 2x + 1$; we look for the slope $a$
# and the intercept $b$ that make the mean squared error
#
# $$\mathrm{MSE} = \frac{1}{n} \sum_{i=1}^{n} \left(y_i - (a x_i + b)\right)^2$$
#
# as small as possible.

# %% [markdown] slideshow={"slide_type": "notes"}
# Speaker notes go in cells like this one: instructors see them, students never do.

# %% tags=["parameters"]
n_points = 200

# %%
import numpy as np

rng = np.random.default_rng(seed=0)
x = rng.uniform(-1, 1, n_points)
y = 2 * x + 1 + rng.normal(0, 0.1, n_points)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn
#
# Write `mean_squared_error`; the check below tells you when it is right.

# %%
def mean_squared_error(y_true, y_pred):
    ### BEGIN SOLUTION
    return float(np.mean((np.asarray(y_true) - np.asarray(y_pred)) ** 2))
    ### END SOLUTION

# %% tags=["check"]
assert mean_squared_error([1, 2], [1, 4]) == 2.0, "the MSE of [1, 2] and [1, 4] is 2.0"

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The fit
#
# `np.polyfit` finds the least-squares line in one call.

# %%
slope, intercept = np.polyfit(x, y, deg=1)
mse = mean_squared_error(y, slope * x + intercept)
print(f"y = {slope:.3f} x + {intercept:.3f}, MSE {mse:.4f}")

# %% tags=["metrics"]
from IPython.display import display

display({"application/json": {"mse": mse, "slope": float(slope)}}, raw=True)
