"""The Setup page (site and both bundles) and ``check_setup.py`` (bundles and the student
publication): how to run the course on Colab or a laptop, and a script that checks a
laptop against what the build verified.

Both read the build's own records: the course's pinned requirements (as students get
them, requirements.py), the data record (source/data_record.py), the lessons' headers
(GPU, data) and the estimates (source/estimates.py). ``check_setup.py`` is the checks of
the notebooks' setup cell (source/templates/setup_checks.py.tmpl), run over the whole
course, one line per item with its fix.
"""

from __future__ import annotations

import platform
import pprint

from ..config import Course
from ..source.data_record import DataFile, read_record
from ..source.estimates import default_profile, load_estimates
from ..source.lesson import Lesson
from ..source.pins import parse_pins
from ..source.setup_cell import template

SCRIPT = "check_setup.py"
PAGE = "setup.md"  # on the site; SETUP.md at the top of a bundle
SCRIPT_HEAD = ('"""Check this machine against the setup the course "{title}" was verified '
               'with.\n\n    python check_setup.py            # one line per item, with the '
               'fix\n    python check_setup.py --online   # data may be downloaded by the '
               'lessons\n\nExit status 1 when an item failed. Written by the course\'s build."""'
               '\n\n')


def verified_python(runs: list[dict]) -> str:
    """``3.11``: the Python of the verified runs (the report), else this build's."""
    versions = sorted({str(run.get("packages", {}).get("python", "")) for run in runs} - {""})
    full = versions[0] if versions else platform.python_version()
    return ".".join(full.split(".")[:2])


def course_data(lessons: list[Lesson], record: dict[str, DataFile]) -> dict[str, list[str]]:
    """Data file name → the lessons that read it, for every file a lesson declares."""
    found: dict[str, list[str]] = {}
    for lesson in lessons:
        for name in lesson.data:
            found.setdefault(name, []).append(lesson.stem)
    return found


def check_setup_script(course: Course, lessons: list[Lesson], runs: list[dict],
                       requirements: bytes) -> bytes:
    record = read_record(course.path.parent)
    values = {"python": verified_python(runs),
              "packages": parse_pins(requirements.decode("utf-8").split("\n")),
              "gpu_lessons": [lesson.stem for lesson in lessons if lesson.accelerator == "gpu"],
              "data": {name: {"sha256": record[name].sha256, "size": record[name].size}
                       for name in course_data(lessons, record) if name in record}}
    literal = pprint.pformat(values, width=88, sort_dicts=True)
    text = (SCRIPT_HEAD.format(title=course.title) + template("setup_checks.py.tmpl")
            + "\nVERIFIED = " + literal + "\n" + template("check_setup.py.tmpl"))
    return text.encode("utf-8")


def setup_page(course: Course, lessons: list[Lesson], runs: list[dict]) -> str:
    """The Setup page's Markdown; its links (``check_setup.py``, ``requirements.txt``)
    are beside it on the site and in a bundle."""
    python = verified_python(runs)
    data = data_section(course, lessons)
    gpu = [lesson for lesson in lessons if lesson.accelerator == "gpu"]
    parts = [f"# Setup\n\nTwo ways to run the notebooks of *{course.title}*: in Google "
             "Colab, with nothing to install, or on your own computer.\n",
             "## On Colab\n\nOpen a lesson's page and press **Open in Colab**. The "
             "notebook's first cell sets it up: it installs the versions of the packages "
             "the lesson was verified with (only those that differ from Colab's), checks "
             "the lesson's data and says what the course was verified with. Run it first."
             + (" Lessons " + ", ".join(f"*{lesson.title}*" for lesson in gpu) + " want a "
                "GPU: they open on a GPU runtime; if yours has none, choose **Runtime → "
                "Change runtime type → T4 GPU** (free)." if gpu else "") + "\n",
             f"## On your computer\n\n1. Install **Python {python}** (the version the "
             "course was verified with).\n2. Make a virtual environment with the course's "
             f"pinned requirements:\n\n        python{python} -m venv .venv\n"
             "        source .venv/bin/activate   # Windows: .venv\\Scripts\\activate\n"
             "        pip install -r requirements.txt\n\n"
             "   ([requirements.txt](requirements.txt) is in the course bundle and here.)\n"
             + local_steps(bool(data)),
             data, estimate_section(lessons, course)]
    return "\n".join(part for part in parts if part)


def local_steps(has_data: bool) -> str:
    """The laptop steps after the venv. The data step only where a lesson reads data: a
    student told to fetch "the data files (below)" looks for a table that is not there."""
    steps = ["Put the data files (below) in a `data/` folder beside the notebooks' "
             "folder, or set `COURSE_DATA_DIR` to the folder that holds them."] if has_data \
        else []
    steps.append("Check: `python check_setup.py` ([check_setup.py](check_setup.py)) prints "
                 "one line per item, with the fix for each problem, and exits with 1 when "
                 "something is missing.")
    return "".join(f"{number}. {step}\n" for number, step in enumerate(steps, start=3))


def data_section(course: Course, lessons: list[Lesson]) -> str:
    record = read_record(course.path.parent)
    uses = course_data(lessons, record)
    if not uses:
        return ""
    rows = [f"| `{name}` | {record[name].megabytes if name in record else 'not recorded'} "
            f"| `{record[name].sha256 if name in record else '—'}` | {', '.join(stems)} |"
            for name, stems in sorted(uses.items())]
    return ("## Data\n\nWith internet, each lesson downloads its data itself. Offline "
            f"(a room without reliable internet), get the course bundle with the data "
            f"(`{course.slug}-{course.version}-with-data.zip`, from your instructor) or "
            "copy these files; the notebooks and `check_setup.py` compare each with the "
            "build's checksum.\n\n| file | size | sha256 | lessons |\n|---|---|---|---|\n"
            + "\n".join(rows) + "\n")


def estimate_section(lessons: list[Lesson], course: Course) -> str:
    estimates = load_estimates(course.path.parent)
    timed = [lesson for lesson in lessons if estimates.get(lesson.stem)]
    if not timed:
        return ""
    hardware = [estimate.hardware for estimate in estimates[timed[0].stem]]
    rows = [f"| {lesson.title} | {default_profile(lesson) or 'not verified'} | "
            + " | ".join(e.text for e in estimates[lesson.stem]) + " |" for lesson in timed]
    basis = [f"- *{lesson.title}*: {estimates[lesson.stem][0].how}" for lesson in timed]
    basis += [f"- {estimate.hardware}: {estimate.why}" for estimate in estimates[timed[0].stem]]
    return ("## How long the lessons take (estimates)\n\nThe time the notebook's defaults "
            "(the verified profile named below) take to run, **estimated**, not measured "
            "on these machines: from times measured on the build's machines, scaled by an "
            "assumed factor.\n\n| lesson | profile | " + " | ".join(hardware) + " |\n|---|---|"
            + "---|" * len(hardware) + "\n" + "\n".join(rows) + "\n\nHow each was "
            "estimated:\n\n" + "\n".join(basis) + "\n")


def estimate_box(lesson: Lesson, course: Course) -> str:
    """The lesson page's expected time, said to be an estimate, linking to how."""
    estimates = load_estimates(course.path.parent).get(lesson.stem)
    if not estimates:
        return ""
    profile = default_profile(lesson)
    times = "; ".join(f"{estimate.text} on {estimate.hardware}" for estimate in estimates)
    return ('!!! info "Expected time (an estimate)"\n    With the notebook\'s defaults '
            f"({f'the verified profile {profile}' if profile else 'not a verified profile'}"
            f"): {times}. Estimated from runs on other machines, not timed on these: see "
            "[how](../setup.md#how-long-the-lessons-take-estimates).")


def setup_files(course: Course, lessons: list[Lesson], runs: list[dict],
                requirements: bytes | None) -> dict[str, bytes]:
    """The site's Setup page and, where the course has requirements, the two files it
    links to (``requirements.txt`` as students get it, ``check_setup.py``)."""
    files = {PAGE: setup_page(course, lessons, runs).encode("utf-8")}
    if requirements is not None:
        files["requirements.txt"] = requirements
        files[SCRIPT] = check_setup_script(course, lessons, runs, requirements)
    return files
