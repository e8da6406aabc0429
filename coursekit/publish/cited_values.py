"""The values a lesson cites from its runs, on the site's pages and decks.

The notebooks carry each ``{{ PROFILE.METRIC[:SPEC] }}`` in a span that says "see the
lesson page" (:mod:`coursekit.source.run_values`); here the span becomes the value of the
lesson's passed run of that profile in build/report.json, with the profile and backend it
came from, or says that no such run exists yet. Pages and decks are both made from the
notebooks this module fills, so they always agree.
"""

from __future__ import annotations

import copy

from nbformat import NotebookNode

from ..run.report import PASSED, pick_run
from ..source.run_values import NOTEBOOK_FORM, Citation, parse_cite
from .pages import format_value, plain

# how a page names a run's backend (KERAS_BACKEND's value → the project's own name)
BACKEND_NAMES = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch",
                 "none": "no Keras backend"}


def cited_run(runs: list[dict], citation: Citation, stem: str,
              backend: str | None = None) -> dict | None:
    """The passed run a citation quotes: one that published the metric (a backend may
    skip a comparison), on ``backend`` (the one the page shows) when there is one. A
    failed run is no verified figure."""
    passed = [run for run in runs if run.get("status") == PASSED]
    measured = [run for run in passed if citation.metric in (run.get("metrics") or {})]
    for pool, on in ((measured, backend), (measured, None), (passed, None)):
        found = pick_run(pool, stem, citation.profile, on)
        if found is not None:
            return found
    return None


def value_text(citation: Citation, run: dict | None, named: set | None = None) -> str:
    """``72.1% (smoke, TensorFlow)``, or what is missing instead of a number. ``named``:
    the runs a cell has already named (a cell names each run once: its later values
    are the bare numbers)."""
    if run is None:
        return "(not yet verified)"
    metrics = run.get("metrics") or {}
    if citation.metric not in metrics:
        return f"(not measured by the {plain(citation.profile)} run)"
    value = metrics[citation.metric]
    text = format_value(value)
    if citation.spec and not isinstance(value, bool):
        try:
            text = plain(format(value, citation.spec))
        except (TypeError, ValueError):  # a run's value of another type: shown as it is
            pass
    backend = str(run.get("backend"))
    source = (citation.profile, backend)
    if named is not None and source in named:
        return text
    if named is not None:
        named.add(source)
    return f"{text} ({plain(citation.profile)}, {plain(BACKEND_NAMES.get(backend, backend))})"


def fill_text(text: str, stem: str, runs: list[dict], backend: str | None = None) -> str:
    """One Markdown cell's citations filled in, each run named at its first value."""
    named: set = set()

    def fill(match) -> str:
        citation = parse_cite(match.group("cite"))
        return value_text(citation, cited_run(runs, citation, stem, backend), named)
    return NOTEBOOK_FORM.sub(fill, text)


def fill_values(nb: NotebookNode | None, stem: str, runs: list[dict],
                backend: str | None = None) -> NotebookNode | None:
    """A copy of ``nb`` with every citation in its Markdown cells filled in."""
    if nb is None:
        return None
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = fill_text(cell.source, stem, runs, backend)
    return nb
