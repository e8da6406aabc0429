"""Numbers a lesson cites from its own runs, ``{{ PROFILE.METRIC[:SPEC] }}``: checked when
the notebooks are generated (file:line, exit 2, nothing written), written into the
notebooks as "see the lesson page", and filled with the run's value, profile and backend
on the site's pages and decks (or "not yet verified")."""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from conftest import ROOT, lesson_source, run_build, snapshot
from coursekit.config import Project, load_course
from coursekit.publish.cited_values import fill_values
from coursekit.publish.site import CourseInputs, site_sources
from coursekit.run.verify import Verified
from coursekit.source.lesson import load_lessons
from coursekit.source.notebooks import generate
from coursekit.source.run_values import CITATION, citations

HEADER = """\
# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   course:
#     title: Cited runs
#     profiles:
#       smoke:
#         parameters: {epochs: 1}
#         targets:
#           accuracy: {min: 0.5}
#       full:
#         parameters: {epochs: 3}
# ---
"""

CITING = lesson_source("""
    # %% [markdown] slideshow={"slide_type": "slide"}
    # # Cited runs
    #
    # The short run reached {{ smoke.accuracy:.1% }} in {{ smoke.seconds:.0f }} seconds.

    # %% tags=["parameters"]
    epochs = 5

    # %%
    accuracy, seconds, gaps = 0.5 + epochs / 100, 2.0, {"plain": 0.1}

    # %% [markdown]
    # The full run: {{ full.accuracy }}; the gap without augmentation:
    # {{ smoke.gap_plain:.3f }}.

    # %% tags=["metrics"]
    from IPython.display import display
    _metrics = {"accuracy": accuracy}
    _metrics["seconds"] = seconds
    _metrics.update({f"gap_{name}": value for name, value in gaps.items()})
    display({"application/json": _metrics}, raw=True)
""", header=HEADER)

SMOKE_TF = {"lesson": "01_cited", "profile": "smoke", "backend": "tensorflow",
            "status": "passed", "date": "2026-12-04",
            "metrics": {"accuracy": 0.72512, "seconds": 41.6, "gap_plain": 0.0123}}


def line_of(source: str, text: str) -> int:
    return next(i for i, line in enumerate(source.split("\n"), 1) if text in line)


def test_notebooks_say_see_the_lesson_page_and_stay_deterministic(course):
    root = course({"01_cited": CITING})
    assert run_build(root, "notebooks").returncode == 0
    files = snapshot(root)
    for name in ("exercises/01_cited.ipynb", "solutions/01_cited.ipynb"):
        text = json.dumps(json.loads(files[name]))
        assert "{{" not in text, f"a raw placeholder reached {name}"
        assert "(smoke run's accuracy: see the lesson page)" in text
        assert 'data-cite=\\"smoke.accuracy:.1%\\"' in text
    # no run's value goes into a notebook: check stays true whatever the report says
    assert run_build(root, "check").returncode == 0
    assert run_build(root, "notebooks").returncode == 0 and snapshot(root) == files


def _notebooks(root):
    generated = generate(Project(root))
    nb = nbformat.reads(generated.files[root / "solutions/01_cited.ipynb"].decode(), 4)
    return generated, nb


def markdown(nb) -> str:
    return "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")


def test_a_passed_run_gives_value_profile_and_backend_with_the_format_spec(course):
    _, nb = _notebooks(course({"01_cited": CITING}))
    text = markdown(fill_values(nb, "01_cited", [SMOKE_TF]))
    # a cell names each run once, at its first value
    assert "reached 72.5% (smoke, TensorFlow) in 42 seconds" in text
    assert "0.012 (smoke, TensorFlow)" in text  # a key the f-string wrote
    assert "see the lesson page" not in text and "run-value" not in text
    # no spec: the page's four significant digits
    full = dict(SMOKE_TF, profile="full", backend="jax", metrics={"accuracy": 0.901234})
    assert "The full run: 0.9012 (full, JAX)" in markdown(fill_values(nb, "01_cited",
                                                                      [SMOKE_TF, full]))


def test_without_a_passed_run_the_page_says_not_yet_verified(course):
    _, nb = _notebooks(course({"01_cited": CITING}))
    text = markdown(fill_values(nb, "01_cited", []))
    assert "reached (not yet verified) in (not yet verified) seconds" in text
    failed = dict(SMOKE_TF, status="failed")
    other = dict(SMOKE_TF, lesson="02_other")
    assert markdown(fill_values(nb, "01_cited", [failed, other])) == text
    # a run that did not publish the metric says so instead of a number
    partial = dict(SMOKE_TF, metrics={"accuracy": 0.7})
    assert "(not measured by the smoke run) seconds" in markdown(
        fill_values(nb, "01_cited", [partial]))


def test_the_shown_runs_backend_is_cited_first(course):
    _, nb = _notebooks(course({"01_cited": CITING}))
    jax = dict(SMOKE_TF, backend="jax", metrics={"accuracy": 0.61})
    runs = [SMOKE_TF, jax]
    assert "61.0% (smoke, JAX)" in markdown(fill_values(nb, "01_cited", runs, "jax"))
    assert "72.5% (smoke, TensorFlow)" in markdown(fill_values(nb, "01_cited", runs,
                                                               "tensorflow"))


def test_a_runs_value_cannot_inject_markup(course):
    _, nb = _notebooks(course({"01_cited": CITING}))
    evil = dict(SMOKE_TF, metrics={"accuracy": "<script>x</script>[a](javascript:x)"})
    text = markdown(fill_values(nb, "01_cited", [evil]))
    assert "<script>" not in text and "](javascript" not in text


def test_site_pages_and_decks_show_the_runs_value(course):
    root = course({"01_cited": CITING})
    generated, solution = _notebooks(root)
    stem = "01_cited"
    inputs = CourseInputs(
        course=load_course(root / "course.yml"), lessons=generated.lessons,
        exercises={stem: generated.files[root / f"exercises/{stem}.ipynb"]},
        solutions={stem: solution}, verified={stem: Verified(SMOKE_TF, solution, True)},
        runs=[SMOKE_TF])
    files = site_sources(inputs, ROOT / "node_modules", instructor=True)
    for name in (f"lessons/{stem}.md", f"slides/{stem}.html"):
        text = files[name].decode()
        assert "72.5% (smoke, TensorFlow)" in text, name
        assert "see the lesson page" not in text, name
    # the notebook students download keeps the run-independent words
    assert b"see the lesson page" in files[f"notebooks/{stem}.ipynb"]


@pytest.mark.parametrize("bad, message", [
    ("{{ smoke.acuracy:.1% }}", "cites metric 'acuracy', which no target names"),
    ("{{ nightly.accuracy }}", "cites profile 'nightly', which the lesson does not declare"),
    ("{{ smoke.accuracy:.1q }}", "format spec '.1q' is not valid"),
    ("{{ full.gap }}", "cites metric 'gap'"),  # the f-string's field is not optional
])
def test_a_bad_citation_names_its_line_exits_2_and_writes_nothing(course, bad, message):
    root = course({"01_cited": CITING})
    assert run_build(root, "notebooks").returncode == 0
    before = snapshot(root)
    source = CITING.replace("{{ full.accuracy }}", bad)
    (root / "content/01_cited.py").write_text(source, encoding="utf-8")
    result = run_build(root, "notebooks")
    assert result.returncode == 2
    assert f"01_cited.py:{line_of(source, bad)}: '{bad}'" in result.stderr
    assert message in result.stderr
    assert snapshot(root) == before, "an earlier output changed"


def test_a_run_that_published_the_metric_is_preferred_to_the_shown_backend(course):
    _, nb = _notebooks(course({"01_cited": CITING}))
    # the JAX run skipped the comparison that publishes gap_plain
    jax = dict(SMOKE_TF, backend="jax", metrics={"accuracy": 0.61, "seconds": 9.0})
    text = markdown(fill_values(nb, "01_cited", [SMOKE_TF, jax], "jax"))
    assert "61.0% (smoke, JAX)" in text and "0.012 (smoke, TensorFlow)" in text


# a measured figure: a percentage, a decimal with two or more places, a duration in s
MEASURED = re.compile(r"\d+(?:\.\d+)?\s?%|\d\.\d{2,}|\b\d+(?:\.\d+)? ?s\b")


def test_the_shipped_lessons_cite_their_runs_instead_of_copying_figures():
    """Every paragraph that speaks of the build's runs takes its figures from them: after
    the citations are taken out, no measured-looking number is left but the targets."""
    cited = set()
    for lesson in load_lessons(ROOT / "content"):
        cited |= {(lesson.stem, c.metric) for c in citations(lesson)}
        # what the header sets is no measurement: targets (also as percentages) and
        # the profiles' parameters
        numbers = [bound for profile in lesson.profiles.values()
                   for target in (profile.get("targets") or {}).values()
                   for bound in target.values()]
        numbers += [n * 100 for n in numbers]
        numbers += [value for profile in lesson.profiles.values()
                    for value in (profile.get("parameters") or {}).values()
                    if isinstance(value, (int, float))]
        bounds = {f"{n:g}" for n in numbers}
        for cell in lesson.cells:
            if cell.cell_type != "markdown":
                continue
            for paragraph in cell.source.split("\n\n"):
                if not re.search(r"build's|verified", paragraph):
                    continue
                rest = CITATION.sub("", paragraph)
                copied = [m for m in MEASURED.findall(rest)
                          if m.rstrip(" %s") not in bounds]
                assert not copied, f"{lesson.stem}:{cell.line}: hand-copied {copied}"
    assert {("01_addition", "exact_match"), ("02_cifar10", "test_accuracy"),
            ("03_shakespeare", "val_loss_warm_nats")} <= cited
