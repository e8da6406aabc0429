"""``verify --seeds N``: one lesson under N seeds, its targets held by the worst of them.

The seeds are the lesson's own seed (its parameters cell's ``seed``, or the profile's) and
the N-1 after it: a lesson whose cell says ``seed = 42`` runs under 42, 43 and 44. The
first run is the run ``--seeds 1`` makes, with the same cache key and the same executed
notebook, so adding seeds re-runs nothing that was verified; each other seed is a run of
its own (``seed`` injected as a parameter), cached under its own key. Afterwards the runs
of one lesson are folded into one report entry (:func:`combine`): the first seed's
notebook and metrics, and under ``seeds`` every seed's metrics with, for each metric, the
worst seed, the mean and the spread. The entry passes only when every seed passed.
"""

from __future__ import annotations

import copy
import statistics
from numbers import Real

from ..errors import CourseError
from ..source.lesson import Lesson
from .report import RunRecord

SEED = "seed"  # the parameter a lesson seeds its random generators from
DEFAULT_SEEDS = 1
# the bound a target sets decides which end of the seeds' values is the worst
_WORST = {"min": min, "max": max}


def seed_list(lesson: Lesson, parameters: dict, count: int) -> list[int]:
    """The ``count`` seeds of ``lesson``, the first being the one it runs with now.

    ``parameters``: the run's (the profile's); a seed they set wins over the cell's."""
    if count == DEFAULT_SEEDS:
        return []  # one run, as without --seeds: nothing injected, nothing combined
    base = parameters.get(SEED, lesson.parameters.get(SEED))
    if isinstance(base, bool) or not isinstance(base, int):
        cell = next((c for c in lesson.cells if "parameters" in c.tags), None)
        found = "has no parameters cell" if cell is None else \
            f"has no whole-number '{SEED}' in its parameters cell ({SEED} = {base!r})"
        raise CourseError(f"--seeds {count}: lesson {lesson.stem} {found}",
                          path=lesson.path, line=cell.line if cell else None,
                          hint=f"define `{SEED} = 0` in its parameters cell and seed every "
                               f"random generator from it (keras.utils.set_random_seed("
                               f"{SEED})), or verify it without --seeds")
    return [base + offset for offset in range(count)]


def combine(records: list[RunRecord], seeds: list[int]) -> RunRecord:
    """One report entry for a lesson's runs under ``seeds`` (``records`` in that order)."""
    first = records[0]
    if not seeds:
        return first
    entry = copy.deepcopy(first)
    pairs = list(zip(seeds, records, strict=True))
    # every seed's failures, named by seed; the first seed's error stays the entry's own
    entry.problems = [f"seed {seed}: {line}" for seed, record in pairs
                      for line in ([record.messages()[0]] if record.error and record is not first
                                   else []) + record.problems]
    entry.contract_problems = [f"seed {seed}: {line}" for seed, record in pairs
                               for line in record.contract_problems]
    if first.error is not None:
        entry.error = dict(first.error, message=f"{first.error['message']} (seed {seeds[0]})")
    entry.seconds = round(sum(record.seconds for record in records), 2)
    entry.cached = all(record.cached for record in records)
    entry.seeds = {"seeds": seeds,
                   "runs": [seed_run(seed, record) for seed, record in zip(seeds, records,
                                                                           strict=True)],
                   "summary": summary(seeds, records, first.targets)}
    entry.settle()
    return entry


def seed_run(seed: int, record: RunRecord) -> dict:
    return {"seed": seed, "status": record.status, "metrics": record.metrics,
            "seconds": record.seconds, "cached": record.cached, "executed": record.executed}


def summary(seeds: list[int], records: list[RunRecord], targets: dict) -> dict:
    """metric -> {worst, worst_seed, mean, spread} over the seeds that published it as a
    number; ``worst`` only for a metric with a target (its bound says which end is worse)."""
    found: dict = {}
    names = sorted({name for record in records for name in record.metrics})
    for name in names:
        values = {seed: record.metrics[name] for seed, record in zip(seeds, records, strict=True)
                  if _number(record.metrics.get(name))}
        if not values:
            continue
        numbers = list(values.values())
        item = {"mean": statistics.fmean(numbers), "spread": max(numbers) - min(numbers),
                "seeds": len(numbers)}
        bound = next((b for b in _WORST if b in (targets.get(name) or {})), None)
        if bound is not None:
            worst = _WORST[bound](numbers)
            item["worst"] = worst
            item["worst_seed"] = next(seed for seed, value in values.items() if value == worst)
        found[name] = item
    return found


def _number(value) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and value == value
