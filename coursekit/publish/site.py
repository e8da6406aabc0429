"""``build.py site``: the mkdocs-material website, with the notes pages and decks in it.

Two halves: :func:`site_sources` computes every generated file of the docs folder in
memory (pages, figures, exercise notebooks, decks, vendored browser assets), and
:func:`build_site` writes them to a staging folder, runs mkdocs, scans the result for
leaks and only then swaps it into ``build/site``. A failure leaves the last site intact.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from ..config import Course, Project, in_own_words
from ..errors import CourseError, LeakError
from ..fsutil import read_tree, replace_dir, write_tree
from ..run.options import RunOptions
from ..run.report import load_runs
from ..run.verify import Verified, ensure_verified, find_verified
from ..source.assets import Asset, shown
from ..source.leaks import scan_files, secrets_by_stem
from ..source.lesson import Lesson
from ..source.notebooks import Generated, generate
from .cited_values import fill_values
from .deck_check import check_decks
from .handouts import handout_links
from .mathjax import MATHJAX_DIR, mathjax_assets
from .mkdocs_run import run_mkdocs
from .node_assets import node_modules
from .pages import LessonLinks, home_page, lesson_page, notes_exporter, verification_page
from .requirements import course_requirements
from .schedule import check_breaks, outcomes_page, timetable
from .setup_page import estimate_box, setup_files
from .slides import REVEAL_DIR, deck_exporter, lesson_deck, reveal_assets
from .student_view import notes_notebook
from .variant_view import add_variants

STATIC = Path(__file__).parent / "site_static"
IFRAME_WORKER = "assets/vendor/iframe-worker/shim.js"  # mkdocs.yml extra.polyfills
# site_static/ → assets/, loaded by mkdocs.yml's extra_javascript
STATIC_FILES = ("coursekit.js", "coursekit.css", "mathjax-config.js")


@dataclass
class CourseInputs:
    """Everything the site is made from, read once."""

    course: Course
    lessons: list[Lesson]
    exercises: dict[str, bytes]  # stem → exercise notebook bytes, as in exercises/
    solutions: dict[str, NotebookNode]
    verified: dict[str, Verified]
    runs: list[dict]
    # the files the lessons' Markdown names, by path under content/ (source/assets.py)
    assets: dict[str, Asset] = field(default_factory=dict)


def read_inputs(project: Project, options: RunOptions = RunOptions(), *,
                preview: bool = False, generated: Generated | None = None) -> CourseInputs:
    """Lessons, notebooks and verified runs. The site needs exercises/ in sync with
    content/ (its download buttons serve those files, its Colab links open them) and a
    current verified run of every lesson, verified with ``options`` where missing; the
    live ``preview`` takes content/ as it is now and the last outputs as they are.
    ``generated``: content/ as the command already read it (None: read it here)."""
    generated = generated or generate(project)
    check_breaks(generated.course, generated.lessons, project.config_path)
    exercises, solutions = {}, {}
    for lesson in generated.lessons:
        path = project.exercises / f"{lesson.stem}.ipynb"
        data = generated.files[path]
        if not preview and (not path.is_file() or path.read_bytes() != data):
            raise CourseError("differs from what content/ generates", path=path,
                              hint="run `python build.py notebooks` (the site links to it)")
        exercises[lesson.stem] = data
        solutions[lesson.stem] = nbformat.reads(
            generated.files[project.solutions / f"{lesson.stem}.ipynb"].decode(), as_version=4)
    if preview:
        verified = find_verified(project, solutions, options.profile, options.backend)
    else:
        verified = ensure_verified(project, solutions, options, generated=generated)
    return CourseInputs(generated.course, generated.lessons, exercises, solutions, verified,
                        load_runs(project), generated.assets)


def site_sources(inputs: CourseInputs, node_modules: Path, instructor: bool = False,
                 mkdocs_yml: Path | None = None) -> dict[str, bytes]:
    """docs-folder path → bytes: every file mkdocs builds the site from. The instructor's
    site has the speaker notes, solutions, timings and run details; the student's none.
    ``mkdocs_yml``: the site's configuration, whose Markdown the decks render too."""
    course = inputs.course
    files = {"index.md": home_page(course, inputs.lessons, course.bundle_name(),
                                   instructor).encode(),
             "outcomes.md": outcomes_page(inputs.lessons, lesson_link).encode(),
             "verification.md": verification_page(inputs.lessons, inputs.runs).encode()}
    files.update(setup_files(course, inputs.lessons, inputs.runs,
                             course_requirements(course.path.parent, inputs.lessons)))
    slots = {slot.lesson.stem: slot for slot in timetable(course, inputs.lessons) if slot.lesson}
    notes, decks = notes_exporter(), deck_exporter(mkdocs_yml)
    for lesson in inputs.lessons:
        stem, verified = lesson.stem, inputs.verified[lesson.stem]
        # the numbers the lesson cites from its runs, in every notebook pages and decks use
        backend = (verified.run or {}).get("backend")
        exercise, solution, executed = (
            fill_values(nb, stem, inputs.runs, backend) for nb in
            (nbformat.reads(inputs.exercises[stem].decode(), as_version=4),
             inputs.solutions[stem], verified.executed))
        links = LessonLinks(colab=course.colab_url(f"exercises/{stem}.ipynb"),
                            notebook=f"../notebooks/{stem}.ipynb", slides=f"../slides/{stem}.html",
                            handouts=handout_links(stem, instructor),
                            expected=estimate_box(lesson, course))
        view = notes_notebook(exercise, solution, executed, course.publish_solutions,
                              instructor)
        if instructor:  # declared alternatives and mistakes: never on a student's page
            view = add_variants(view, lesson, verified.run)
        page, figures = lesson_page(lesson, view, links, verified, notes, instructor,
                                    slots.get(stem))
        files[f"lessons/{stem}.md"] = page.encode()
        files.update({f"lessons/{name}": data for name, data in figures.items()})
        files[f"notebooks/{stem}.ipynb"] = inputs.exercises[stem]
        deck = lesson_deck(lesson, exercise, solution, executed,
                           instructor=instructor, exporter=decks, course=course)
        files[f"slides/{stem}.html"] = deck.encode()
    # beside the pages and the decks, where the lessons' Markdown names them
    for rel, data in shown(inputs.assets, instructor).items():
        files[f"lessons/{rel}"] = files[f"slides/{rel}"] = data
    files.update({f"slides/{REVEAL_DIR}/{name}": data
                  for name, data in reveal_assets(node_modules).items()})
    files.update({f"{MATHJAX_DIR}/{name}": data
                  for name, data in mathjax_assets(node_modules).items()})
    files[IFRAME_WORKER] = _iframe_worker(node_modules)
    # the pages name the command this course is run with (the runs table, the badges)
    prog = course.prog  # looks for build.py on disk: once, not once per page
    files.update({name: in_own_words(data.decode(), prog).encode()
                  for name, data in files.items() if name.endswith(".md")})
    for name in STATIC_FILES:
        files[f"assets/{name}"] = (STATIC / name).read_bytes()
    return files


def lesson_link(stem: str) -> str:
    return f"lessons/{stem}.md"


def nav(lessons: list[Lesson]) -> list:
    return [{"Home": "index.md"},
            {"Setup": "setup.md"},
            {"Lessons": [{lesson.title: f"lessons/{lesson.stem}.md"} for lesson in lessons]},
            {"Outcomes": "outcomes.md"},
            {"Verification": "verification.md"}]


def build_site(project: Project, options: RunOptions = RunOptions(), *,
               instructor: bool = False, generated: Generated | None = None,
               fit_check: bool = True) -> Path:
    """``build/site``, or with ``instructor`` ``build/instructor-site``; the student's
    site is leak-scanned before it replaces the last one. ``options``: which runs to
    publish, and how to verify the lessons that have none. ``fit_check=False``
    (``--no-fit-check``): the decks are not measured, on purpose (deck_check.py)."""
    inputs = read_inputs(project, options, generated=generated)
    sources = site_sources(inputs, node_modules(project), instructor,
                           project.root / "mkdocs.yml")
    target = project.instructor_site if instructor else project.site
    project.build.mkdir(parents=True, exist_ok=True)
    docs = Path(tempfile.mkdtemp(prefix=".site-src-", dir=project.build))
    site = Path(tempfile.mkdtemp(prefix=".site-", dir=project.build))
    try:
        for folder in (docs, site):
            folder.chmod(0o755)  # mkdtemp makes private folders; a site is for everyone
        write_tree(docs, sources)
        run_mkdocs(project, inputs.course, nav(inputs.lessons), inputs.runs, docs, site)
        if not instructor:  # the scan is cheap and final; the fit check starts Chromium
            _scan_student_site(site, inputs, project.root)
        check_decks(project.root, site, [site / "slides" / f"{lesson.stem}.html"
                                         for lesson in inputs.lessons],
                    skip=not fit_check)
        if not instructor:
            replace_dir(docs, project.site_src)
        replace_dir(site, target)
    finally:
        shutil.rmtree(docs, ignore_errors=True)
        shutil.rmtree(site, ignore_errors=True)
    return target


def _scan_student_site(site: Path, inputs: CourseInputs, root: Path) -> None:
    leaks = scan_files(read_tree(site), secrets_by_stem(inputs.lessons),
                       inputs.course.publish_solutions, root)
    if leaks:
        listing = "\n  ".join(f"build/site/{leak}" for leak in leaks)
        raise LeakError(f"solution text found in the site:\n  {listing}",
                        hint="the stripper or a renderer leaked; the site was not replaced")


def _iframe_worker(node_modules: Path) -> bytes:
    path = node_modules / "iframe-worker" / "shim" / "index.js"
    if not path.is_file():
        raise CourseError("iframe-worker is not installed", path=path,
                          hint="run `npm ci` in the course folder (package.json pins it)")
    return path.read_bytes()
