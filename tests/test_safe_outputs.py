"""Outputs on their way to pages, decks and the bundle: no script, no machine path (issue 23).

The executed notebook here stands for one poured from a cache entry someone else wrote:
whatever it holds, the rendered page and deck carry no script and no path of the machine.
"""

from __future__ import annotations

import copy
import re
import sys
import tempfile
from pathlib import Path

import markdown
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from coursekit.publish.deck_view import deck_view
from coursekit.publish.pages import render_notes
from coursekit.publish.safe_outputs import clean_html, safe_outputs
from coursekit.publish.slides import render_deck
from coursekit.publish.student_view import notes_notebook
from coursekit.source.leaks import scan_file
from coursekit.source.machine_paths import rewrite_paths

ROOT = Path(__file__).resolve().parent.parent
VENV_FILE = f"{sys.prefix}/lib/python3.11/site-packages/keras/src/layers/core/dense.py"
CELL_FILE = f"{tempfile.gettempdir()}/ipykernel_4242/2718281828.py"

AUTHOR = ('<div class="author-box" style="color: teal">Read <kbd>Shift</kbd>+<kbd>Enter</kbd>'
          '<script>window.authorScript = 1</script></div>')


def planted() -> tuple:
    """(exercise, solution, executed): one slide whose code printed hostile outputs."""
    slide = {"slideshow": {"slide_type": "slide"}}
    cells = [new_markdown_cell("# Hostile outputs\n\n" + AUTHOR, id="intro", metadata=slide),
             new_code_cell("show()", id="shown", metadata=slide)]
    exercise = new_notebook(cells=cells)
    executed = copy.deepcopy(exercise)
    executed.cells[1].outputs = [
        new_output("display_data", data={
            "text/html": '<table class="t"><tr><td onclick="steal()">42</td></tr></table>'
                         '<b>[link](javascript:steal())</b>{: onclick="steal()" }'
                         '<script>document.title = "owned"</script>'
                         '<a href="javascript:steal()">more</a>'
                         '<img src="x" onerror="steal()"><style>body{display:none}</style>',
            "text/plain": "<table>"}),
        new_output("display_data", data={"application/javascript": "steal()",
                                         "text/plain": "<js>"}),
        new_output("display_data", data={"text/markdown": "**bold** <script>steal()</script>"
                                                          "<iframe src='https://evil'></iframe>"
                                                          " [more](javascript:steal())"}),
        new_output("display_data", data={"text/latex": r"$\frac{1}{2}$ [x](javascript:steal())"}),
        new_output("display_data", data={
            "image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg" onload="steal()"/>',
            "text/plain": "<Figure>"}),
        # past any pattern: a namespaced script, an entity-encoded javascript: link
        new_output("display_data", data={
            "image/svg+xml": '<svg xmlns:svg="http://www.w3.org/2000/svg"><svg:script>'
                             'steal()</svg:script><a href="&#106;avascript:steal()">x</a>'
                             '</svg>'}),
        new_output("stream", name="stderr",
                   text=f"{VENV_FILE}:92: UserWarning: Do not pass an `input_shape`\n"
                        f"{CELL_FILE}:3: RuntimeWarning: divide by zero\n"),
    ]
    executed.cells[1].execution_count = 1
    return exercise, copy.deepcopy(exercise), executed


# the Markdown extensions of the site's mkdocs.yml that read markup
EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables", "pymdownx.details",
              "pymdownx.superfences"]


def test_a_planted_script_output_reaches_neither_page_nor_deck():
    exercise, solution, executed = planted()
    page, figures = render_notes(notes_notebook(exercise, solution, executed, False), "01_x")
    # the page's figures are files of the site: no SVG among them (it could run there)
    assert not [name for name in figures if name.endswith(".svg")], sorted(figures)
    page_html = markdown.markdown(page, extensions=EXTENSIONS)  # as mkdocs reads it
    deck = render_deck(deck_view(exercise, solution, executed), "Hostile outputs")
    for html in (page_html, deck):
        assert "svg:script" not in html.lower() and "&#106;" not in html  # no SVG output
        assert not re.search(r"<[^>]*\son\w+\s*=", html)  # no handler in any tag
        assert not re.search(r"<script[^>]*>[^<]*steal", html)
        assert 'href="javascript' not in html and "<iframe" not in html
        assert 'document.title = "owned"' not in html and "display:none" not in html
        assert "<td>42</td>" in html and "<strong>bold</strong>" in html
    # the author's own HTML, in the lesson's Markdown, stays the author's
    assert AUTHOR in page
    assert "window.authorScript = 1" in deck and "color: teal" in deck


def test_machine_paths_in_outputs_are_rewritten_before_publishing():
    exercise, solution, executed = planted()
    page, _ = render_notes(notes_notebook(exercise, solution, executed, False), "01_x")
    assert "site-packages/keras/src/layers/core/dense.py:92: UserWarning" in page
    assert "<ipython>:3: RuntimeWarning: divide by zero" in page
    assert sys.prefix not in page and "ipykernel_4242" not in page
    # the executed notebook itself is untouched: only what is published is rewritten
    assert VENV_FILE in executed.cells[1].outputs[-1].text


def test_known_folders_are_rewritten_and_a_kept_one_is_a_leak(tmp_path):
    root = tmp_path / "course"
    text = f"saved {root}/build/work/data/x.npz; read {Path.home()}/notes.txt"
    assert rewrite_paths(text, [(str(root), "."), (str(Path.home()), "~")]) == \
        "saved ./build/work/data/x.npz; read ~/notes.txt"
    page = f"<p>the model is in {root}/build/model.keras</p>".encode()
    [leak] = scan_file("lessons/01_x.html", page, {}, root=root)
    assert f"contains the build machine's path '{root}'" in str(leak)
    [leak] = scan_file("notebooks/01_x.ipynb", f'{{"text": "{CELL_FILE}"}}'.encode(), {})
    assert "ipykernel_4242" in str(leak)
    assert scan_file("lessons/01_x.html", b"<p>site-packages/keras/x.py, ~/notes</p>", {},
                     root=root) == []


def test_the_cleaner_keeps_tables_and_raster_images_only():
    png = "data:image/png;base64,iVBORw0KGgo="
    html = (f'<table border="1" class="dataframe"><thead><tr><th>a</th></tr></thead></table>'
            f'<img src="{png}" alt="plot"><img src="data:image/svg+xml;base64,PHN2Zz4=">'
            '<a href="https://keras.io" onmouseover="x()">Keras</a><form><input></form>')
    assert clean_html(html).strip() == (
        '<table border="1" class="dataframe"><thead><tr><th>a</th></tr></thead></table>'
        f'<img src="{png}" alt="plot"><img><a href="https://keras.io">Keras</a>')
    nb = new_notebook(cells=[new_code_cell("x", outputs=[new_output(
        "display_data", data={"application/vnd.jupyter.widget-view+json": {"model_id": "m"}})])])
    [output] = safe_outputs(nb).cells[0].outputs
    assert list(output.data) == ["text/plain"] and "left out" in output.data["text/plain"]


PATHS = '''
# %%
import os
import warnings

print(os.getcwd())
warnings.warn("careful with the data")
'''


def test_a_run_stores_its_outputs_without_the_machine_paths(tmp_path, capsys):
    from conftest import lesson_source, make_course
    from verify_fixture import build

    root = make_course(tmp_path / "course", {"01_paths": lesson_source(PATHS)})
    assert build(capsys, root, "notebooks").code == 0
    result = build(capsys, root, "verify")
    assert result.code == 0, result.err
    stored = [root / "build" / "executed" / "smoke" / "tensorflow" / "01_paths.ipynb",
              *(root / ".cache" / "verify").glob("*.json")]
    assert len(stored) == 2
    for path in stored:
        text = path.read_text()
        assert "./build/work/smoke/tensorflow/01_paths" in text, path
        assert "<ipython>:5: UserWarning: careful with the data" in text, path
        assert str(root) not in text and "ipykernel_" not in text, path


def test_values_a_run_reports_are_text_on_the_pages():
    import re

    import markdown

    from coursekit.publish.pages import run_details, verification_page
    from coursekit.run.verify import Verified

    run = {"lesson": "01_x", "profile": "smoke", "backend": "tensorflow", "status": "passed",
           "metrics": {"<img src=x onerror=steal()>": "[more](javascript:steal())"},
           "device": {"cpu": "<script>steal()</script>"}, "date": "{: onclick=steal() }",
           "packages": {"keras": "<b onmouseover=steal()>3</b>"}}
    for page in (verification_page([], [run]), run_details(Verified(run, None))):
        html = markdown.markdown(page, extensions=["attr_list", "md_in_html", "tables"])
        assert not re.search(r"<[^>]*\son\w+\s*=", html), html  # no handler in any tag
        assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "&#60;img src=x onerror=steal()&#62; = &#91;more&#93;(javascript:steal())" in \
        verification_page([], [run])
