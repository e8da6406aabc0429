"""The shipped course's student pages in a real browser, network off: axe-core (pinned)
finds no serious or critical violation on the home page, every lesson page in the light
and the dark palette, the verification page and the outcomes page; the home page's
schedule shows the clock times course.yml and the lesson headers add up to; each lesson
page states the parameters its outputs ran with; no speaker note reaches a student page.

The site is the one the deck tests use (tests/conftest.py: ``shipped_site``, built once
per session from ``real_course``), served over local HTTP; tests/browser.py has the
browser, the request gate and axe.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from browser import assert_accessible_in, browser, palette, served  # noqa: F401 (a fixture)
from conftest import ROOT
from coursekit.config import Project, load_course
from coursekit.run.verify import find_verified
from coursekit.source.leaks import normalise, speaker_note_secrets
from coursekit.source.lesson import load_lessons
from coursekit.source.transforms import solution_notebook

LESSONS = load_lessons(ROOT / "content")
LESSON_PAGES = [f"lessons/{lesson.stem}.html" for lesson in LESSONS]
OTHER_PAGES = ["index.html", "verification.html", "outcomes.html"]


@pytest.fixture(scope="module")
def shipped_url(shipped_site):
    with served(shipped_site) as url:
        yield url


@pytest.fixture
def light_page(browser, shipped_url):  # noqa: F811
    context, page, blocked = palette(browser, "light", (shipped_url, "data:", "about:"))
    yield page, blocked
    context.close()


def open_page(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")  # figures and MathJax in place before axe looks


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", OTHER_PAGES + LESSON_PAGES)
def test_axe_finds_nothing_serious(browser, shipped_url, path, scheme):  # noqa: F811
    context, page, blocked = palette(browser, scheme, (shipped_url, "data:", "about:"))
    try:
        open_page(page, shipped_url + path)
        assert_accessible_in(page, scheme, path)
        assert blocked == []
    finally:
        context.close()


def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def expected_schedule() -> list[str]:
    """The rows the day adds up to: each lesson's teaching + exercise minutes from the
    start in course.yml, each break after the lesson it follows."""
    schedule = load_course(ROOT / "course.yml").schedule
    breaks = {entry.after: entry for entry in schedule.breaks}
    rows, now = [], schedule.start
    for lesson in LESSONS:
        assert lesson.timed, f"{lesson.stem} declares no teaching/exercises minutes"
        rows.append(f"{clock(now)}–{clock(now + lesson.minutes)} {lesson.title} "
                    f"{lesson.teaching} + {lesson.exercises}")
        now += lesson.minutes
        if lesson.stem in breaks:
            pause = breaks[lesson.stem]
            rows.append(f"{clock(now)}–{clock(now + pause.minutes)} {pause.title} "
                        f"{pause.minutes}")
            now += pause.minutes
    return rows


def test_the_home_page_schedule_shows_the_days_clock_times(light_page, shipped_url):
    page, blocked = light_page
    open_page(page, shipped_url)
    rows = page.locator("article h2#schedule + table tbody tr, "
                        "article h2#schedule + .md-typeset__scrollwrap table tbody tr")
    expected = expected_schedule()
    expect(rows).to_have_count(len(expected))
    texts = [re.sub(r"\s+", " ", row).strip() for row in rows.all_inner_texts()]
    assert texts == expected
    for lesson in LESSONS:  # each lesson's row links to its page
        link = page.locator("article h2#schedule ~ * a", has_text=lesson.title).first
        assert link.get_attribute("href").endswith(f"lessons/{lesson.stem}.html")
    assert blocked == []


def verified_parameters(real_course) -> dict[str, dict]:
    """stem → the parameters the published (smoke, TensorFlow) run had injected, as the
    run report recorded them, less the data paths (where data was read, not how it ran)."""
    course = load_course(real_course / "course.yml")
    solutions = {lesson.stem: solution_notebook(lesson, course) for lesson in LESSONS}
    verified = find_verified(Project(real_course), solutions, "smoke", "tensorflow")
    found = {}
    for lesson in LESSONS:
        run = verified[lesson.stem].run
        assert run is not None and run["status"] == "passed", lesson.stem
        data = set(lesson.data.values())
        found[lesson.stem] = {name: value for name, value in run["parameters"].items()
                              if name not in data}
    return found


def test_each_lesson_page_states_the_parameters_its_outputs_ran_with(
        light_page, shipped_url, shipped_site, real_course):
    page, blocked = light_page
    parameters = verified_parameters(real_course)
    assert any(parameters.values())  # the smoke runs do inject some
    for lesson in LESSONS:
        open_page(page, f"{shipped_url}lessons/{lesson.stem}.html")
        line = page.locator("#run-parameters")
        expect(line).to_be_visible()
        text = normalise(line.inner_text())
        assert text.startswith("These outputs ran with "), (lesson.stem, text)
        used = parameters[lesson.stem]
        if not used:
            assert "the notebook's own parameters" in text, (lesson.stem, text)
        for name, value in used.items():
            assert f"{name} = {value!r}" in text, (lesson.stem, name, text)
        # it sits in the verification box, above the outputs it speaks for
        expect(page.locator("article .admonition.success #run-parameters")).to_have_count(1)
    assert blocked == []


def test_no_speaker_note_reaches_a_student_page(light_page, shipped_url):
    page, blocked = light_page
    notes = {lesson.stem: speaker_note_secrets(lesson) for lesson in LESSONS}
    assert sum(map(len, notes.values())) >= 5  # the shipped lessons do have notes to hide
    for lesson in LESSONS:
        open_page(page, f"{shipped_url}lessons/{lesson.stem}.html")
        expect(page.locator(".speaker-notes")).to_have_count(0)
        shown = normalise(page.locator("article").inner_text())
        leaked = [f"{note.path.name}:{note.line}" for note in notes[lesson.stem]
                  if note.text in shown]
        assert leaked == [], lesson.stem
    assert blocked == []


def test_every_figure_on_a_lesson_page_has_alt_text_that_names_it(light_page, shipped_url):
    """Not the bare "Figure" every image once had: the plot's title, a caption the lesson
    declares, or the heading above it."""
    page, blocked = light_page
    figures = 0
    for lesson in LESSONS:
        open_page(page, f"{shipped_url}lessons/{lesson.stem}.html")
        images = page.locator("article img")
        for n in range(images.count()):
            alt = (images.nth(n).get_attribute("alt") or "").strip()
            named = alt.removeprefix("Figure:").strip()
            assert named.lower() not in ("", "figure", "image", "plot") and len(named) > 3, \
                (lesson.stem, n, alt)
            assert images.nth(n).evaluate("i => i.complete && i.naturalWidth > 0"), lesson.stem
        figures += images.count()
    assert figures >= len(LESSONS)  # every lesson shows at least one figure
    assert blocked == []
