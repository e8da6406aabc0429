"""Metrics a solution notebook publishes, and the profile targets they must meet.

A lesson publishes its numbers from a cell tagged ``metrics`` that displays a dict as
``application/json`` (docs/lesson-format.md); nothing here runs code, it only reads outputs.
"""

from __future__ import annotations

import math
from numbers import Real

METRICS_TAG = "metrics"
MIME = "application/json"

# bound name -> (test that passes, word for the failure message)
_BOUNDS = {
    "min": (lambda value, bound: value >= bound, "below"),
    "max": (lambda value, bound: value <= bound, "above"),
}


def has_metrics_cell(nb: dict) -> bool:
    return any(METRICS_TAG in cell.get("metadata", {}).get("tags", []) for cell in nb["cells"])


def read_metrics(nb: dict) -> dict:
    """Every JSON dict displayed by a ``metrics`` cell, merged in notebook order."""
    found: dict = {}
    for cell in nb["cells"]:
        if METRICS_TAG not in cell.get("metadata", {}).get("tags", []):
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {}).get(MIME)
            if isinstance(data, dict):
                found.update(data)
    return found


def missed_targets(metrics: dict, targets: dict, profile: str) -> list[str]:
    """One sentence per target the metrics miss (empty when all are met)."""
    problems = []
    for name, bounds in targets.items():
        value = metrics.get(name)
        if name not in metrics:
            problems.append(f"metric '{name}' was not published; the {profile} profile "
                            f"targets it (published: {', '.join(sorted(metrics)) or 'none'})")
            continue
        if isinstance(value, bool) or not isinstance(value, Real) or math.isnan(value):
            problems.append(f"metric '{name}' is {value!r}, not a number")
            continue
        for bound, limit in bounds.items():
            passes, word = _BOUNDS[bound]
            if not passes(value, limit):
                problems.append(f"metric '{name}' = {value:.6g} is {word} the {profile} "
                                f"target {bound} {limit}")
    return problems


def target_problems(nb: dict, targets: dict, profile: str, where: str) -> list[str]:
    """What the executed notebook ``nb`` misses of ``targets``, each line prefixed with
    ``where`` (the lesson): for a fresh run and for a cache hit alike."""
    if targets and not has_metrics_cell(nb):
        # targets need metrics; a lesson with nothing to measure needs no metrics cell
        return [(f"{where}: the {profile} profile targets "
                 f"{', '.join(repr(name) for name in targets)} but the solution publishes no "
                 "metrics; add a cell tagged metrics that displays a dict as application/json "
                 "(docs/lesson-format.md)")]
    return [f"{where}: {problem}"
            for problem in missed_targets(read_metrics(nb), targets, profile)]
