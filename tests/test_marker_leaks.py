"""Defence in depth: marker words in any student artifact fail the scan, whatever the
parser made of them (it cannot vouch for itself)."""

from __future__ import annotations

import json

import pytest

from coursekit.publish.bundle import scan_bundle, zip_bytes
from coursekit.source.leaks import MarkerLeak, scan_file, scan_marker_text

NO_SECRETS: dict = {"03_sums": []}


@pytest.mark.parametrize("text, words", [
    ("### BEGIN SOLUTION", "BEGIN SOLUTION"),
    ("# begin solution", "begin solution"),
    ("End Solution", "End Solution"),
    ("BEGIN SOLUTIONS", "BEGIN SOLUTIONS"),
    ("###END HIDDEN TESTS", "END HIDDEN TESTS"),
    ("begin hidden test", "begin hidden test"),
    ("x = 1  # Solution No Prompt", "Solution No Prompt"),
    ('""" # BEGIN PROMPT', "BEGIN PROMPT"),
    ("### begin alternative", "begin alternative"),
    ("### END MISTAKE", "END MISTAKE"),
    ("### Begin Mistake: sums the squares", "Begin Mistake"),
    ("total = a + b  # solution", "# solution"),
])
def test_marker_words_in_any_case(text, words):
    assert [leak.text for leak in scan_marker_text(text, "a")] == [words]


@pytest.mark.parametrize("text", [
    "## Solution\nThe solution below is one of many.",
    "Begin with the data; the end of the prompt is yours.",
    "We end the solution phase.",
    "backend prompt: the end",
    "image_size = 32  # resolution",
    "Mistakes are how a network learns; try alternatives.",
])
def test_ordinary_prose_is_no_marker(text):
    assert scan_marker_text(text, "a") == []


def test_pages_decks_and_notebooks_are_scanned():
    page = b"<pre><code><span>### begin</span> <span>solution</span></code></pre>"
    notebook = json.dumps({"cells": [{"source": ["x = 1\n", "### END HIDDEN TESTS"]}]})
    found = [scan_file("lessons/03_sums.html", page, NO_SECRETS),
             scan_file("slides/03_sums.html", page, NO_SECRETS),
             scan_file("notebooks/03_sums.ipynb", notebook.encode(), NO_SECRETS),
             scan_file("index.html", b"<p>END PROMPT</p>", NO_SECRETS)]
    assert [[leak.text for leak in leaks] for leaks in found] == [
        ["begin solution"], ["begin solution"], ["END HIDDEN TESTS"], ["END PROMPT"]]
    assert str(found[0][0]) == ("lessons/03_sums.html: contains marker text 'begin solution' "
                                "in line 1")


def test_published_solutions_are_still_scanned_for_marker_words():
    leaks = scan_file("lessons/03_sums.html", b"<p>BEGIN SOLUTION</p>", NO_SECRETS,
                      solutions_published=True)
    assert [type(leak) for leak in leaks] == [MarkerLeak]


def test_search_index_entries_are_scanned():
    index = {"docs": [{"location": "lessons/03_sums.html#q", "text": "<p>Begin Solution</p>"},
                      {"location": "", "text": "<p>Welcome</p>"}]}
    data = ("var __index = " + json.dumps(index)).encode()
    for published in (False, True):
        leaks = scan_file("search/search_index.js", data, NO_SECRETS,
                          solutions_published=published)
        assert [leak.artifact for leak in leaks] == [
            "search/search_index.js (lessons/03_sums.html#q)"]


def test_vendored_files_are_not_scanned():
    assert scan_file("assets/javascripts/bundle.js", b"end prompt", NO_SECRETS) == []


def test_student_bundle_members_are_scanned():
    notebook = json.dumps({"cells": [{"source": "y = f(x)  # SOLUTION"}]}).encode()
    data = zip_bytes({"course/exercises/03_sums.ipynb": notebook,
                      "course/site/index.html": b"<p>fine</p>",
                      "course/README.md": b"Fill in every # YOUR CODE HERE."})
    leaks = scan_bundle(data, "course.zip", NO_SECRETS, solutions_published=False)
    assert [str(leak) for leak in leaks] == [
        "course.zip:course/exercises/03_sums.ipynb: contains marker text '# SOLUTION' "
        "in cell 1 source"]
