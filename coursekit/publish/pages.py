"""The site's Markdown pages: home, one notes page per lesson, the verification table.

Everything here is text in, text out (no disk, no clock): the site builder decides where
pages go, so the same inputs always give the same pages.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbconvert import MarkdownExporter
from nbconvert.utils.base import NbConvertBase
from nbformat import NotebookNode
from traitlets.config import Config

from ..config import Course, instructors_markdown
from ..run.report import INJECTED, PASSED, checks_text, worst_text
from ..run.verify import Verified, backend_targets
from ..source.lesson import Lesson, parameter_defaults
from .schedule import Slot, schedule_table, span_text, timing_text

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class LessonLinks:
    """Where a notes page points, relative to the page (lessons/<stem>.md)."""

    colab: str
    notebook: str
    slides: str
    handouts: tuple[tuple[str, str], ...] = ()  # (label, href) of its PDFs (handouts.py)
    expected: str = ""  # the expected-time box, an estimate (setup_page.estimate_box)


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
                exporter: MarkdownExporter | None = None, instructor: bool = False,
                slot: Slot | None = None) -> tuple[str, dict[str, bytes]]:
    """The notes page: the lesson's own title, then buttons and badge, then the lesson.
    The instructor's page adds the lesson's timing and the run's details."""
    nb = nbformat.from_dict(nb)
    blocks = [actions(links), badge(lesson, verified), links.expected]
    if instructor:
        blocks += [timing_box(lesson, slot), run_details(verified)]
    header = nbformat.v4.new_markdown_cell("\n\n".join(b for b in blocks if b),
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
            f"[:material-presentation-play: Slides]({links.slides}){{ .md-button #slides }}"
            + handout_links(links.handouts))


def handout_links(handouts: tuple[tuple[str, str], ...]) -> str:
    """Buttons for the lesson's PDFs. Plain HTML: ``build.py handouts`` prints them into
    the built site after mkdocs ran, so mkdocs must not look for them among its pages."""
    return "".join(f'\n<a class="md-button ck-handout" href="{html.escape(href)}" download>'
                   f"{html.escape(label)}</a>" for label, href in handouts)


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
        facts.append(plain(run["date"]))
    word = "Verified" if passed else f"Verification {run.get('status', 'unknown')}"
    lines = [f'!!! {"success" if passed else "failure"} "{word}: {" · ".join(facts)}"', "",
             indent(run_parameters_text(lesson, verified)), "",
             indent(profile_text(str(run.get("profile"))))]
    targets, reason = backend_targets(lesson, run.get("profile"), run.get("backend"))
    metrics = run.get("metrics") or {}
    if metrics:
        lines += ["", *indent(metrics_table(metrics, targets, run.get("seeds"))).splitlines()]
    if metrics and reason:
        lines += ["", indent(f"Targets on {plain(run.get('backend'))}: {reason}")]
    return "\n".join(lines)


def metrics_table(metrics: dict, targets: dict, seeds: dict | None) -> str:
    """The shown run's metrics against their targets; after verify --seeds N, with the
    worst of the N seeds (the one a target is judged on), their mean and spread."""
    if not seeds:
        return "\n".join(["| Metric | Value | Target |", "|---|---|---|"] + [
            f"| {plain(name)} | {format_value(value)} | {target_text(targets.get(name))} |"
            for name, value in metrics.items()])
    count = len(seeds.get("seeds") or [])
    rows = [f"| Metric | Value (seed {plain(seeds['seeds'][0])}) | {count} seeds | Target |",
            "|---|---|---|---|"]
    rows += [f"| {plain(name)} | {format_value(value)} | "
             f"{plain(worst_text(name, seeds) or '–')} | {target_text(targets.get(name))} |"
             for name, value in metrics.items()]
    return "\n".join(rows)


# what each profile's outputs are, said to a student reading them (a registry: a course
# that declares another profile gets the generic sentence)
PROFILE_MEANINGS = {
    "smoke": ("**smoke** is a short run with reduced parameters (fewer epochs, fewer "
              "examples): it proves that every cell works and that the metrics reach the "
              "smoke targets, in minutes. It is not the lesson's full training: with the "
              "notebook's own defaults your run takes longer and should score higher."),
    "full": ("**full** is the lesson's complete run, with the parameters and targets the "
             "text describes."),
}


def profile_text(profile: str) -> str:
    return PROFILE_MEANINGS.get(profile, f"**{profile}** is a profile declared in the "
                                         "lesson's header, with its own parameters.")


def injected_parameters(verified: Verified) -> dict:
    """The values the shown run used: papermill's injected cell of the executed notebook
    (what really ran), else the report's record of them."""
    executed = verified.executed
    for cell in executed.cells if executed is not None else []:
        if INJECTED in cell.metadata.get("tags", []):
            try:
                return parameter_defaults(cell.source)
            except SyntaxError:
                break  # not Python papermill wrote: fall back to the report
    return dict((verified.run or {}).get("parameters") or {})


def run_parameters_text(lesson: Lesson, verified: Verified) -> str:
    """``These outputs ran with `epochs = 8` …``, and the defaults a student runs instead."""
    # a data file's parameter says where the data was read from, not how the run went
    data_params = set(lesson.data.values())
    used = {name: value for name, value in injected_parameters(verified).items()
            if name not in data_params}
    if not used:
        return "These outputs ran with the notebook's own parameters.\n{: #run-parameters }"
    shown = ", ".join(f"`{name} = {value!r}`" for name, value in used.items())
    text = f"These outputs ran with {shown}."
    defaults = lesson.parameters
    differ = [f"`{name} = {defaults[name]!r}`" for name in used
              if name in defaults and defaults[name] != used[name]]
    if differ:
        text += (" The parameters cell below shows the values your own run uses: "
                 f"{', '.join(differ)}.")
    return text + "\n{: #run-parameters }"


def indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.split("\n"))


def timing_box(lesson: Lesson, slot: Slot | None) -> str:
    when = f"{span_text(slot)} · " if slot is not None and slot.start is not None else ""
    return f'!!! abstract "Timing: {when}{timing_text(lesson)}"{objectives_text(lesson)}'


def objectives_text(lesson: Lesson) -> str:
    if not lesson.objectives:
        return ""
    return "\n\n    Objectives:\n\n" + "\n".join(f"    - {o}" for o in lesson.objectives)


def run_details(verified: Verified) -> str:
    """The instructor's view of the run: how long, which packages, which data, the key."""
    run = verified.run
    if not run:
        return ""
    rows = [("seconds", format_value(run.get("seconds", "–"))),
            ("cached", "yes" if run.get("cached") else "no"),
            ("student contract", str(run.get("contract", "–"))),
            ("data", ", ".join(f"{k}: {v}" for k, v in (run.get("data") or {}).items()) or "–"),
            *[(plain(name), plain(version)) for name, version in
              sorted((run.get("packages") or {}).items())],
            ("cache key", f"`{run.get('key') or '–'}`")]
    table = ["    | | |", "    |---|---|"] + [f"    | {k} | {v} |" for k, v in rows]
    return '??? info "Verification details"\n' + "\n".join(table)


def device_text(device) -> str:
    """The report's device ({cpu, cores, gpus, …}) in a few words."""
    if not device:
        return "device unknown"
    if not isinstance(device, dict):
        return plain(device)
    if device.get("gpus"):
        return plain(", ".join(str(gpu) for gpu in device["gpus"]))
    cores = f" ({device['cores']} cores)" if device.get("cores") else ""
    return plain(f"{device.get('cpu') or 'CPU'}{cores}")


# what HTML or Markdown would read as markup in a value (tags, entities, links, attribute
# lists, table cells): written as character references, which show the character itself
_MARKUP = {char: f"&#{ord(char)};" for char in "<>&[]{}|"}


def plain(value) -> str:
    """A value from a run (a metric, a device, a date) as text on a page, never markup:
    a run's values may come from a cache entry someone else wrote (docs/verify.md)."""
    return "".join(_MARKUP.get(char, char) for char in str(value))


def format_value(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return plain(value)


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
    """Every run of the last verification, one row each. A device all runs share is said
    once above the table, so that the table fits the page."""
    titles = {lesson.stem: lesson.title for lesson in lessons}
    devices = {device_text(run.get("device")) for run in runs}
    shared = devices.pop() if len(devices) == 1 else None
    columns = ["Lesson", "Profile", "Backend", *([] if shared else ["Device"]), "Status",
               "Checks", "Metrics", "Date"]
    # no sidebars (Material's front matter): the table gets the page's whole width
    rows = ["---", "hide: [navigation, toc]", "---", "", "# Verification", "",
            "Every solution notebook was executed by `python build.py verify`; each row is "
            "one run, with the metrics it published.", ""]
    if shared:
        rows += [f"All runs: {shared}.", ""]
    rows += ['<div class="verification-table" markdown>', "",
             "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for run in runs:
        stem = run.get("lesson", "")
        title = f"[{titles[stem]}](lessons/{stem}.md)" if stem in titles else stem
        metrics = "<br>".join(metric_cell(name, value, run.get("seeds"))
                              for name, value in (run.get("metrics") or {}).items()) or "–"
        cells = [title, run.get("profile", "–"), run.get("backend", "–"),
                 *([] if shared else [device_text(run.get("device"))]),
                 run.get("status", "–"), checks_text(run.get("checks"), empty="–"), metrics,
                 f'<span class="nowrap">{plain(run.get("date") or "–")}</span>']
        rows.append("| " + " | ".join(str(c) for c in cells) + " |")
    if not runs:
        rows.append("| *(no runs: run `python build.py verify`)* |" + " |" * (len(columns) - 1))
    return "\n".join(rows + ["", "</div>"]) + "\n"


def metric_cell(name: str, value, seeds: dict | None) -> str:
    """One metric of the verification table; after verify --seeds, its worst seed too."""
    worst = worst_text(name, seeds)
    return (f'<span class="nowrap">{plain(name)} = {format_value(value)}</span>'
            + (f" ({plain(worst)})" if worst else ""))


INSTRUCTOR_NOTE = ('!!! warning "Instructor view"\n    This site shows the speaker notes, '
                   "the solutions, the timings and the verification details. Keep it to the "
                   "teaching team: students get the student site and bundle.")


def home_page(course: Course, lessons: list[Lesson], bundle_name: str,
              instructor: bool = False) -> str:
    colab = {lesson.stem: course.colab_url(f"exercises/{lesson.stem}.ipynb")
             for lesson in lessons}
    download = [f'<p><a class="md-button md-button--primary" id="download-bundle" '
                f'href="downloads/{bundle_name}" download>Download the course bundle '
                f"(version {course.version})</a></p>",
                '<p id="bundle-note" hidden>You are reading the course bundle: the exercise '
                "notebooks are in its <code>exercises/</code> folder, and its README says how "
                "to start.</p>"]
    parts = [f"# {course.title}", "", course.summary, "",
             *([INSTRUCTOR_NOTE] if instructor else download), "",
             "## Instructors", "", instructors_markdown(course), "",
             "## Schedule", "", schedule_table(course, lessons, lambda s: f"lessons/{s}.md"),
             "", "What each lesson teaches: [objectives and keypoints](outcomes.md).", "",
             "## Lessons", "", "| Lesson | | |", "|---|---|---|"]
    parts += [f"| [{lesson.title}](lessons/{lesson.stem}.md) | {lesson.summary} | "
              f"[Slides](slides/{lesson.stem}.html) · [Open in Colab]({colab[lesson.stem]}) |"
              for lesson in lessons]
    parts += ["", follow_along(course, lessons)]
    return "\n".join(parts) + "\n"


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
