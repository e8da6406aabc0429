"""Shared helpers: tiny lesson sources and fixture courses built in tmp folders."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"

HEADER = """\
# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   course:
#     title: {title}
# ---
"""


def lesson_source(body: str, title: str = "A tiny lesson", header: str | None = None) -> str:
    """A lesson file: the standard header and ``body`` (dedented)."""
    head = header if header is not None else HEADER.format(title=title)
    return head + "\n" + textwrap.dedent(body).lstrip("\n")


def make_course(root: Path, lessons: dict[str, str]) -> Path:
    """A fixture course: the project's course.yml and ``lessons`` (stem → source)."""
    (root / "content").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "course.yml", root / "course.yml")
    for stem, source in lessons.items():
        (root / "content" / f"{stem}.py").write_text(source, encoding="utf-8")
    return root


def run_build(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(root), *args],
                          capture_output=True, text=True, timeout=600)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under exercises/ and solutions/, for byte-for-byte comparisons."""
    return {str(p.relative_to(root)): p.read_bytes()
            for folder in ("exercises", "solutions") if (root / folder).exists()
            for p in sorted((root / folder).rglob("*")) if p.is_file()}


@pytest.fixture
def course(tmp_path):
    def factory(lessons: dict[str, str]) -> Path:
        return make_course(tmp_path / "course", lessons)
    return factory


@pytest.fixture(scope="session")
def built_course(tmp_path_factory):
    """tests/fixtures/site fully built once (`python build.py`): read it, never change it."""
    from site_fixture import build_course
    return build_course(tmp_path_factory.mktemp("site") / "course")
