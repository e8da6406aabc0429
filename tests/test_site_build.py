"""`build.py site` end to end on the fixture course: what it writes, what it refuses.

`built_course` is the fixture after a full `python build.py` (notebooks, verify, site,
bundle). Tests that change a course work on their own copy of it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import coursekit.publish.site
from conftest import run_build
from coursekit.config import Project
from coursekit.errors import LeakError
from coursekit.fsutil import read_tree
from coursekit.publish.mathjax import SITE_MATHJAX
from coursekit.publish.serve import refresh_preview
from coursekit.publish.site import build_site
from coursekit.publish.slides import lesson_deck
from coursekit.publish.student_view import drop_speaker_notes, merge_outputs
from site_fixture import FIXTURE

STEMS = ("01_squares", "02_words")
SOLUTION_ONLY = ("squared_value_of_x", "sentence.split()", "there are 4 words")


@pytest.fixture
def course_copy(built_course, tmp_path) -> Path:
    return Path(shutil.copytree(built_course, tmp_path / "course", symlinks=True))


def visible(html: str) -> str:
    """A page's text as a reader sees it (highlighting splits code into spans)."""
    return BeautifulSoup(html, "html.parser").get_text()


def texts(folder: Path) -> dict[str, str]:
    found = {}
    for rel, data in read_tree(folder).items():
        if not rel.endswith((".png", ".gz", ".zip", ".woff", ".ttf", ".eot")):
            text = data.decode("utf-8", errors="replace")
            found[rel] = visible(text) if rel.endswith(".html") else text
    return found


def test_the_full_build_writes_pages_decks_notebooks_and_the_verification_table(built_course):
    site = built_course / "build" / "site"
    for stem in STEMS:
        assert (site / "lessons" / f"{stem}.html").is_file()
        assert (site / "slides" / f"{stem}.html").is_file()
        assert ((site / "notebooks" / f"{stem}.ipynb").read_bytes()
                == (built_course / "exercises" / f"{stem}.ipynb").read_bytes())
    assert list((site / "lessons" / "01_squares_files").glob("*.png"))  # the verified plot
    assert (site / "slides" / "reveal.js" / "dist" / "reveal.js").is_file()
    assert (site / SITE_MATHJAX).is_file()
    verification = (site / "verification.html").read_text()
    assert verification.count("<td>smoke</td>") == len(STEMS)
    dates = {run["date"] for run in json.loads(
        (built_course / "build" / "report.json").read_text())["runs"]}
    sitemap = (site / "sitemap.xml").read_text()  # dated by the verification, not the clock
    pages = sitemap.count(f"<lastmod>{max(dates)}</lastmod>")
    assert pages == 6  # home, setup, 2 lessons, outcomes, runs
    assert (site / "downloads" / "tiny-course-1.0.zip").read_bytes() == (
        built_course / "dist" / "tiny-course-1.0.zip").read_bytes()
    assert sorted(p.name for p in (built_course / "build").iterdir() if p.name.startswith(".")) \
        == [], "staging folders are cleaned up"


def test_formulas_are_marked_for_mathjax_and_every_script_is_in_the_site(built_course):
    site = built_course / "build" / "site"
    with_math = ("lessons/01_squares.html", "slides/01_squares.html")
    for page in (*with_math, "index.html", "lessons/02_words.html", "verification.html"):
        soup = BeautifulSoup((site / page).read_text(), "html.parser")
        scripts = [tag["src"] for tag in soup.find_all("script", src=True)]
        assert scripts, page
        for src in scripts:
            assert (site / page).parent.joinpath(src).resolve().is_file(), (page, src)
        # MathJax is 1.3 MB: only pages with a formula load it
        assert any(src.endswith(SITE_MATHJAX) for src in scripts) == (page in with_math), page
    soup = BeautifulSoup((site / "lessons" / "01_squares.html").read_text(), "html.parser")
    formulas = [tag.get_text() for tag in soup.select("article .arithmatex")]
    assert formulas[:3] == ["\\(x_i\\)", "\\(x_i^2\\)", "\\(n^2\\)"]
    assert formulas[3].startswith("\\[\n\\begin{aligned}") and len(formulas) == 4


def test_no_solution_text_or_solution_output_anywhere_in_the_site(built_course):
    for rel, text in texts(built_course / "build" / "site").items():
        for secret in SOLUTION_ONLY:
            assert secret not in text, f"{rel} contains {secret!r}"


def test_rebuilding_from_the_same_inputs_gives_the_same_bytes(course_copy):
    before = read_tree(course_copy / "build" / "site")
    assert any(rel.startswith("handouts/") for rel in before)  # the full build printed them
    # the full build's publishing steps, in its order (its handouts go into the bundle)
    for command in ("site", "handouts", "bundle"):
        result = run_build(course_copy, command)
        assert result.returncode == 0, result.stderr
    assert read_tree(course_copy / "build" / "site") == before


def test_a_broken_link_fails_naming_the_lesson_line_and_keeps_the_last_site(course_copy):
    """Found before mkdocs' strict build would (source/assets.py), at the lesson's line."""
    before = read_tree(course_copy / "build" / "site")
    lesson = course_copy / "content" / "02_words.py"
    lesson.write_text(lesson.read_text().replace("# A sentence is a list of words.",
                                                 "# See [the glossary](glossary.md)."))
    line = lesson.read_text().split("\n").index("# See [the glossary](glossary.md).") + 1
    for command in ("notebooks", "site"):
        result = run_build(course_copy, command)
        assert result.returncode == 2
        assert f"content/02_words.py:{line}: 'glossary.md' does not exist" in result.stderr
    assert read_tree(course_copy / "build" / "site") == before


def test_a_renderer_that_leaks_fails_the_build_naming_page_and_lesson_line(course_copy,
                                                                           monkeypatch):
    before = read_tree(course_copy / "build" / "site")
    # the solutions, not the speaker notes: the figure of 02_words' note is not on the
    # student site, and mkdocs would refuse its link before the scan
    monkeypatch.setattr(coursekit.publish.site, "notes_notebook",
                        lambda exercise, solution, executed, published, instructor=False:
                        merge_outputs(drop_speaker_notes(solution), executed))
    with pytest.raises(LeakError) as caught:
        build_site(Project(course_copy))
    message = str(caught.value)
    assert "build/site/lessons/01_squares.html: contains solution line " \
           "'squared_value_of_x = x * x'" in message
    source = (FIXTURE / "content" / "01_squares.py").read_text().split("\n")
    line = source.index("    squared_value_of_x = x * x") + 1
    assert f"content/01_squares.py:{line}" in message
    assert "search/search_index.json (lessons/01_squares.html#your-turn)" in message
    assert read_tree(course_copy / "build" / "site") == before


def test_a_deck_that_leaks_fails_the_build(course_copy, monkeypatch):
    # the instructor's deck (solutions on a fragment) where the student's belongs
    monkeypatch.setattr(coursekit.publish.site, "lesson_deck",
                        lambda *args, **kwargs: lesson_deck(*args, **{**kwargs,
                                                                       "instructor": True}))
    with pytest.raises(LeakError, match=r"build/site/slides/02_words.html: contains solution "
                                        r"line 'words = sentence.split\(\)'"):
        build_site(Project(course_copy))


def test_a_course_that_publishes_solutions_shows_them_collapsed_never_in_decks(course_copy):
    config = course_copy / "course.yml"
    config.write_text(config.read_text().replace("publish_solutions: false",
                                                 "publish_solutions: true"))
    for command in ("site", "bundle"):
        result = run_build(course_copy, command)
        assert result.returncode == 0, result.stderr
    site = course_copy / "build" / "site"
    html = (site / "lessons" / "02_words.html").read_text()
    block = BeautifulSoup(html, "html.parser").select_one("details.success")
    assert block.summary.get_text() == "Solution"
    assert "words = sentence.split()" in block.get_text()
    assert "there are 4 words" in block.get_text()  # the solution's verified output
    assert "sentence.split" not in visible((site / "slides" / "02_words.html").read_text())


def test_the_site_verifies_lessons_that_have_no_current_run(course_copy):
    shutil.rmtree(course_copy / "build" / "executed")
    (course_copy / "build" / "report.json").unlink()
    result = run_build(course_copy, "site")
    assert result.returncode == 0, result.stderr
    report = json.loads((course_copy / "build" / "report.json").read_text())
    assert sorted(run["lesson"] for run in report["runs"]) == list(STEMS)
    assert "verify 01_squares: passed" in result.stderr


def test_a_lesson_that_fails_its_verification_stops_the_site(course_copy):
    before = read_tree(course_copy / "build" / "site")
    lesson = course_copy / "content" / "02_words.py"
    lesson.write_text(lesson.read_text().replace("words = sentence.split()",
                                                 "words = sentence.split()[:2]"))
    assert run_build(course_copy, "notebooks").returncode == 0
    result = run_build(course_copy, "site")
    assert result.returncode == 1, result.stdout + result.stderr
    assert ("build/report.json: cannot build the site: 02_words failed verification. "
            "`python build.py verify` shows what went wrong") in result.stderr
    assert read_tree(course_copy / "build" / "site") == before


def test_the_preview_rebuilds_a_changed_lesson_without_running_it(course_copy):
    lesson = course_copy / "content" / "01_squares.py"
    lesson.write_text(lesson.read_text().replace('print("squares:", squares)',
                                                 'print("the squares:", squares)'))
    _, changed = refresh_preview(Project(course_copy))
    page_path = course_copy / "build" / "site-src" / "lessons" / "01_squares.md"
    assert page_path in changed
    page = page_path.read_text()
    assert 'print("the squares:", squares)' in page
    assert "squares: [0, 1, 4, 9, 16]" not in page  # that output came from the old code
    assert "epoch 40/40" in page  # an unchanged cell keeps its verified output
    assert '!!! warning "Edited since its verification"' in page
    _, again = refresh_preview(Project(course_copy))
    assert again == []  # nothing changed: nothing is written, the server does not loop


@pytest.mark.parametrize("breakage, message", [
    # no node_modules and no package.json: nothing says which reveal.js to install (with a
    # package.json the build would run `npm ci`, which needs the registry: not in a test)
    (lambda root: [(root / name).unlink() for name in ("node_modules", "package.json")],
     "package.json not found: it pins reveal.js and MathJax"),
    (lambda root: (root / "exercises" / "02_words.ipynb").write_text("{}"),
     "exercises/02_words.ipynb: differs from what content/ generates. run `python build.py "
     "notebooks`"),
    (lambda root: (root / "course.yml").write_text(
        (FIXTURE / "course.yml").read_text().replace("after: 01_squares", "after: 09_nope")),
     "course.yml:17: the break 'Coffee break' comes after lesson '09_nope', which content/ "
     "does not have. lessons: 01_squares, 02_words"),
    (lambda root: (root / "build" / "report.json").write_text('{"runs": [\n}'),
     "build/report.json:2: not valid JSON"),
], ids=["no-npm-packages", "exercises-out-of-sync", "unknown-schedule-lesson", "bad-report"])
def test_bad_inputs_fail_with_a_message_and_keep_the_last_site(course_copy, breakage, message):
    before = read_tree(course_copy / "build" / "site")
    breakage(course_copy)
    result = run_build(course_copy, "site")
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert read_tree(course_copy / "build" / "site") == before
