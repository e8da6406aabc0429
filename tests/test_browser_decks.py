"""The shipped course's decks in a real browser: every slide fits 1280×720 and is reached
by the right arrow and the space bar, code is readable, figures and exercises are there,
solutions only in the instructor's deck, and axe-core finds nothing serious.

The course is verified once per session (tests/conftest.py: ``real_course``, shared with
test_course_verify.py), then ``build.py site`` builds the student decks, running the
build's own fit check; the instructor decks are rendered beside them with
``lesson_deck(..., instructor=True)`` (tests/conftest.py: ``shipped_site``, shared with
test_browser_shipped_pages.py). Headless Chromium from the Debian package, driven by
Playwright; every request outside the site is refused and recorded.

A tiny fixture lesson with a slide that cannot fit shows the build error names its file
and line, and what happens when no browser is there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import nbformat
import pytest
from bs4 import BeautifulSoup

from browser import AXE, BLOCKING, browser, gated_context  # noqa: F401 (a fixture)
from conftest import ROOT, run_build
from coursekit.config import Project, load_course
from coursekit.publish.deck_check import MIN_CODE_PX, measure, open_deck
from coursekit.publish.deck_check import SKIP_ENV as FIT_CHECK_SKIP_ENV
from coursekit.publish.long_solutions import CONTINUES
from coursekit.run.verify import find_verified
from coursekit.source.leaks import scan_files, secrets_by_stem
from coursekit.source.lesson import load_lessons
from coursekit.source.transforms import solution_notebook
from verify_fixture import copy_course

LESSONS = load_lessons(ROOT / "content")
STEMS = [lesson.stem for lesson in LESSONS]
BY_STEM = {lesson.stem: lesson for lesson in LESSONS}
TEMPERATURES = ("0.2", "0.6", "1.0", "1.4")  # lesson 03's samples


@pytest.fixture
def deck_page(browser, shipped_site):  # noqa: F811
    """open(path relative to the site) → a page showing that deck at 1280×720; what it
    tried to load from outside the site is in ``blocked``."""
    allowed = shipped_site.resolve().as_uri() + "/"
    context, blocked = gated_context(browser, (allowed, "data:", "about:"),
                                     viewport={"width": 1280, "height": 720})
    yield (lambda relative: open_deck(context, shipped_site / relative)), blocked
    context.close()


def executed(real_course, stem):
    course = load_course(real_course / "course.yml")
    solution = solution_notebook(BY_STEM[stem], course)
    return find_verified(Project(real_course), {stem: solution}, "smoke",
                         "tensorflow")[stem].executed


def exercises(stem) -> int:
    return sum(1 for cell in BY_STEM[stem].cells if cell.split.exercise != cell.split.solution)


@pytest.mark.parametrize("stem", STEMS)
def test_every_slide_fits_and_its_code_is_readable(deck_page, stem):
    open_page, blocked = deck_page
    page = open_page(f"slides/{stem}.html")
    slides = measure(page)
    assert len(slides) >= 10
    for slide in slides:
        where = f"{stem} slide {slide.index + 1} (content line {slide.line})"
        assert slide.problems == [], where
        assert slide.min_code_px is None or slide.min_code_px >= MIN_CODE_PX - 0.01, where
        assert slide.source == f"content/{stem}.py" and slide.line > 0, where
    # plain code blocks (the ASCII diagrams) are code too: 16 px at the least, everywhere
    sizes = page.evaluate("[...document.querySelectorAll('.reveal .slides pre')]"
                          ".map(pre => parseFloat(getComputedStyle(pre).fontSize))")
    assert sizes and min(sizes) >= MIN_CODE_PX
    assert blocked == []


def step_through(page, key: str) -> list[int]:
    """The slide index after each press of ``key``, from the first slide to the last."""
    page.evaluate("Reveal.slide(0, 0, -1)")
    seen = [page.evaluate("Reveal.getIndices().h")]
    for _ in range(400):
        if page.evaluate("Reveal.isLastSlide() && !Reveal.availableFragments().next"):
            break
        page.keyboard.press(key)
        seen.append(page.evaluate("Reveal.getIndices().h"))
    return seen


@pytest.mark.parametrize("stem", STEMS)
def test_right_arrow_and_space_reach_every_slide_in_order(deck_page, stem):
    open_page, blocked = deck_page
    page = open_page(f"slides/{stem}.html")
    total = page.evaluate("Reveal.getTotalSlides()")
    assert page.locator(".reveal .slides > section").count() == total
    assert page.locator(".reveal .slides > section > section").count() == 0  # no stacks
    for key in ("ArrowRight", "Space"):
        seen = step_through(page, key)
        assert list(dict.fromkeys(seen)) == list(range(total)), key
        assert seen == sorted(seen), key  # never backwards, never a jump
    number = page.locator(".reveal .slide-number").bounding_box()
    assert page.locator(".reveal .slide-number").inner_text().strip() == f"{total} / {total}"
    # each visible arrow, not their container: the arrows sit in the side margins now, so
    # the container spans the slide's width
    buttons = page.locator(".reveal .controls button:visible")
    for index in range(buttons.count()):
        control = buttons.nth(index).bounding_box()
        overlaps = (number["x"] < control["x"] + control["width"]
                    and control["x"] < number["x"] + number["width"]
                    and number["y"] < control["y"] + control["height"]
                    and control["y"] < number["y"] + number["height"])
        assert not overlaps, (number, control)
    assert number["y"] + number["height"] <= 720
    assert blocked == []


def shown_cells(nb):
    """The code cells whose figures a deck shows: a slide's own, and the others of a section
    the deck shows (not one whose Markdown is `skip` or an unmarked heading: a `skip` code
    cell behind a shown slide shows its results, no empty promises)."""
    shown = True
    for cell in nb.cells:
        kind = cell.metadata.get("slideshow", {}).get("slide_type")
        if cell.cell_type == "markdown" and kind not in (None, "notes"):
            shown = kind != "skip"
        elif cell.cell_type == "markdown" and kind is None and cell.source.startswith("#"):
            shown = False
        elif cell.cell_type == "code" and (kind not in (None, "skip") or shown):
            yield cell


@pytest.mark.parametrize("stem", STEMS)
def test_every_figure_of_the_lesson_is_on_the_deck_with_alt_text(deck_page, real_course, stem):
    ran = executed(real_course, stem)
    figures = sum(1 for cell in shown_cells(ran) for output in cell.get("outputs", [])
                  if "image/png" in output.get("data", {}))
    open_page, blocked = deck_page
    page = open_page(f"slides/{stem}.html")
    images = page.locator(".reveal .slides img")
    assert images.count() == figures
    alts = [images.nth(n).get_attribute("alt") for n in range(figures)]
    assert all(alt and alt.startswith("Figure: ") and len(alt) > len("Figure: ") + 3
               for alt in alts), alts
    assert blocked == []


@pytest.mark.parametrize("stem", STEMS)
def test_every_exercise_has_a_slide_with_its_task_stub_and_timer(deck_page, stem):
    open_page, blocked = deck_page
    page = open_page(f"slides/{stem}.html")
    slides = page.locator(".reveal .slides > section[data-exercise]")
    count = exercises(stem)
    assert count >= 1 and slides.count() == count
    for n in range(count):
        slide = slides.nth(n)
        assert slide.get_attribute("data-exercise") == str(n + 1)
        assert slide.locator("pre").count() >= 1
        assert any(stub in slide.inner_text() for stub in ("YOUR CODE HERE", "YOUR ANSWER HERE"))
        assert slide.locator("h2, h3, p").count() >= 1  # the task
        timer = slide.locator(".ck-timer")
        assert int(timer.get_attribute("data-minutes")) >= 1
        assert slide.locator(".ck-swap-in").count() == 0  # no solution for students
    assert blocked == []


def deck_slides(html: bytes) -> list[dict]:
    """Each top-level slide: its source line, exercise number, solutions and continuation."""
    slides = BeautifulSoup(html, "html.parser").select(".reveal .slides > section")
    return [{"line": s.get("data-line"), "exercise": s.get("data-exercise"),
             "solutions": len(s.select(".ck-swap-in")),
             "continues": s.select_one(f".{CONTINUES}")} for s in slides]


@pytest.mark.parametrize("stem", STEMS)
def test_solutions_only_in_the_instructors_deck(shipped_site, stem):
    secrets = secrets_by_stem([BY_STEM[stem]])
    student = (shipped_site / "slides" / f"{stem}.html").read_bytes()
    instructor = (shipped_site / "instructor-slides" / f"{stem}.html").read_bytes()
    # the build's own leak scanner: nothing in the student's deck, the solutions in the other
    assert scan_files({f"slides/{stem}.html": student}, secrets) == []
    assert scan_files({f"slides/{stem}.html": instructor}, secrets) != []
    student, instructor = deck_slides(student), deck_slides(instructor)
    assert all(s["solutions"] == 0 and s["continues"] is None for s in student)
    # the student's slides, in order, plus a long solution's continuations (publish/long_solutions)
    own = [s for s in instructor if s["continues"] is None]
    assert [(s["line"], s["exercise"]) for s in own] == \
        [(s["line"], s["exercise"]) for s in student]
    assert [s["solutions"] for s in own if s["exercise"]] == [1] * exercises(stem)
    assert sum(s["solutions"] for s in own) == exercises(stem)
    number = None  # the exercise a continuation carries on: the last one shown
    for slide in instructor:
        if slide["exercise"]:
            number = slide["exercise"]
        elif slide["continues"] is not None:
            assert slide["solutions"] == 1
            assert f"exercise {number}," in slide["continues"].get_text(), stem
        else:
            number = None  # a continuation only ever follows its exercise


def test_the_instructor_deck_shows_the_solution_by_its_answer_key_only(deck_page):
    open_page, blocked = deck_page
    page = open_page("instructor-slides/00_welcome.html")
    first = page.evaluate("[...document.querySelectorAll('.reveal .slides > section')]"
                          ".findIndex(s => s.dataset.exercise === '1')")
    page.evaluate(f"Reveal.slide({first}, 0, -1)")
    solution = page.locator(".reveal .slides > section.present .ck-swap-in")
    stub = page.locator(".reveal .slides > section.present .ck-swap-out",
                        has_text="YOUR CODE HERE")
    timer = page.locator(".reveal .slides > section.present .ck-timer")
    assert not solution.is_visible() and stub.is_visible() and timer.is_visible()
    page.keyboard.press("a")  # the answer key (→ moves on: tests/test_browser_instructor_deck)
    assert solution.is_visible() and not stub.is_visible() and timer.is_visible()
    assert page.evaluate("Reveal.getIndices().h") == first  # same slide
    slides = measure(page)  # the solution fits where the stub was, beside the timer
    assert all(slide.fits() for slide in slides), [s.problems for s in slides if not s.fits()]
    for stem in STEMS:  # the student's slides and long solutions' continuations, none lost
        instructor = open_page(f"instructor-slides/{stem}.html")
        student = open_page(f"slides/{stem}.html")
        count = student.evaluate("Reveal.getTotalSlides()")
        extra = instructor.locator(f".reveal .slides > section:has(.{CONTINUES})").count()
        assert instructor.evaluate("Reveal.getTotalSlides()") == count + extra
        assert instructor.locator(".reveal .slides > section").count() == count + extra
        assert instructor.locator(".reveal .slides > section[data-exercise] .ck-swap-in")\
            .count() == exercises(stem)
        unfit = [(s.line, s.problems) for s in measure(instructor) if not s.fits()]
        assert unfit == [], stem
    assert blocked == []


def test_the_exercise_timer_counts_down(deck_page):
    open_page, blocked = deck_page
    page = open_page("slides/00_welcome.html")
    page.evaluate("Reveal.slide([...document.querySelectorAll('.reveal .slides > section')]"
                  ".findIndex(s => s.dataset.exercise === '1'))")
    timer = page.locator(".reveal .slides > section.present .ck-timer")
    minutes = int(timer.get_attribute("data-minutes"))
    clock = timer.locator(".ck-timer-clock")
    assert clock.inner_text() == f"{minutes}:00"
    timer.locator("button").click()
    page.wait_for_function("document.querySelector('section.present .ck-timer-clock')"
                           f".textContent !== '{minutes}:00'", timeout=5000)
    assert clock.inner_text() == f"{minutes - 1}:59"
    assert blocked == []


def test_lesson_03_shows_every_temperature_whole(deck_page, real_course):
    open_page, blocked = deck_page
    page = open_page("slides/03_shakespeare.html")
    sample = next(str(output.text) for cell in executed(real_course, "03_shakespeare").cells
                  if "TEMPERATURES" in cell.source for output in cell.get("outputs", [])
                  if output.get("output_type") == "stream")
    slides = page.locator(".reveal .slides > section")
    text = [slides.nth(n).text_content().strip() for n in range(slides.count())]
    for temperature in TEMPERATURES:
        label = f"temperature {temperature}"
        found = [t for t in text if t.lower().startswith(label)]
        assert len(found) == 1, label
        body = sample.split(f"===== {label} =====\n")[1].split("=====")[0].strip()
        assert body.split("\n")[-1] in found[0]  # its last line: nothing trimmed
    assert not any("lines trimmed" in t for t in text)
    assert blocked == []


@pytest.mark.parametrize("stem", STEMS)
def test_axe_finds_nothing_serious_on_the_deck(deck_page, stem):
    """axe-core (the version package.json pins) on every slide: it checks only what is
    displayed, and reveal.js displays the current slide."""
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"]["axe-core"]
    open_page, blocked = deck_page
    page = open_page(f"slides/{stem}.html")
    page.add_script_tag(path=str(AXE))
    assert page.evaluate("axe.version") == pinned
    for index in range(page.evaluate("Reveal.getTotalSlides()")):
        page.evaluate(f"Reveal.slide({index}, 0, -1)")
        page.evaluate("window.coursekitDeck.fit(Reveal.getCurrentSlide())")
        violations = page.evaluate("axe.run(document).then(r => r.violations"
                                   ".map(v => ({id: v.id, impact: v.impact, n: v.nodes.length})))")
        serious = [v for v in violations if v["impact"] in BLOCKING]
        assert serious == [], f"slide {index + 1}: {serious}"
    assert blocked == []


# --- a slide that cannot fit: the tiny fixture course with one lesson made too long ----

TOO_LONG = "\n".join(["", "# %% [markdown] slideshow={\"slide_type\": \"slide\"}",
                      "# ## Far too much for one slide", "#"]
                     + [f"# - point number {n}, which a slide cannot show with the others"
                        for n in range(1, 41)]) + "\n"


@pytest.fixture(scope="module")
def too_long(tmp_path_factory):
    """The fixture course, verified, with a 40-point slide appended to lesson 02 (code
    cells unchanged); the line where that slide's cell starts."""
    root = copy_course("site", tmp_path_factory.mktemp("toolong"), site=True)
    lesson = root / "content" / "02_words.py"
    lesson.write_text(lesson.read_text() + TOO_LONG)
    for step in ("notebooks", "verify"):
        result = run_build(root, step)
        assert result.returncode == 0, result.stdout + result.stderr
    line = lesson.read_text().split("\n").index("# ## Far too much for one slide") + 1
    return root, line


def build_site_with(root, *args, **env) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("CI", FIT_CHECK_SKIP_ENV)}  # the check runs unless asked
    environment.update(env)
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(root), "site",
                           *args], capture_output=True, text=True, timeout=600, env=environment)


def test_a_slide_that_cannot_fit_fails_the_build_naming_file_and_line(too_long):
    root, line = too_long
    result = build_site_with(root)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"content/02_words.py:{line}: slide " in result.stderr
    assert "does not fit 1280×720" in result.stderr and "px below" in result.stderr
    assert not (root / "build" / "site").exists()  # nothing half-built replaced it


def test_without_chromium_the_build_fails_unless_the_check_is_skipped_on_purpose(too_long):
    """The same verdict on every machine: no browser is an error (exit 2) that says how to
    install one, never a warning; skipping the check is a choice the build reports."""
    root, _ = too_long
    missing = {"COURSEKIT_CHROMIUM": str(root / "no-chromium-here")}
    failed = build_site_with(root, **missing)
    assert failed.returncode == 2, failed.stdout + failed.stderr
    assert "cannot check that the slides fit: Chromium is not at" in failed.stderr
    assert "no-chromium-here" in failed.stderr and "apt-get install chromium" in failed.stderr
    assert "--no-fit-check" in failed.stderr
    assert not (root / "build" / "site").exists()
    skipped = build_site_with(root, "--no-fit-check", **missing)
    assert skipped.returncode == 0, skipped.stderr
    assert "the slides were not checked for fit (--no-fit-check)" in skipped.stderr
    before = (root / "build" / "site" / "index.html").read_bytes()
    again = build_site_with(root, **missing)  # an error leaves the last site as it was
    assert again.returncode == 2
    assert (root / "build" / "site" / "index.html").read_bytes() == before
    nbformat.validate(nbformat.read(root / "exercises" / "02_words.ipynb", as_version=4))
