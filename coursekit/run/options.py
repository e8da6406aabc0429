"""What a verification is asked to do: one object, built once (by the CLI, or a script),
taken by ``verify`` and by every command that may start one (``site``, ``serve``, the
instructor's bundle, the full build), so an option given to any of them reaches it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .kernel import CELL_TIMEOUT_S


@dataclass(frozen=True)
class RunOptions:
    """Every field's None means "not given": the default is decided where it is used."""

    # None: verify runs its DEFAULT_PROFILE; the site publishes the last verified runs
    profile: str | None = None
    # None: the course's own (backends.course_backend); the site: the last verified runs
    backend: str | None = None
    # stems or content/…py paths; empty: every lesson (verify only: the site needs all)
    lessons: tuple[str, ...] = field(default_factory=tuple)
    jobs: int | None = None          # lessons side by side (None: verify.DEFAULT_JOBS)
    force: bool = False              # ignore the cache
    data_dir: Path | None = None     # offline data folder (None: $COURSE_DATA_DIR)
    cache: str | None = None         # folder or fsspec URL (None: $COURSE_CACHE, .cache/)
    scheduler: str | None = None     # Dask scheduler (None: $COURSE_DASK_SCHEDULER, local)
    cell_timeout: int = CELL_TIMEOUT_S
    seeds: int | None = None         # seeds per lesson (None: seeds.DEFAULT_SEEDS, one)
