"""Running mkdocs as a library: the repository's mkdocs.yml, with the course's own values.

Reproducible output: mkdocs dates the sitemap (and its gzip header) from
``SOURCE_DATE_EPOCH``; the build sets it from the last verification's date, so rebuilding
from the same inputs gives the same bytes. A date the user exported is respected.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException

from ..config import Course, Project
from ..errors import CourseError
from .markdown_config import with_course_markdown

HOOKS = Path(__file__).parent / "mkdocs_hooks.py"  # MathJax only on pages with math


class _Collect(logging.Handler):
    """mkdocs reports broken links and the like as log warnings; keep them for the error."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def mkdocs_config(project: Project, course: Course, nav: list, docs: Path,
                  site: Path, **overrides) -> MkDocsConfig:
    path = project.root / "mkdocs.yml"
    if not path.is_file():
        raise CourseError("mkdocs.yml not found", path=path,
                          hint="the course folder needs the site configuration")
    config = load_config(str(path), docs_dir=str(docs), site_dir=str(site),
                         site_name=course.title, nav=nav, site_url=course.site_url or None,
                         hooks=[str(HOOKS)], **overrides)
    return with_course_markdown(config)  # the Markdown the decks render too


def run_mkdocs(project: Project, course: Course, nav: list, runs: list[dict], docs: Path,
               site: Path) -> None:
    """Build ``docs`` into ``site`` (strict: any warning fails the build)."""
    collect = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collect)
    try:
        config = mkdocs_config(project, course, nav, docs, site, strict=True)
        with source_date_epoch(build_epoch(runs)):
            build(config)
    except MkDocsException as exc:
        details = "\n  ".join(collect.messages) or str(exc)
        raise CourseError(f"mkdocs could not build the site:\n  {details}",
                          path=project.root / "mkdocs.yml",
                          hint="a broken link names the page it is on (build/site-src/…)"
                          ) from None
    finally:
        logger.removeHandler(collect)


def build_epoch(runs: list[dict]) -> int:
    """Midnight UTC of the latest verification date; 0 when no run has a date."""
    dates = sorted(str(run["date"])[:10] for run in runs if run.get("date"))
    if not dates:
        return 0
    day = dt.date.fromisoformat(dates[-1])
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


@contextlib.contextmanager
def source_date_epoch(epoch: int) -> Iterator[None]:
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
