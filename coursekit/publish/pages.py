"""The site's Markdown pages: home, one notes page per lesson, the verification table.

Everything here is text in, text out (no disk, no clock): the site builder decides where
pages go, so the same inputs always give the same pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbconvert import MarkdownExporter
from nbconvert.utils.base import NbConvertBase
from nbformat import NotebookNode
from traitlets.config import Config

from ..config import Course, instructors_markdown
from ..run.report import PASSED, checks_text
from ..run.verify import Verified
from ..source.lesson import Lesson

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class LessonLinks:
    """Where a notes page points, relative to the page (lessons/<stem>.md)."""

    colab: str
    notebook: str
    slides: str


def fenced(text: str, lang: str = "") -> str:
    """A fenced block that survives backticks inside the text (a longer fence)."""
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=2)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{lang}\n{text.rstrip(chr(10))}\n{fence}"


def with_json_outputs() -> Config:
    """Let nbconvert pick ``application/json`` outputs (the metrics cell's), so that
    they render instead of raising "not able to be represented" warnings."""
    priority = list(NbConvertBase().display_data_priority)
    return Config({"NbConvertBase": {"display_data_priority": priority + ["application/json"]}})


def notes_exporter() -> MarkdownExporter:
    return MarkdownExporter(template_name="notes", extra_template_basedirs=[str(TEMPLATES)],
                            filters={"fenced": fenced}, config=with_json_outputs())


def render_notes(nb: NotebookNode, stem: str,
                 exporter: MarkdownExporter | None = None) -> tuple[str, dict[str, bytes]]:
    """Markdown of the notebook, and its figures: path relative to the page → bytes."""
    resources = {"unique_key": stem, "output_files_dir": f"{stem}_files"}
    body, resources = (exporter or notes_exporter()).from_notebook_node(nb, resources=resources)
    return body.strip("\n") + "\n", dict(resources.get("outputs", {}))


def lesson_page(lesson: Lesson, nb: NotebookNode, links: LessonLinks, verified: Verified,
                exporter: MarkdownExporter | None = None) -> tuple[str, dict[str, bytes]]:
    """The notes page: the lesson's own title, then buttons and badge, then the lesson."""
    nb = nbformat.from_dict(nb)
    header = nbformat.v4.new_markdown_cell(actions(links) + "\n\n" + badge(lesson, verified),
                                           id="coursekit-header")
    first = nb.cells[0] if nb.cells else None
    if first is not None and first.cell_type == "markdown" and first.source.startswith("# "):
        nb.cells.insert(1, header)
    else:
        nb.cells.insert(0, header)
        header.source = f"# {lesson.title}\n\n{header.source}"
    return render_notes(nb, lesson.stem, exporter)


def actions(links: LessonLinks) -> str:
    name = links.notebook.rsplit("/", 1)[-1]
    return (f"[:simple-googlecolab: Open in Colab]({links.colab})"
            "{ .md-button .md-button--primary #open-in-colab }\n"
            f"[:material-download: Exercise notebook]({links.notebook})"
            f'{{ .md-button #download-notebook download="{name}" }}\n'
            f"[:material-presentation-play: Slides]({links.slides}){{ .md-button #slides }}")


def badge(lesson: Lesson, verified: Verified) -> str:
    """The verification admonition: profile, backend, device, date, metrics against targets."""
    run = verified.run
    if run is None:
        return ('!!! warning "Not verified yet"\n    The outputs below are missing: run '
                "`python build.py verify`, then build the site again.")
    passed = run.get("status") == PASSED
    if passed and not verified.current:  # only the live preview shows an edited lesson
        return ('!!! warning "Edited since its verification"\n    Cells changed since the '
                "last `python build.py verify` show no output; the others may be out of date.")
    facts = [f"profile {run.get('profile')}", f"backend {run.get('backend')}",
             device_text(run.get("device"))]
    if run.get("date"):
        facts.append(str(run["date"]))
    word = "Verified" if passed else f"Verification {run.get('status', 'unknown')}"
    lines = [f'!!! {"success" if passed else "failure"} "{word}: {" · ".join(facts)}"']
    targets = (lesson.profiles.get(run.get("profile")) or {}).get("targets") or {}
    metrics = run.get("metrics") or {}
    if metrics:
        lines += ["", "    | Metric | Value | Target |", "    |---|---|---|"]
        lines += [f"    | {name} | {format_value(value)} | {target_text(targets.get(name))} |"
                  for name, value in metrics.items()]
    return "\n".join(lines)


def device_text(device) -> str:
    """The report's device ({cpu, cores, gpus, …}) in a few words."""
    if not device:
        return "device unknown"
    if not isinstance(device, dict):
        return str(device)
    if device.get("gpus"):
        return ", ".join(device["gpus"])
    cores = f" ({device['cores']} cores)" if device.get("cores") else ""
    return f"{device.get('cpu') or 'CPU'}{cores}"


def format_value(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def target_text(bounds: dict | None) -> str:
    if not bounds:
        return "–"
    parts = []
    if "min" in bounds:
        parts.append(f"≥ {format_value(bounds['min'])}")
    if "max" in bounds:
        parts.append(f"≤ {format_value(bounds['max'])}")
    return ", ".join(parts)


def verification_page(lessons: list[Lesson], runs: list[dict]) -> str:
    """Every run of the last verification, one row each."""
    titles = {lesson.stem: lesson.title for lesson in lessons}
    rows = ["# Verification", "",
            "Every solution notebook was executed by `python build.py verify`; each row is "
            "one run, with the metrics it published.", "",
            "| Lesson | Profile | Backend | Device | Status | Checks | Metrics | Date |",
            "|---|---|---|---|---|---|---|---|"]
    for run in runs:
        stem = run.get("lesson", "")
        title = f"[{titles[stem]}](lessons/{stem}.md)" if stem in titles else stem
        metrics = ", ".join(f"{k} = {format_value(v)}"
                            for k, v in (run.get("metrics") or {}).items()) or "–"
        rows.append(f"| {title} | {run.get('profile', '–')} | {run.get('backend', '–')} | "
                    f"{device_text(run.get('device'))} | {run.get('status', '–')} | "
                    f"{checks_text(run.get('checks'), empty='–')} | {metrics} | "
                    f"{run.get('date') or '–'} |")
    if not runs:
        rows.append("| *(no runs: run `python build.py verify`)* | | | | | | | |")
    return "\n".join(rows) + "\n"


def home_page(course: Course, lessons: list[Lesson], bundle_name: str) -> str:
    colab = {lesson.stem: course.colab_url(f"exercises/{lesson.stem}.ipynb")
             for lesson in lessons}
    parts = [f"# {course.title}", "", course.summary, "",
             f'<p><a class="md-button md-button--primary" id="download-bundle" '
             f'href="downloads/{bundle_name}" download>Download the course bundle '
             f"(version {course.version})</a></p>",
             '<p id="bundle-note" hidden>You are reading the course bundle: the exercise '
             "notebooks are in its <code>exercises/</code> folder, and its README says how "
             "to start.</p>", "",
             "## Instructors", "", instructors_markdown(course), "",
             "## Schedule", "", schedule_table(course, lessons), "",
             "## Lessons", "", "| Lesson | | |", "|---|---|---|"]
    parts += [f"| [{lesson.title}](lessons/{lesson.stem}.md) | {lesson.summary} | "
              f"[Slides](slides/{lesson.stem}.html) · [Open in Colab]({colab[lesson.stem]}) |"
              for lesson in lessons]
    parts += ["", follow_along(course, lessons)]
    return "\n".join(parts) + "\n"


def schedule_table(course: Course, lessons: list[Lesson]) -> str:
    """The course.yml schedule; without one, the lessons in order."""
    by_stem = {lesson.stem: lesson for lesson in lessons}
    rows = ["| When | What |", "|---|---|"]
    if not course.schedule:
        return "\n".join(rows + [f"| {n} | [{lesson.title}](lessons/{lesson.stem}.md) |"
                                 for n, lesson in enumerate(lessons, start=1)])
    for entry in course.schedule:
        what = entry.get("what", "")
        if entry.get("lesson"):
            lesson = by_stem[entry["lesson"]]
            what = f"[{what or lesson.title}](lessons/{lesson.stem}.md)"
        rows.append(f"| {entry['when']} | {what} |")
    return "\n".join(rows)


def follow_along(course: Course, lessons: list[Lesson]) -> str:
    return "\n".join([
        "## How to follow along", "",
        "### In Colab (nothing to install)", "",
        "Open a lesson and press **Open in Colab**; use *File → Save a copy in Drive* to keep "
        "your work. Fill in every `# YOUR CODE HERE` and run the check cell after it.", "",
        "### On your own machine", "",
        "Download the course bundle above and unzip it, then:", "",
        fenced("python -m venv .venv\nsource .venv/bin/activate   # Windows: "
               ".venv\\Scripts\\activate\npip install -r requirements.txt jupyterlab\n"
               "jupyter lab exercises/", "bash"), "",
        data_instructions(lessons)])


def data_instructions(lessons: list[Lesson]) -> str:
    """What each lesson downloads, and the parameter that points it at a local copy."""
    rows = [f"| {lesson.title} | `{name}` | `{param}` |"
            for lesson in lessons for name, param in sorted(lesson.data.items())]
    if not rows:
        return "No lesson needs a data download."
    return "\n".join([
        "Some lessons download a data set the first time they run. Without internet, put a "
        "copy of the file on your machine and set the parameter (in the lesson's first code "
        "cells) to its path:", "", "| Lesson | File | Parameter |", "|---|---|---|", *rows])
