"""``coursekit import PATH… [--out FILE]``: material written for another tool, turned
into one lesson of this course (the importers: source/importers/)."""

from __future__ import annotations

import argparse
import ast
import re
import sys
import tempfile
from pathlib import Path

from ..errors import CourseError
from ..fsutil import write_atomic
from ..source.assets import local_path, references
from ..source.importers import find_importer
from ..source.lesson import Lesson, discover, read_lesson

HELP = ("turn an nbgrader notebook, a scikit-learn MOOC exercise (_sol_ and _ex_ files) "
        "or a Carpentries episode into a lesson in content/")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                        help="the file(s) to import")
    parser.add_argument("--out", type=Path, default=None,
                        help="the lesson file to write (default: content/NN_name.py, "
                             "NN the next free number); an existing file is never replaced")


def run_import(args: argparse.Namespace) -> int:
    for path in args.paths:
        if not path.is_file():
            raise CourseError("no such file", path=path, hint="give the files to import")
    importer = find_importer(args.paths)
    text = importer.convert(args.paths)
    out = args.out or default_lesson_path(args.root.resolve() / "content", args.paths[0])
    if out.exists():
        raise CourseError("a file is already there, and import never replaces one",
                          path=out, hint="choose another --out, or move that file away")
    lesson = check_lesson(text, out.name, args.paths[0])
    assets = beside(lesson, args.paths[0].parent, out.parent)
    write_atomic({out: text.encode("utf-8"), **assets})
    print(f"wrote {out} from {importer.name}")
    for path in assets:
        print(f"wrote {path} (beside the source, named by the lesson)")
    for warning in missing_references(lesson, assets, out.parent, args.paths[0]):
        print(warning, file=sys.stderr)
    for warning in outside_reads(lesson, args.paths[0]):
        print(warning, file=sys.stderr)
    return 0


def beside(lesson: Lesson, source_dir: Path, content: Path) -> dict[Path, bytes]:
    """The files the lesson's Markdown names that sit beside the imported source (the
    image of nbgrader's ps1), to go beside the lesson; one already there is left alone,
    and nothing outside the source's folder is taken."""
    files: dict[Path, bytes] = {}
    for cell in lesson.cells:
        if cell.cell_type != "markdown":
            continue
        for _, target in references(cell.source):
            path = local_path(target)
            if path is None or Path(path).is_absolute() or ".." in Path(path).parts:
                continue
            found, dest = source_dir / path, content / path
            if found.is_file() and not dest.exists():
                files[dest] = found.read_bytes()
    return files


def missing_references(lesson: Lesson, assets: dict[Path, bytes], content: Path,
                       source: Path) -> list[str]:
    """A warning for each file the lesson's Markdown names that is neither beside the
    source nor under content/: the lesson is written (the author may add the file next),
    but the build will refuse it until then, so the import says so now."""
    missing = []
    for cell in lesson.cells:
        if cell.cell_type != "markdown":
            continue
        for number, target in references(cell.source):
            path = local_path(target)
            if path is None or (content / path) in assets or (content / path).is_file():
                continue
            missing.append(f"warning: {source}: the lesson names '{path}' (its line "
                           f"{cell.line + number}), which is neither beside {source.name} "
                           f"nor under content/; copy it to content/{path} before building")
    return missing


# a file named in code by a path that climbs out of the notebook's folder, as the MOOC's
# notebooks read "../datasets/adult-census.csv"
_OUTSIDE = re.compile(r"^\.\.[/\\][^\n]*\.\w+$")


def outside_reads(lesson: Lesson, source: Path) -> list[str]:
    """A warning for each string in the lesson's code that names a file up from the
    source's folder: verify runs each notebook in a folder of its own, where that path
    leads nowhere, so the import says now what to do instead (the lesson is written as
    its source has it: rewriting it would change the exercise students get)."""
    found = []
    for cell in lesson.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue  # IPython magics: verify names what it cannot run
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and _OUTSIDE.match(node.value):
                name = Path(node.value).name
                parameter = re.sub(r"\W+", "_", Path(node.value).stem).strip("_") + "_path"
                found.append(
                    f"warning: {source}: the lesson reads '{node.value}' (its line "
                    f"{cell.line + node.lineno - 1}), a path from the source's folder that "
                    f"verify's working folder does not have; declare it in the lesson header "
                    f"(data: {{{name}: {parameter}}}), set {parameter} = \"{node.value}\" in "
                    f"a parameters cell and read {parameter}, then pass --data-dir with the "
                    f"folder that holds {name} to verify, site and bundle")
    return found


def default_lesson_path(content: Path, source: Path) -> Path:
    """``content/NN_name.py``: the number after the course's last lesson, the name from
    the source's (its own leading number and the MOOC's ``_sol`` dropped)."""
    taken = [int(p.name.split("_")[0]) for p in discover(content)] if content.is_dir() else []
    name = re.sub(r"^\d+[-_]", "", source.stem).replace("_sol_", "_")
    name = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "lesson"
    return content / f"{max(taken, default=0) + 1:02d}_{name}.py"


def check_lesson(text: str, name: str, source: Path) -> Lesson:
    """The converted text reads as a lesson (markers, header), before anything is written."""
    with tempfile.TemporaryDirectory() as folder:
        trial = Path(folder) / name
        trial.write_text(text, encoding="utf-8")
        try:
            return read_lesson(trial)
        except CourseError as err:
            raise CourseError(f"the lesson converted from it does not read: {err.message}"
                              + (f" (line {err.line} of the lesson)" if err.line else ""),
                              path=source, hint=err.hint) from None
