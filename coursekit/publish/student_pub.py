"""``build.py student DIR``: what students get, and nothing else, ready to push.

The publication is the student bundle unpacked (the student site, the exercise notebooks,
the course's requirements, a README for students with the data instructions) plus the
bundle's zip in ``site/downloads/``, where the home page's download button looks for it.
Pushed to the student repository (course.yml's ``student_repository``) and tagged
``student_ref`` (the version's tag), it is what the Open in Colab badges open; its
``site/`` is what GitHub Pages serves (docs/website.md).

``DIR`` is a clone of the student repository or a new folder. Git's files and the
repository's own housekeeping (``.github/``, a licence) stay; every other file is the
publication's, so a renamed lesson leaves no stale notebook behind. A folder that holds
anything else (a course's ``content/``, ``solutions/``, …) is refused rather than emptied.
Everything is made and leak-scanned in memory first: an error leaves ``DIR`` as it was.
"""

from __future__ import annotations

from pathlib import Path

from ..config import Project
from ..errors import CourseError, LeakError
from ..fsutil import write_atomic
from ..source.leaks import Leak, scan_file, secrets_by_stem
from ..source.notebooks import Generated
from .bundle import SITE_DOWNLOADS, bundle_files, scan_bundle, zip_bytes

# what a publication's top level holds; the student bundle decides what is inside
PUBLISHED = ("README.md", "SETUP.md", "check_setup.py", "requirements.txt", "exercises",
             "site")
# the student repository's own files, which `student` neither writes nor removes
KEPT = (".git", ".github", ".gitattributes", ".gitignore", "LICENSE", "LICENSE.md",
        "LICENSE.txt")


def publication_files(project: Project,
                      generated: Generated | None = None) -> tuple[Generated, dict[str, bytes]]:
    """Path inside the publication → bytes; leak-scanned."""
    generated, members = bundle_files(project, generated=generated)
    course = generated.course
    files = {name.split("/", 1)[1]: data for name, data in members.items()}
    files[f"site/{SITE_DOWNLOADS}/{course.bundle_name()}"] = zip_bytes(members)
    leaks = scan_publication(files, secrets_by_stem(generated.lessons),
                             course.publish_solutions, root=project.root)
    if leaks:
        raise LeakError("solution text found in the student publication:\n  "
                        + "\n  ".join(str(leak) for leak in leaks),
                        hint="nothing was written")
    return generated, files


def scan_publication(files: dict[str, bytes], secrets: dict, solutions_published: bool,
                     root: Path | None = None) -> list[Leak]:
    """Each file as a student reads it; the site's as site files, the zip member by
    member (it is a copy of the others, but it is what a student downloads). No file may
    name the project's folder ``root`` (or another of the machine's), as in the bundle."""
    leaks = []
    for rel, data in sorted(files.items()):
        if rel.endswith(".zip"):
            leaks += scan_bundle(data, rel, secrets, solutions_published, root=root)
            continue
        path = rel.removeprefix("site/")
        leaks += scan_file(path, data, secrets, label=rel,
                           solutions_published=solutions_published and path != rel,
                           root=root)
    return leaks


def check_target(target: Path) -> None:
    """Refuse a file, or a folder holding what no publication holds (a course, a home)."""
    if target.exists() and not target.is_dir():
        raise CourseError("is a file, not a folder", path=target,
                          hint="name a new folder or a clone of the student repository")
    if not target.is_dir():
        return
    foreign = sorted(p.name for p in target.iterdir() if p.name not in PUBLISHED + KEPT)
    if foreign:
        raise CourseError(f"holds {', '.join(foreign[:5])}{', …' if len(foreign) > 5 else ''}"
                          ", which a student publication does not", path=target,
                          hint="name a new folder or a clone of the student repository "
                               "(`student` replaces everything in it but .git and the "
                               "repository's licence and settings); nothing was written")


def stale_files(target: Path, files: dict[str, bytes]) -> list[Path]:
    """Files of an earlier publication in ``target`` that this one no longer has."""
    found = []
    for name in PUBLISHED:
        top = target / name
        paths = [top] if top.is_file() else sorted(top.rglob("*")) if top.is_dir() else []
        found += [p for p in paths if p.is_file()
                  and p.relative_to(target).as_posix() not in files]
    return found


def write_publication(project: Project, target: Path,
                      generated: Generated | None = None) -> tuple[list[Path], list[Path]]:
    """Write the publication into ``target``; returns (written, removed)."""
    target = target.resolve()
    check_target(target)
    _, files = publication_files(project, generated)
    written = write_atomic({target / rel: data for rel, data in files.items()})
    removed = stale_files(target, files)
    for path in removed:
        path.unlink()
    for folder in sorted({p.parent for p in removed}, key=lambda p: -len(p.parts)):
        if folder != target and not any(folder.iterdir()):
            folder.rmdir()  # a removed lesson's figures folder goes with it
    return written, removed
