"""``build.py bundle``: ``dist/<slug>-<version>.zip``, everything a student needs offline.

Student bundle: the built site (browsable from ``file://``, decks included), the exercise
notebooks, ``requirements.txt`` and a README. ``--instructor`` packs the instructor's site
instead (speaker notes, solutions, timings; built from the same verified runs) and adds the
solution notebooks and the verification report, under its own file name. The zip is
byte-identical across
rebuilds from the same inputs: members sorted, fixed timestamps and permissions, no
machine paths. The student zip is leak-scanned as shipped (read back from its bytes).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

from ..config import Course, Project, in_own_words
from ..errors import CourseError, LeakError
from ..fsutil import read_tree, write_atomic
from ..run.options import RunOptions
from ..run.report import load_runs, report_path
from ..source.data_record import RECORD, read_record
from ..source.leaks import scan_file, secrets_by_stem
from ..source.notebooks import Generated, generate
from .handouts import without_missing_handouts
from .readmes import instructor_readme, student_readme
from .requirements import student_requirements
from .setup_page import SCRIPT, check_setup_script, setup_page
from .site import build_site

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip can hold: no build time inside
SITE_DOWNLOADS = "downloads"  # build/site/downloads/: the published site serves the zip
SETUP_PAGE = "SETUP.md"  # the site's Setup page, at the top of the bundle


def bundle_files(project: Project, instructor: bool = False,
                 options: RunOptions = RunOptions(),
                 generated: Generated | None = None,
                 fit_check: bool = True,
                 data: Path | None = None) -> tuple[Generated, dict[str, bytes]]:
    """The course's lessons, and member name (inside one top folder) → bytes.
    ``options`` reach the instructor site's verification, if it needs one;
    ``generated``: content/ as the command already read it (None: read it here);
    ``data``: the folder of the lessons' data files, packed under ``data/`` (--with-data)."""
    generated = generated or generate(project)
    course, lessons = generated.course, generated.lessons
    top = Path(bundle_name(course, instructor, data is not None)).stem
    if instructor:
        # from the runs the student site shows
        site = build_site(project, options, instructor=True, generated=generated,
                          fit_check=fit_check)
    elif (project.site / "index.html").is_file():
        check_site_current(project, generated)
        site = project.site
    else:
        raise CourseError("no built site to pack", path=project.site,
                          hint="run `python build.py site` first")
    shown = without_missing_handouts(read_tree(site), [lesson.stem for lesson in lessons],
                                     instructor)
    files = {f"{top}/site/{rel}": data for rel, data in shown.items()
             if not rel.startswith(f"{SITE_DOWNLOADS}/")}
    folders = ("exercises", "solutions") if instructor else ("exercises",)
    for folder in folders:
        for lesson in lessons:
            path = project.root / folder / f"{lesson.stem}.ipynb"
            files[f"{top}/{folder}/{lesson.stem}.ipynb"] = generated.files[path]
        # beside the notebooks, as in exercises/ and solutions/
        files.update({f"{top}/{folder}/{rel}": data for rel, data in
                      generated.shown_assets(instructor=folder == "solutions").items()})
    files[f"{top}/requirements.txt"] = student_requirements(project.root, lessons)
    files[f"{top}/{SETUP_PAGE}"] = setup_page(course, lessons, load_runs(project)).encode()
    files[f"{top}/{SCRIPT}"] = check_setup_script(course, lessons, load_runs(project),
                                                  files[f"{top}/requirements.txt"])
    if data is not None:
        files.update({f"{top}/data/{name}": content
                      for name, content in data_files(project, lessons, data).items()})
    readme = (instructor_readme if instructor else student_readme)(course, lessons)
    files[f"{top}/README.md"] = in_own_words(readme, course.prog).encode()
    if instructor:
        files[f"{top}/report.json"] = _required(report_path(project),
                                                "run `python build.py verify` first")
    return generated, files


def check_site_current(project: Project, generated: Generated) -> None:
    """The built site serves each exercise notebook as ``exercises/`` has it; one that
    differs means the site predates a change to content/ or course.yml (its badges, its
    pages), and a bundle (or the student publication) would pair its pages with other notebooks."""
    for lesson in generated.lessons:
        served = project.site / "notebooks" / f"{lesson.stem}.ipynb"
        current = generated.files[project.exercises / f"{lesson.stem}.ipynb"]
        if not served.is_file() or served.read_bytes() != current:
            raise CourseError("the built site is older than content/ and course.yml",
                              path=served, hint="run `python build.py site` first; "
                                                "nothing was written")


def bundle_name(course: Course, instructor: bool, with_data: bool) -> str:
    """The bundle with the data says so in its name: it is the big one (docs/website.md)."""
    name = course.bundle_name(instructor)
    return name.replace(".zip", "-with-data.zip") if with_data else name


def data_files(project: Project, lessons: list, folder: Path) -> dict[str, bytes]:
    """Each data file the lessons declare, from ``folder``, as the build recorded it."""
    record, found = read_record(project.root), {}
    for name in sorted({name for lesson in lessons for name in lesson.data}):
        path = folder / name
        if not path.is_file():
            raise CourseError(f"{name} is not in the data folder, and --with-data packs "
                              "it", path=path, hint="name the folder that holds every data "
                                                    "file with --data-dir (or $COURSE_DATA_DIR)")
        content = path.read_bytes()
        if name not in record or record[name].sha256 != hashlib.sha256(content).hexdigest():
            raise CourseError(f"{name} is not the file the build recorded in {RECORD}",
                              path=path, hint="run `python build.py notebooks --data-dir "
                                              "DIR` to record it, then verify again; nothing "
                                              "was written")
        found[name] = content
    return found


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()


def scan_bundle(data: bytes, name: str, secrets: dict, solutions_published: bool,
                root: Path | None = None) -> list:
    """Leaks in the zip's members; site members are scanned as site files; no member
    may name the project's folder ``root`` (or another of the machine's)."""
    leaks = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.namelist():
            inner = member.split("/", 1)[1]
            if inner.startswith("data/"):
                continue  # the lessons' own data files (--with-data), checked by checksum
            path = inner.removeprefix("site/")
            leaks += scan_file(path, archive.read(member), secrets, label=f"{name}:{member}",
                               solutions_published=solutions_published and path != inner,
                               root=root)
    return leaks


def build_bundle(project: Project, instructor: bool = False,
                 options: RunOptions = RunOptions(), generated: Generated | None = None,
                 fit_check: bool = True, data: Path | None = None) -> Path:
    """``data``: pack the lessons' data files from this folder (``--with-data``)."""
    generated, files = bundle_files(project, instructor, options, generated, fit_check, data)
    name = bundle_name(generated.course, instructor, data is not None)
    zipped = zip_bytes(files)
    outputs = {project.dist / name: zipped}
    if not instructor:
        leaks = scan_bundle(zipped, name, secrets_by_stem(generated.lessons),
                            generated.course.publish_solutions, project.root)
        if leaks:
            raise LeakError("solution text found in the student bundle:\n  "
                            + "\n  ".join(str(leak) for leak in leaks),
                            hint=f"dist/{name} was not written")
        if data is None:  # the site serves the bundle without the data (docs/website.md)
            outputs[project.site / SITE_DOWNLOADS / name] = zipped
    write_atomic(outputs)
    return project.dist / name


def _required(path: Path, why: str) -> bytes:
    if not path.is_file():
        raise CourseError("missing, and the bundle needs it", path=path, hint=why)
    return path.read_bytes()
