"""How long a lesson's defaults take on the hardware students have, as an estimate.

Each lesson's defaults (its parameters cell) are one of its verified profiles
(:func:`default_profile`: ``full``, or a ``student`` profile where they differ). Its time
on a free Colab T4 and on a 4-core laptop CPU is not measured there: ``estimates.yml``
beside ``course.yml`` holds, per lesson, seconds measured (or derived from measured
throughput) on the build's machines and how; its ``hardware:`` table holds the factor
from those to a student's machine and the assumption behind it. The notebooks' setup
cell, the lesson pages and the Setup page all read them here, and say "estimate".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..config import read_text
from ..errors import ConfigError
from .lesson import Lesson

ESTIMATES = "estimates.yml"
SHAPE = ("estimates.yml looks like: hardware: {colab_t4: {title: a free Colab T4 GPU, "
         "from: gpu, factor: 8, why: ...}}, lessons: {01_addition: {gpu: 75, cpu: 300, "
         "how: ...}}")
STUDENT = "student"


@dataclass(frozen=True)
class Estimate:
    hardware: str  # "a free Colab T4 GPU"
    seconds: float
    how: str  # the lesson's measurement, and how it was scaled to its profile
    why: str  # the assumption behind the hardware's factor

    @property
    def text(self) -> str:
        """``about 10 min``: rounded as an estimate deserves."""
        minutes = self.seconds / 60
        if minutes < 1:
            return "under a minute"
        if minutes < 90:
            return f"about {round(minutes)} min"
        return f"about {minutes / 60:.0f} h" if minutes >= 150 else \
            f"about {minutes / 60:.1f} h"


def default_profile(lesson: Lesson) -> str | None:
    """The profile whose parameters are the lesson's defaults: ``student`` when declared,
    else ``full`` when its parameters equal the defaults; None: no verified profile is
    what a student runs (``check`` warns). A lesson without profiles: verify runs its
    defaults under any profile, so they are what was verified."""
    if not lesson.profiles:
        return "defaults"
    if STUDENT in lesson.profiles:
        return STUDENT
    full = lesson.profiles.get("full")
    defaults = lesson.parameters
    if full is not None and all(defaults.get(name, object()) == value
                                for name, value in (full.get("parameters") or {}).items()):
        return "full"
    return None


def load_estimates(root: Path) -> dict[str, list[Estimate]]:
    """Lesson stem → its estimates, one per hardware row; empty without estimates.yml."""
    path = root / ESTIMATES
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(read_text(path, ConfigError)) or {}
        rows = [(row["title"], row["from"], float(row["factor"]), row["why"])
                for row in data["hardware"].values()]
        found = {}
        for stem, measured in (data.get("lessons") or {}).items():
            found[stem] = [Estimate(title, float(measured[source]) * factor, measured["how"],
                                    why)
                           for title, source, factor, why in rows
                           if measured.get(source) is not None]
        return found
    except (yaml.YAMLError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ConfigError(f"cannot read the estimates ({type(exc).__name__}: {exc})",
                          path=path, hint=SHAPE) from None


def warnings(lessons: list[Lesson]) -> list[str]:
    """Lessons whose defaults no verified profile covers."""
    return [f"{lesson.path}: warning: its defaults (the parameters cell) are no "
            "verified profile: add a 'student' profile with them, or make 'full' use them"
            for lesson in lessons if default_profile(lesson) is None]
