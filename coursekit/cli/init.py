"""``coursekit init DIR [--title TITLE]``: a new course folder that builds at once.

The files come from ``skeleton/`` (package data). Placeholders are ``@@NAME@@`` tokens,
not ``$name`` or ``{name}``, because lessons use ``$…$`` for math and ``{{ … }}`` for
coursekit's own placeholders.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from .. import __version__
from ..config import git_origin
from ..errors import CourseError
from ..fsutil import write_atomic

SKELETON = Path(__file__).parent / "skeleton"
# file in the new course → file in skeleton/ (dot files are stored without their dot:
# package data globs skip hidden files)
FILES = {
    "course.yml": "course.yml",
    "mkdocs.yml": "mkdocs.yml",
    "README.md": "README.md",
    "requirements.txt": "requirements.txt",
    "package.json": "package.json",
    "package-lock.json": "package-lock.json",
    ".gitignore": "gitignore",
    ".ci/run": "ci_run",
    "content/01_first_steps.py": "01_first_steps.py",
}
EXECUTABLE = {".ci/run"}
# used when neither --repository nor the folder's git remote says where the course lives;
# `coursekit check` warns until it is replaced
PLACEHOLDER_REPOSITORY = "https://github.com/your-account/{slug}"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", type=Path, help="the new course folder (new or empty)")
    parser.add_argument("--title", default=None,
                        help="the course title (default: from the folder name)")
    parser.add_argument("--repository", default=None,
                        help="https://github.com/OWNER/REPO of the course (default: the "
                             "folder's `git remote get-url origin` when it has one)")


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "course"


def title_from(name: str) -> str:
    words = re.sub(r"[-_]+", " ", name).strip()
    return words[:1].upper() + words[1:] if words else "My course"


def _repository_line(directory: Path, slug: str, repository: str | None) -> str:
    """The course's repository and, beside it, the students' (never the one that holds
    the solutions): `check` warns while either is missing or a placeholder."""
    students = "  # what the Open in Colab links open: `coursekit student DIR` fills it\n"
    if repository:
        return f"repository: {repository}\nstudent_repository: {repository}-student{students}"
    if git_origin(directory if directory.is_dir() else directory.parent):
        return ("# repository: defaults to `git remote get-url origin`\n"
                "# student_repository: https://github.com/OWNER/REPO-student" + students)
    placeholder = PLACEHOLDER_REPOSITORY.format(slug=slug)
    return (f"repository: {placeholder}  # your GitHub repository\n"
            f"student_repository: {placeholder}-student{students}")


def skeleton_files(directory: Path, title: str | None = None,
                   repository: str | None = None) -> dict[Path, bytes]:
    """Destination path → bytes of every file of the new course."""
    slug = slugify(directory.name)
    title = title or title_from(directory.name)
    # a JSON string is a valid YAML scalar: a title with ':' or '#' stays one string
    values = {"@@TITLE_YAML@@": json.dumps(title), "@@TITLE@@": title, "@@SLUG@@": slug,
              "@@REPOSITORY@@": _repository_line(directory, slug, repository),
              "@@VERSION@@": __version__}
    files = {}
    for dest, name in FILES.items():
        text = (SKELETON / name).read_text(encoding="utf-8")
        for token, value in values.items():
            text = text.replace(token, value)
        files[directory / dest] = text.encode()
    return files


def init_course(directory: Path, title: str | None = None,
                repository: str | None = None) -> list[Path]:
    """Write the new course; refuses a folder that has anything in it."""
    directory = directory.resolve()
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise CourseError("already exists and is not an empty folder", path=directory,
                          hint="name a new folder; coursekit init never overwrites files")
    if title is not None and not title.strip():
        raise CourseError("--title is empty", hint="give the course a title, or leave "
                                                   "--title out to use the folder name")
    files = skeleton_files(directory, title, repository)
    written = write_atomic(files)
    for dest in EXECUTABLE:
        (directory / dest).chmod(0o755)
    return written


def run_init(args: argparse.Namespace) -> int:
    written = init_course(args.directory, args.title, args.repository)
    root = args.directory.resolve()
    for path in written:
        print(f"wrote {path.relative_to(root)}")
    print(f"next: cd {args.directory} && coursekit   (builds notebooks, verify, site, bundle)")
    return 0
