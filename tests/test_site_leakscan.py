"""The leak scanner over built artifacts: HTML as a reader sees it, per-lesson secrets."""

from __future__ import annotations

import json

from conftest import lesson_source
from coursekit.source.leaks import lesson_of, scan_file, secrets_by_stem
from coursekit.source.lesson import read_lesson

SOURCE = lesson_source('''
    # %% [markdown]
    # Hint: start with `total = compute_total(values)`, then return it.

    # %%
    def answer(values):
        ### BEGIN SOLUTION
        total = compute_total(values)
        return scaled_total * factor_value
        ### END SOLUTION
''')


def secrets(tmp_path):
    path = tmp_path / "03_sums.py"
    path.write_text(SOURCE)
    return secrets_by_stem([read_lesson(path)])


def texts(leaks):
    return [leak.secret.text for leak in leaks]


def test_a_line_the_lessons_prose_quotes_is_no_secret_of_its_pages(tmp_path):
    found = secrets(tmp_path)["03_sums"]
    assert [secret.text for secret in found] == ["return scaled_total * factor_value"]


def test_highlighted_code_is_read_across_its_spans_and_entities(tmp_path):
    html = ('<pre><code><span class="k">return</span> <span class="n">scaled_total</span> '
            '<span class="o">&#42;</span> <span class="n">factor_value</span></code></pre>')
    leaks = scan_file("lessons/03_sums.html", html.encode(), secrets(tmp_path))
    assert [str(leak) for leak in leaks] == [
        "lessons/03_sums.html: contains solution line 'return scaled_total * factor_value' "
        f"in line 1 ({tmp_path / '03_sums.py'}:18)"]


def test_the_search_index_is_read_entry_by_entry(tmp_path):
    index = {"docs": [{"location": "lessons/03_sums.html#part",
                       "text": "<p>return scaled_total * factor_value</p>"}]}
    data = ("var __index = " + json.dumps(index)).encode()
    leaks = scan_file("search/search_index.js", data, secrets(tmp_path))
    assert [leak.artifact for leak in leaks] == [
        "search/search_index.js (lessons/03_sums.html#part)"]


def test_notebooks_and_shared_pages_are_scanned_vendored_files_are_not(tmp_path):
    found = secrets(tmp_path)
    notebook = json.dumps({"cells": [{"source": "return scaled_total * factor_value"}]})
    assert texts(scan_file("notebooks/03_sums.ipynb", notebook.encode(), found))
    assert texts(scan_file("index.html", b"return scaled_total * factor_value", found))
    assert not scan_file("slides/reveal.js/dist/reveal.js",
                         b"return scaled_total * factor_value", found)


def test_published_solutions_exempt_the_notes_pages_but_never_the_decks(tmp_path):
    found, line = secrets(tmp_path), b"return scaled_total * factor_value"
    assert not scan_file("lessons/03_sums.html", line, found, solutions_published=True)
    assert texts(scan_file("slides/03_sums.html", line, found, solutions_published=True))


def test_files_are_matched_to_their_lesson():
    stems = {"03_sums", "13_more"}
    assert lesson_of("lessons/03_sums.html", stems) == "03_sums"
    assert lesson_of("lessons/03_sums_files/03_sums_4_0.png", stems) == "03_sums"
    assert lesson_of("tiny/exercises/13_more.ipynb", stems) == "13_more"
    assert lesson_of("lessons/13_more.html#x", stems) == "13_more"
    assert lesson_of("index.html", stems) is None


WRAPPED = lesson_source('''
    # %% [markdown]
    # Hint: start with `total =
    # compute_total(values)`, then scale it: `scaled = scale_it(total,
    # factor)`.

    # %%
    def answer(values):
        ### BEGIN SOLUTION
        total = compute_total(values)
        scaled = scale_it(total,factor)
        return scaled_total * factor_value
        ### END SOLUTION
''')


def test_a_hint_wrapped_across_prose_lines_is_public(tmp_path):
    """The search index joins a paragraph's lines: the hint reads as one line there."""
    path = tmp_path / "03_sums.py"
    path.write_text(WRAPPED)
    found = secrets_by_stem([read_lesson(path)])
    # wrapped after '=' and inside the call (where the code itself has no space)
    assert [secret.text for secret in found["03_sums"]] == [
        "return scaled_total * factor_value"]
    index = {"docs": [{"location": "lessons/03_sums.html#hint", "text":
                       "<p>Hint: start with <code>total = compute_total(values)</code>, then "
                       "scale it: <code>scaled = scale_it(total, factor)</code>.</p>"}]}
    data = ("var __index = " + json.dumps(index)).encode()
    assert scan_file("search/search_index.js", data, found) == []


def test_a_page_leak_names_the_pages_line_and_section(tmp_path):
    page = ("<html><body>\n<h1>Sums<a class=\"headerlink\" href=\"#sums\">¶</a></h1>\n"
            "<p>Some prose.</p>\n<h2 id=\"ex\">Exercise: scale it<a href=\"#ex\">¶</a></h2>\n"
            "<pre><code><span>return</span> <span>scaled_total</span> <span>*</span>\n"
            "<span>factor_value</span></code></pre>\n<pre><code><span>return</span> "
            "<span>scaled_total</span> <span>*</span> <span>factor_value</span></code></pre>\n"
            "</body></html>").encode()
    [leak] = scan_file("lessons/03_sums.html", page, secrets(tmp_path))
    assert str(leak) == (
        "lessons/03_sums.html: contains solution line 'return scaled_total * factor_value' "
        f"in line 7, section 'Exercise: scale it' ({tmp_path / '03_sums.py'}:18)")


def test_a_notebook_leak_names_the_cell_and_its_part(tmp_path):
    notebook = {"metadata": {}, "cells": [
        {"id": "cell-000", "source": "Sums", "metadata": {}},
        {"id": "cell-001", "source": "answer(v)", "metadata": {},
         "outputs": [{"text": ["return scaled_total * factor_value\n"]}]}]}
    [leak] = scan_file("exercises/03_sums.ipynb", json.dumps(notebook).encode(),
                       secrets(tmp_path))
    assert leak.place == "cell 2 (cell-001) outputs"
    assert str(leak).endswith(f"in cell 2 (cell-001) outputs ({tmp_path / '03_sums.py'}:18)")
