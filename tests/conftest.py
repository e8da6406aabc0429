"""Shared helpers: tiny lesson sources and fixture courses built in tmp folders."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from filelock import FileLock

from coursekit.cli import main as cli_main
from coursekit.publish.deck_check import SKIP_ENV as FIT_CHECK_SKIP_ENV

ROOT = Path(__file__).resolve().parent.parent

# The deck fit check starts Chromium and measures every slide: seconds per site build. It
# runs where it is the subject: tests marked `fit_check`, and the session builds of the
# shipped site (tests/test_browser_decks.py proves both verdicts, with and without a
# browser). Every other test builds with it skipped on purpose (`--no-fit-check`).
NO_FIT_CHECK = {FIT_CHECK_SKIP_ENV: "1"}
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


def fixture_config() -> str:
    """The project's course.yml without its schedule: its breaks name the real lessons,
    which a fixture course does not have (an unknown lesson in a break is an error)."""
    text = (ROOT / "course.yml").read_text(encoding="utf-8")
    return text[:text.index("\n# The day:")] + "\n"


def make_course(root: Path, lessons: dict[str, str]) -> Path:
    """A fixture course: the project's course.yml and ``lessons`` (stem → source)."""
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "course.yml").write_text(fixture_config(), encoding="utf-8")
    for stem, source in lessons.items():
        (root / "content" / f"{stem}.py").write_text(source, encoding="utf-8")
    return root


# what a course folder needs besides content/ and course.yml to build its site
PROJECT_FILES = ("mkdocs.yml", "requirements.txt", "package.json", "package-lock.json")


def add_project_files(root: Path) -> Path:
    """The repository's project files in ``root``, its node_modules linked (not copied)."""
    for name in PROJECT_FILES:
        shutil.copy(ROOT / name, root / name)
    (root / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    return root


def _event_loop_running() -> bool:
    """Playwright's sync API keeps an event loop running in this thread while a browser is
    open; the build runs its kernels with asyncio.run, which needs a thread without one."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def run_build(root: Path, *args: str, fresh_process: bool = False,
              env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``build.py --root ROOT ARGS``: in this process (what a subprocess would add is an
    interpreter start, about a second of imports), or with ``fresh_process`` as a real
    ``python build.py`` (for what only a process shows: signals, the entry point, a clean
    import state; and while a browser test holds an event loop). ``env``: variables to set
    for this build only."""
    if fresh_process or _event_loop_running():
        return subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(root),
                               *args], capture_output=True, text=True, timeout=600,
                              env={**os.environ, **(env or {})})
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch, redirect_stdout(out), redirect_stderr(err):
        for name, value in (env or {}).items():
            patch.setenv(name, value)
        try:
            code = cli_main(["--root", str(root), *args], prog="build.py")
        except SystemExit as stop:  # argparse's usage errors
            code = stop.code if isinstance(stop.code, int) else 2
    return subprocess.CompletedProcess(["build.py", *args], code, out.getvalue(),
                                       err.getvalue())


@contextlib.contextmanager
def ctrl_c_reaches_children():
    """Processes started inside get Ctrl-C's default action, as from a terminal. A suite
    started as a background job (``cmd &`` in a script, some CI runners) runs with SIGINT
    ignored, and an ignored signal stays ignored through exec: the build a test starts
    would never see its Ctrl-C (two such tests timed out after 60 s). A handler, unlike
    an ignore, is reset to the default at exec; so one is set here while the child starts."""
    previous = signal.getsignal(signal.SIGINT)
    if previous is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


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
    return build_course(tmp_path_factory.mktemp("site"))


# what a copy of the shipped course needs to verify its lessons and build its site
REAL_COURSE_FOLDERS = ("content", "exercises", "solutions")
# the course's own files that generating its notebooks reads (the setup cell carries the
# data record and the time estimates)
REAL_COURSE_FILES = ("course.yml", "data-checksums.txt", "estimates.yml")


def copy_real_course(dest: Path) -> Path:
    """A copy of the shipped course in ``dest``. The repository's run cache and last
    verified runs come along when it has them (a developer's earlier `build.py verify`);
    CI starts without."""
    if not SHARED_DATA.is_dir():
        pytest.fail(f"the offline datasets are expected in {SHARED_DATA} (../shared/data)")
    root = dest / "course"
    root.mkdir()
    for name in REAL_COURSE_FOLDERS:
        shutil.copytree(ROOT / name, root / name)
    for name in REAL_COURSE_FILES:
        shutil.copy(ROOT / name, root / name)
    add_project_files(root)
    if (ROOT / ".cache").is_dir():
        shutil.copytree(ROOT / ".cache", root / ".cache")
    # a developer's verified runs, when they are current, spare the site build a training
    if (ROOT / "build" / "report.json").is_file() and (ROOT / "build" / "executed").is_dir():
        shutil.copytree(ROOT / "build" / "executed", root / "build" / "executed")
        shutil.copy(ROOT / "build" / "report.json", root / "build" / "report.json")
    return root


def session_folder(tmp_path_factory, worker_id: str) -> Path:
    """A folder every pytest-xdist worker of this run shares (this session's own without
    xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base if worker_id == "master" else base.parent


@contextlib.contextmanager
def built_once(folder: Path, name: str):
    """``with built_once(folder, name) as todo: if todo: build...``: the first worker to
    come builds, the others wait for it and reuse what it built; a failed build fails
    them too at once (its message), instead of each training the course again."""
    done, failed = folder / f"{name}.done", folder / f"{name}.failed"
    with FileLock(folder / f"{name}.lock"):
        if failed.is_file():
            pytest.fail(f"{name} failed in another worker:\n{failed.read_text()}")
        if done.is_file():
            yield False
            return
        try:
            yield True
        except BaseException as exc:
            failed.write_text(f"{type(exc).__name__}: {exc}")
            raise
        done.touch()


@pytest.fixture(scope="session")
def real_course(tmp_path_factory, worker_id):
    """The shipped course, one copy shared by every worker: the TensorFlow run that trains
    it (test_course_verify.py) and the tests of its site and decks, so each lesson trains
    once per session."""
    shared = session_folder(tmp_path_factory, worker_id)
    with built_once(shared, "real-course") as todo:
        if todo:
            (shared / "real").mkdir()
            copy_real_course(shared / "real")
    return shared / "real" / "course"


def train_real_course(real_course: Path) -> None:
    """The shipped course verified on TensorFlow (smoke), once per session: the site build
    and the verify test use these runs, so no two verifies of that course overlap."""
    with built_once(real_course.parent, "trained") as todo:
        if todo:
            result = run_build(real_course, "verify", "--profile", "smoke", "--backend",
                               "tensorflow", "--data-dir", str(SHARED_DATA))
            assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="session")
def real_course_other_backends(tmp_path_factory):
    """A second copy, for the JAX and PyTorch runs: its own xdist group, so these train on
    one worker while the TensorFlow runs and the deck tests use the other."""
    return copy_real_course(tmp_path_factory.mktemp("real-backends"))


@pytest.fixture(scope="session")
def shipped_site(real_course):
    """The shipped course's student site (``build.py site``, smoke outputs, its decks in
    slides/, checked for fit by the build) and, beside its decks, the instructor decks in
    instructor-slides/ (same relative paths to reveal.js and MathJax). Built once per
    session, by the first worker that needs it, for the tests of its decks and pages."""
    train_real_course(real_course)
    site = real_course / "build" / "site"
    with built_once(real_course.parent, "shipped-site") as todo:
        if not todo:
            return site
        result = run_build(real_course, "site", "--profile", "smoke", "--backend",
                           "tensorflow", "--data-dir", str(SHARED_DATA),
                           env={FIT_CHECK_SKIP_ENV: "0"})
        assert result.returncode == 0, result.stdout + result.stderr
        assert "not checked for fit" not in result.stderr  # the build's own fit check ran
        _add_instructor_decks(real_course, site)
    return site


def _add_instructor_decks(real_course: Path, site: Path) -> None:
    """Beside the student decks, the instructor decks (same paths to reveal.js)."""
    from coursekit.config import Project, load_course
    from coursekit.publish.slides import REVEAL_DIR, lesson_deck, reveal_assets
    from coursekit.run.verify import find_verified
    from coursekit.source.lesson import load_lessons
    from coursekit.source.transforms import exercise_notebook, solution_notebook

    course = load_course(real_course / "course.yml")
    lessons = load_lessons(real_course / "content")
    solutions = {lesson.stem: solution_notebook(lesson, course) for lesson in lessons}
    verified = find_verified(Project(real_course), solutions, "smoke", "tensorflow")
    folder = site / "instructor-slides"
    folder.mkdir(exist_ok=True)
    for lesson in lessons:
        html = lesson_deck(lesson, exercise_notebook(lesson, course), solutions[lesson.stem],
                           verified[lesson.stem].executed, instructor=True, course=course)
        (folder / f"{lesson.stem}.html").write_text(html, encoding="utf-8")
    for name, data in reveal_assets(ROOT / "node_modules").items():
        path = folder / REVEAL_DIR / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


# Test tiers (pyproject.toml registers the markers): a test is in a tier by what it uses,
# so the rule lives here once and a new test cannot forget its marker.
TIER_FIXTURES = {"real_course": "course", "real_course_other_backends": "course",
                 "browser": "browser", "cluster": "cluster"}
# session fixtures that are expensive to build: their tests run in one pytest-xdist worker
# (`--dist loadgroup`), so each is built once per run, not once per worker
# (the shipped course is shared differently: one copy for all workers, built_once)
SHARED_BUILDS = ("real_course_other_backends", "built_course")
# the tests that train the shipped course go first, so that training starts at once; the
# tests that read its site go last, so that no worker waits for it while others could run
TRAINING_MODULES = ("test_course_verify.py",)


# tryfirst: xdist reads the groups in its own collection hook, which would otherwise run first
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        for fixture, marker in TIER_FIXTURES.items():
            if fixture in item.fixturenames:
                item.add_marker(marker)
        group = next((name for name in SHARED_BUILDS if name in item.fixturenames), None)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))
    items.sort(key=_schedule_rank)  # stable: the rest keeps its order


def pytest_deselected(items):
    if items:  # test_tiers: this session's collection is not the whole suite
        items[0].config.ck_deselected = True


def _schedule_rank(item) -> int:
    """xdist hands out work in this order (--no-loadscope-reorder), one unit to each worker
    and then a second to any worker with two tests or fewer queued: the two trainings
    first (a worker each), then the fixture course's group (the third worker, which then
    has enough queued), then single tests, which queue behind the trainings, and the
    shipped site's readers last."""
    if item.path.name in TRAINING_MODULES:
        return 0
    if "shipped_site" in item.fixturenames:
        return 3
    return 1 if "built_course" in item.fixturenames else 2


@pytest.fixture(autouse=True)
def _fit_check_only_where_tested(request, monkeypatch):
    if request.node.get_closest_marker("fit_check") is None:
        for name, value in NO_FIT_CHECK.items():
            monkeypatch.setenv(name, value)


def _is_tree(value) -> bool:
    return isinstance(value, dict) and all(isinstance(v, bytes | bytearray)
                                           for v in value.values())


def pytest_assertrepr_compare(config, op, left, right):
    """Files compared whole (a tree: path → bytes, or two files' bytes): name what differs.
    pytest's own explanation runs difflib over their contents, which on a site's
    megabytes ran for a quarter of an hour (a CI run found it) before saying anything."""
    if op not in ("==", "!="):
        return None
    if _is_tree(left) and _is_tree(right) and (left or right):
        paths = sorted(set(left) | set(right))
        changed = [p for p in paths if left.get(p) != right.get(p)]
        lines = [f"{len(changed)} of {len(paths)} files differ" if changed else "the same files"]
        for path in changed[:20]:
            where = ("only on the left" if path not in right else "only on the right"
                     if path not in left else f"{len(left[path])} vs {len(right[path])} bytes")
            lines.append(f"  {path}: {where}")
        return lines
    if isinstance(left, bytes) and isinstance(right, bytes) and len(left) + len(right) > 4096:
        first = next((i for i, (a, b) in enumerate(zip(left, right, strict=False)) if a != b),
                     min(len(left), len(right)))
        return [f"{len(left)} vs {len(right)} bytes, first difference at offset {first}",
                f"  left:  {left[first:first + 60]!r}", f"  right: {right[first:first + 60]!r}"]
    return None
