"""The instructor's deck is safe to project, in a real browser (issue 21, items 3 and 6).

The fixture course's decks (tests/fixtures/site, synthetic outputs: no kernel) are rendered
in-process into a folder laid out like a site (``slides/``, reveal.js and MathJax beside
them) and opened at 1280×720 in Debian's Chromium, every outside request refused:

* → , Space, PageDown and N never put a solution on the main screen; the answer key (A)
  does, and hides it again; the countdown stays on the slide and keeps running;
* the speaker view shows the solution and says which deck this is; the main screen says
  it discreetly (beside the slide number);
* the timer's button pauses and resumes with Space without moving the slide, and the
  countdown survives leaving the slide, coming back and reloading the deck;
* Tab never reaches an element of a slide that is not shown, and axe finds nothing
  serious on the exercise slide with its solution hidden and shown;
* the title slide names course, lesson, presenter and day, every slide of both decks fits
  (the build's fit check, solutions shown too). (The title slide's link to the notes
  page is followed on the built site: tests/test_browser_deck_links.py.)

Screenshots of an exercise slide before and after the answer key go to $COURSEKIT_SHOTS
when it is set (to look at them).
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import expect

from browser import (  # noqa: F401 (browser: a fixture)
    AXE,
    BLOCKING,
    browser,
    gated_context,
    write_deck_assets,
)
from coursekit.config import load_course
from coursekit.publish.deck_check import measure, open_deck
from coursekit.publish.deck_view import deck_view
from coursekit.publish.slides import lesson_deck, render_deck
from coursekit.source.lesson import load_lessons
from coursekit.source.transforms import exercise_notebook, solution_notebook
from site_fixture import FIXTURE, fake_executed

STEM = "01_squares"  # its exercise: write square(x), its solution names squared_value_of_x
SOLUTION_TEXT = "squared_value_of_x"
NEXT_KEYS = ("ArrowRight", "Space", "PageDown", "n")
SHOTS = os.environ.get("COURSEKIT_SHOTS")
DAY = "2026-12-05"


@pytest.fixture(scope="module")
def decks(tmp_path_factory) -> Path:
    """A site-like folder with the fixture lessons' student and instructor decks:
    slides/<stem>.html and slides/<stem>.instructor.html."""
    site = tmp_path_factory.mktemp("decks")
    course = load_course(FIXTURE / "course.yml")
    course = dataclasses.replace(course, schedule=dataclasses.replace(course.schedule,
                                                                      date=DAY))
    for lesson in load_lessons(FIXTURE / "content"):
        exercise, solution = exercise_notebook(lesson, course), solution_notebook(lesson, course)
        executed = fake_executed(solution)
        for instructor, name in ((False, lesson.stem), (True, f"{lesson.stem}.instructor")):
            html = lesson_deck(lesson, exercise, solution, executed, instructor=instructor,
                               course=course)
            path = site / "slides" / f"{name}.html"
            path.parent.mkdir(exist_ok=True)
            path.write_text(html, encoding="utf-8")
    (site / "slides" / f"{LONG}.instructor.html").write_text(long_solution_deck(),
                                                              encoding="utf-8")
    write_deck_assets(site)
    return site


LONG = "99_long"  # an exercise whose solution takes three slides
LONG_LINES = 40


def long_solution_deck() -> str:
    """The instructor's deck of a lesson whose solution is a 42-line function."""
    body = [f"    total_{n} = x * {n}  # step {n} of a long answer" for n in range(LONG_LINES)]
    notebooks = []
    for source in ("def long_answer(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()",
                   "\n".join(["def long_answer(x):", *body, f"    return total_{LONG_LINES - 1}"])):
        nb = nbformat.v4.new_notebook()
        task = nbformat.v4.new_markdown_cell("## A long answer\n\nWrite `long_answer`.",
                                             id="cell-000")
        code = nbformat.v4.new_code_cell(source, id="cell-001")
        task.metadata["slideshow"], code.metadata["slideshow"] = ({"slide_type": "slide"},
                                                                  {"slide_type": "-"})
        nb.cells = [task, code]
        notebooks.append(nb)
    view = deck_view(*notebooks, None, instructor=True, source=f"content/{LONG}.py",
                     lines={"cell-000": 12, "cell-001": 16})
    return render_deck(view, "A long answer")


@pytest.fixture
def deck(browser, decks):  # noqa: F811
    """open(name) → a page showing slides/<name>.html at 1280×720; ``blocked``: what it
    tried to load from outside the folder."""
    context, blocked = gated_context(browser, (decks.resolve().as_uri() + "/", "data:",
                                               "about:"),
                                     viewport={"width": 1280, "height": 720})
    yield (lambda name: open_deck(context, decks / "slides" / f"{name}.html")), blocked
    context.close()


def go_to_exercise(page) -> int:
    index = page.evaluate("[...document.querySelectorAll('.reveal .slides > section')]"
                          ".findIndex(s => s.dataset.exercise === '1')")
    assert index >= 0
    page.evaluate(f"Reveal.slide({index}, 0, -1)")
    return index


def present(page, selector: str):
    return page.locator(f".reveal .slides > section.present {selector}")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / name))


def test_next_keys_never_project_the_solution_only_the_answer_key_does(deck):
    open_page, blocked = deck
    page = open_page(f"{STEM}.instructor")
    exercise = go_to_exercise(page)
    solution, stub = present(page, ".ck-swap-in"), present(page, ".ck-swap-out")
    timer = present(page, ".ck-timer")
    assert solution.count() == 1 and SOLUTION_TEXT in solution.text_content()
    assert not solution.is_visible() and stub.is_visible() and timer.is_visible()
    assert page.evaluate("Reveal.availableFragments().next") is False  # nothing to step to
    shot(page, "instructor-exercise-before.png")
    timer.locator("button").click()  # the countdown runs before, during and after
    for key in NEXT_KEYS:  # each moves on to the next slide, never shows the solution
        go_to_exercise(page)
        page.keyboard.press(key)
        assert page.evaluate("Reveal.getIndices().h") == exercise + 1, key
        visible = page.locator(".reveal .slides .ck-swap-in").evaluate_all(
            "els => els.filter(el => el.getClientRects().length).length")
        assert visible == 0, key
    go_to_exercise(page)
    page.keyboard.press("ArrowLeft")  # and back onto it from the next slide: still hidden
    page.keyboard.press("ArrowRight")
    assert page.evaluate("Reveal.getIndices().h") == exercise and not solution.is_visible()
    clock = present(page, ".ck-timer-clock")
    before = clock.inner_text()
    page.keyboard.press("a")  # the documented key
    expect(solution).to_be_visible()
    assert not stub.is_visible() and timer.is_visible()
    assert SOLUTION_TEXT in solution.inner_text()
    page.wait_for_function(f"document.querySelector('section.present .ck-timer-clock')"
                           f".textContent !== '{before}'", timeout=5000)
    assert page.evaluate("Reveal.getIndices().h") == exercise  # the slide stayed
    shot(page, "instructor-exercise-after-A.png")
    page.keyboard.press("a")  # and again: hidden
    expect(solution).to_be_hidden()
    assert stub.is_visible()
    page.keyboard.press("a")
    page.keyboard.press("ArrowRight")  # leaving hides it: coming back never projects it
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("Reveal.getIndices().h") == exercise and not solution.is_visible()
    assert blocked == []


def test_the_student_deck_has_no_answer_key(deck):
    open_page, blocked = deck
    page = open_page(STEM)
    go_to_exercise(page)
    page.keyboard.press("a")
    assert page.locator(".reveal .ck-swap-in").count() == 0
    assert SOLUTION_TEXT not in page.content()
    assert page.locator(".reveal aside.notes").count() == 0
    assert "Instructor" not in page.evaluate(
        "getComputedStyle(document.querySelector('.reveal .slide-number'), '::before')"
        ".content")
    assert blocked == []


def test_the_speaker_view_shows_the_solution_and_names_the_deck(deck):
    open_page, blocked = deck
    page = open_page(f"{STEM}.instructor")
    assert page.title().endswith("instructor deck slides")
    label = page.evaluate("getComputedStyle(document.querySelector('.reveal .slide-number'),"
                          " '::before').content")
    assert "Instructor deck" in label  # discreetly, on the main screen
    with page.expect_popup() as popup:
        page.keyboard.press("s")
    speaker = popup.value
    notes = speaker.locator(".speaker-controls-notes .value")
    expect(notes).to_contain_text("Instructor deck")  # on the first slide already
    go_to_exercise(page)
    expect(notes).to_contain_text(SOLUTION_TEXT)
    expect(notes).to_contain_text("press A to show it on the screen")
    assert not present(page, ".ck-swap-in").is_visible()  # the room still sees the stub
    speaker.close()
    assert blocked == []


def test_space_on_the_timer_pauses_it_without_moving_and_it_survives_leaving(deck):
    open_page, blocked = deck
    page = open_page(STEM)
    exercise = go_to_exercise(page)
    button, clock = present(page, ".ck-timer-button"), present(page, ".ck-timer-clock")
    minutes = int(present(page, ".ck-timer").get_attribute("data-minutes"))
    button.focus()
    page.keyboard.press("Space")  # start
    assert page.evaluate("Reveal.getIndices().h") == exercise
    expect(button).to_contain_text("Pause")
    page.wait_for_function("document.querySelector('section.present .ck-timer-clock')"
                           f".textContent !== '{minutes}:00'", timeout=5000)
    page.keyboard.press("Space")  # pause
    assert page.evaluate("Reveal.getIndices().h") == exercise
    expect(button).to_contain_text("Resume")
    paused = clock.inner_text()
    page.wait_for_timeout(1300)
    assert clock.inner_text() == paused  # paused means paused
    page.keyboard.press("Enter")  # resume, by the other key a button takes
    expect(button).to_contain_text("Pause")
    page.evaluate(f"Reveal.slide({exercise + 1})")  # away for a while, then back
    page.wait_for_timeout(2200)
    page.evaluate(f"Reveal.slide({exercise})")
    seconds = lambda text: int(text.split(":")[0]) * 60 + int(text.split(":")[1])  # noqa: E731
    assert seconds(clock.inner_text()) <= seconds(paused) - 2  # it ran while away
    expect(button).to_contain_text("Pause")
    page.reload()  # a reload of the deck keeps the countdown
    page.wait_for_function("window.coursekitDeck && window.Reveal && Reveal.isReady()")
    go_to_exercise(page)
    expect(present(page, ".ck-timer-button")).to_contain_text("Pause")
    assert seconds(present(page, ".ck-timer-clock").inner_text()) < minutes * 60 - 2
    assert blocked == []


def focused_slide(page):
    """The index of the slide that holds the focused element (None: outside the slides)."""
    return page.evaluate("(() => { const s = document.activeElement"
                         " && document.activeElement.closest('.reveal .slides > section');"
                         " return s ? [...s.parentElement.children].indexOf(s) : null; })()")


@pytest.mark.parametrize("name", [STEM, f"{STEM}.instructor"])
def test_tab_never_reaches_a_hidden_slide(deck, name):
    open_page, blocked = deck
    page = open_page(name)
    total = page.evaluate("Reveal.getTotalSlides()")
    for index in range(total):
        page.evaluate(f"Reveal.slide({index}, 0, -1)")
        page.evaluate("document.activeElement && document.activeElement.blur()")
        for _ in range(12):
            page.keyboard.press("Tab")
            where = focused_slide(page)
            assert where in (None, index), f"slide {index + 1}: focus on slide {where + 1}"
    assert blocked == []


def test_the_overview_still_picks_any_slide(deck):
    """Hidden slides are inert for the keyboard, not for the overview (Esc): a click on a
    slide there still goes to it."""
    open_page, blocked = deck
    page = open_page(f"{STEM}.instructor")
    page.keyboard.press("Escape")
    page.wait_for_function("Reveal.isOverview()")
    page.locator(".reveal .slides > section").nth(2).click()
    page.wait_for_function("!Reveal.isOverview()")
    assert page.evaluate("Reveal.getIndices().h") == 2
    inert = page.evaluate("[...document.querySelectorAll('.reveal .slides > section')]"
                          ".map(s => s.inert)")
    assert inert == [index != 2 for index in range(len(inert))]
    assert blocked == []


def test_axe_finds_nothing_serious_on_any_slide_nor_with_the_solution_shown(deck):
    open_page, blocked = deck
    page = open_page(f"{STEM}.instructor")
    page.add_script_tag(path=str(AXE))
    total = page.evaluate("Reveal.getTotalSlides()")
    states = [(index, False) for index in range(total)] + [(go_to_exercise(page), True)]
    for index, answer in states:
        page.evaluate(f"Reveal.slide({index}, 0, -1)")
        if answer:
            page.keyboard.press("a")
        found = page.evaluate("axe.run(document).then(r => r.violations"
                              ".map(v => [v.id, v.impact]))")
        assert [v for v in found if v[1] in BLOCKING] == [], (index, answer)
    assert blocked == []


def test_the_title_slide_names_the_course_lesson_presenter_and_day(deck):
    open_page, blocked = deck
    page = open_page(f"{STEM}.instructor")
    first = page.locator(".reveal .slides > section").first
    assert page.evaluate("Reveal.getIndices().h") == 0
    text = first.inner_text()
    assert "Tiny Fixture Course" in text and "squares and a plot" in text.lower()
    assert "Ada Example · 5 December 2026" in text
    expect(first.get_by_role("link", name="The notes page of this lesson")).to_be_visible()
    shot(page, "instructor-title-slide.png")
    assert blocked == []


@pytest.mark.parametrize("name", [STEM, f"{STEM}.instructor", "02_words",
                                  "02_words.instructor", f"{LONG}.instructor"])
def test_every_slide_fits_with_its_solution_hidden_and_shown(deck, name):
    open_page, blocked = deck
    slides = measure(open_page(name))
    assert [(s.index, s.problems) for s in slides if not s.fits()] == []
    assert all(s.source.endswith(".py") and s.line > 0 for s in slides)
    assert blocked == []



def test_a_long_solution_goes_on_over_the_next_slides_hidden_until_the_answer_key(deck):
    """Issue 19 item 8: a 42-line solution is not one slide that cannot fit but three,
    each hidden from the room until A; shown when the presenter moves on, it stays shown."""
    open_page, blocked = deck
    page = open_page(f"{LONG}.instructor")
    exercise = go_to_exercise(page)
    shown = ("[...document.querySelectorAll('.reveal .slides > section.present .ck-swap-in')]"
             ".filter(e => e.checkVisibility()).map(e => e.textContent).join(' ')")
    steps = []
    for _ in range(3):  # the exercise's slide and its two continuations, solution hidden
        steps.append(page.evaluate(shown))
        page.keyboard.press("ArrowRight")
    assert steps == ["", "", ""]
    assert page.evaluate("Reveal.getIndices().h") == exercise + 2  # the deck's last
    go_to_exercise(page)
    page.keyboard.press("a")
    texts = [page.evaluate(shown)]
    for _ in range(2):
        page.keyboard.press("ArrowRight")
        texts.append(page.evaluate(shown))
    # every line of the solution once, in order, over the three slides
    found = [f"total_{n} = " for text in texts for n in range(LONG_LINES) if
             f"total_{n} = x" in text]
    assert found == [f"total_{n} = " for n in range(LONG_LINES)]
    assert all(texts) and "return total_39" in texts[-1]
    assert "Solution to exercise 1, continued" in present(page, "").first.text_content()
    page.keyboard.press("ArrowLeft")  # back onto a part of it: hidden again, as ever
    assert page.evaluate(shown) == ""
    assert blocked == []
