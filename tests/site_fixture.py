"""The tiny fixture course of the site, slides and bundle tests (tests/fixtures/site/).

Its lessons need no TensorFlow and run in seconds, so the end-to-end tests build it for
real: ``python build.py`` (notebooks, verify, site, bundle) in a temporary folder that has
the repository's mkdocs.yml, requirements.txt and installed npm packages.
"""

from __future__ import annotations

import base64
import copy
import functools
from pathlib import Path

import nbformat

from conftest import run_build
from verify_fixture import SITE_COURSE, copy_course

FIXTURE = SITE_COURSE
GOLDEN = FIXTURE / "golden"
# a 1×1 PNG: the stand-in figure of the synthetic executed notebooks
PIXEL = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478"
    "9c63f8cfc0000003010100c9fe92ef0000000049454e44ae426082")).decode()


def build_course(dest: Path, *args: str) -> Path:
    """The fixture course built for real (``python build.py ARGS``) in ``dest``/site."""
    root = copy_course("site", dest, site=True)
    result = run_build(root, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def fake_executed(solution: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A stand-in for an executed solution: every code cell prints its id; the plot cell
    shows a figure; the training loop prints a long log with a progress bar."""
    nb = copy.deepcopy(solution)
    for index, cell in enumerate(nb.cells):  # papermill's cell of the profile's values
        if "parameters" in cell.metadata.get("tags", []):
            injected = nbformat.v4.new_code_cell("# Parameters\nn = 5\n",
                                                 metadata={"tags": ["injected-parameters"]})
            nb.cells.insert(index + 1, injected)
            break
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout",
                                               text=f"output of {cell.id}\n")]
        if "plt.show()" in cell.source:
            cell.outputs.append(nbformat.v4.new_output("display_data",
                                                       data={"image/png": PIXEL,
                                                             "text/plain": "<Figure>"}))
        if "for epoch" in cell.source:
            log = "".join(f"epoch {n}/40 [{'=' * (n % 5)}]\r\x1b[32mepoch {n}/40 done\x1b[0m\n"
                          for n in range(1, 41))
            cell.outputs.append(nbformat.v4.new_output("stream", name="stdout", text=log))
    return nb


GOLDEN_RUN = {"lesson": "", "profile": "smoke", "backend": "tensorflow", "status": "passed",
              "date": "2026-01-15", "device": {"cpu": "Fixture CPU", "cores": 2, "gpus": []}}


def slides_part(html: str) -> str:
    """The deck's slides, without the ~250 kB of inlined nbconvert CSS around them."""
    start = html.index('<div class="reveal">')
    return html[start:html.index("</main>", start)]


@functools.cache  # three test modules and the golden script read them
def golden_renderings() -> dict[str, str]:
    """Golden file name → what the page and deck renderers make of the fixture lessons,
    with synthetic outputs (no kernel): the notes pages with and without published
    solutions, and the slides of each deck."""
    from coursekit.config import load_course
    from coursekit.publish.pages import LessonLinks, lesson_page
    from coursekit.publish.schedule import outcomes_page, schedule_table, timetable
    from coursekit.publish.slides import lesson_deck
    from coursekit.publish.student_view import notes_notebook
    from coursekit.run.verify import Verified
    from coursekit.source.lesson import load_lessons
    from coursekit.source.transforms import exercise_notebook, solution_notebook

    course = load_course(FIXTURE / "course.yml")
    lessons = load_lessons(FIXTURE / "content")
    link = lambda stem: f"lessons/{stem}.md"  # noqa: E731
    found = {"schedule.md": schedule_table(course, lessons, link) + "\n",
             "outcomes.md": outcomes_page(lessons, link)}
    for lesson in lessons:
        exercise, solution = exercise_notebook(lesson, course), solution_notebook(lesson, course)
        executed = fake_executed(solution)
        run = dict(GOLDEN_RUN, lesson=lesson.stem, metrics={"total": 30, "words": 4})
        links = LessonLinks(colab="COLAB", notebook="NOTEBOOK", slides="SLIDES")
        for published in (False, True):
            view = notes_notebook(exercise, solution, executed, published)
            page, _ = lesson_page(lesson, view, links, Verified(run, executed, True))
            found[f"{lesson.stem}{'.solutions' if published else ''}.md"] = page
        view = notes_notebook(exercise, solution, executed, False, instructor=True)
        slot = next(s for s in timetable(course, lessons) if s.lesson is lesson)
        page, _ = lesson_page(lesson, view, links, Verified(run, executed, True),
                              instructor=True, slot=slot)
        found[f"{lesson.stem}.instructor.md"] = page
        deck = lesson_deck(lesson, exercise, solution, executed)
        found[f"{lesson.stem}.slides.html"] = slides_part(deck)
    return found
