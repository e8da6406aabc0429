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
#     title: Every marker at once
#     summary: A lesson that uses each part of the format.
#     profiles:
#       smoke:
#         parameters: {epochs: 1}
#         targets:
#           score: {min: 0.5}
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # {{ course.title }}: every marker
#
# Your teachers:
#
# {{ instructors }}

# %% tags=["parameters"]
epochs = 3

# %%
import math


def circle_area(r):
    """Area of a circle of radius r."""
    ### BEGIN SOLUTION
    squared = r ** 2
    return math.pi * squared
    ### END SOLUTION


# %% tags=["check"]
assert abs(circle_area(1) - math.pi) < 1e-9, f"expected pi, got {circle_area(1)}"

# %%
doubled = [2 * k for k in range(epochs)]  # SOLUTION
if epochs > 1:
    halved = epochs / 2  # SOLUTION

# %% tags=["solution"]
def tangent_length(d, r):
    return math.sqrt(d * d - r * r)

# %% [markdown] slideshow={"slide_type": "fragment"}
# Why is the area quadratic in r?
#
# ### BEGIN SOLUTION
# Doubling r doubles both dimensions of the shape.
# ### END SOLUTION

# %% [markdown] tags=["solution"] slideshow={"slide_type": "notes"}
# Speaker note that only instructors may read.

# %% tags=["metrics"]
from IPython.display import display
display({"application/json": {"score": 1.0}}, raw=True)
