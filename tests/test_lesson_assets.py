"""Files beside the lessons (issue 19 item 5): what a lesson's Markdown names by relative
path reaches every artifact that shows the Markdown; a missing one, or one outside
content/, is an error naming lesson:line, and nothing is written."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from conftest import lesson_source, run_build, snapshot
from coursekit.source.assets import local_path, references

PNG = bytes.fromhex("89504e470d0a1a0a")  # enough of a PNG for a file to ship
LESSON = """\
# %% [markdown] slideshow={"slide_type": "slide"}
# # Neurons
#
# ![A neuron. Credit: the authors, CC0](fig/neuron.png){width=40%}
# The weights are in [a table](data/weights.csv#row-2).

# %%
x = 1

# %% [markdown]
# ### BEGIN SOLUTION
# The answer, drawn: ![the answer](fig/answer.png)
# ### END SOLUTION
"""


def test_references_are_links_images_html_and_definitions_but_not_code():
    markdown = "\n".join([
        "![a](fig/a.png) and [b](data/b.csv \"title\") and [c](<my file.txt>)",
        '<img src="fig/d.svg" alt="d"> [web](https://example.org) [top](#top)',
        "[e]: notes/e.pdf",
        "`![not](code.png)` [mail](mailto:a@b.org)",
        "```",
        "![not](fenced.png)",
        "```"])
    found = [(line, local_path(target)) for line, target in references(markdown)]
    assert [(line, path) for line, path in found if path] == [
        (0, "fig/a.png"), (0, "data/b.csv"), (0, "my file.txt"), (1, "fig/d.svg"),
        (2, "notes/e.pdf")]


@pytest.fixture
def assets_course(course):
    root = course({"01_neurons": lesson_source(LESSON, title="Neurons")})
    for rel, data in (("fig/neuron.png", PNG), ("fig/answer.png", PNG),
                      ("data/weights.csv", b"w\n1\n")):
        (root / "content" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "content" / rel).write_bytes(data)
    return root


def test_files_go_beside_the_notebooks_and_an_answers_figure_to_solutions_only(assets_course):
    result = run_build(assets_course, "notebooks")
    assert result.returncode == 0, result.stderr
    files = snapshot(assets_course)
    assert files["exercises/fig/neuron.png"] == files["solutions/fig/neuron.png"] == PNG
    assert files["exercises/data/weights.csv"] == b"w\n1\n"
    assert files["solutions/fig/answer.png"] == PNG
    assert "exercises/fig/answer.png" not in files  # the answer's figure is the answer's
    assert run_build(assets_course, "check").returncode == 0
    (assets_course / "exercises" / "fig" / "neuron.png").write_bytes(b"stale")
    stale = run_build(assets_course, "check")
    assert stale.returncode != 0 and "exercises/fig/neuron.png" in stale.stdout + stale.stderr
    # a file no lesson names any more is stale too, and `notebooks` removes it
    lesson = assets_course / "content" / "01_neurons.py"
    lesson.write_text(lesson.read_text().replace("[a table](data/weights.csv#row-2)", "a table"))
    stale = run_build(assets_course, "check")
    assert stale.returncode != 0 and "exercises/data/weights.csv" in stale.stdout + stale.stderr
    checkpoint = assets_course / "exercises" / ".ipynb_checkpoints" / "01_neurons-checkpoint.ipynb"
    checkpoint.parent.mkdir()
    checkpoint.write_text("{}")  # Jupyter's, not the build's
    assert run_build(assets_course, "notebooks").returncode == 0
    assert not (assets_course / "exercises" / "data").exists()
    assert checkpoint.is_file() and run_build(assets_course, "check").returncode == 0


def _line_of(root: Path, text: str) -> int:
    lines = (root / "content" / "01_neurons.py").read_text().split("\n")
    return next(n for n, line in enumerate(lines, start=1) if text in line)


@pytest.mark.parametrize("target, message", [
    ("fig/missing.png", "'fig/missing.png' does not exist"),
    ("../../etc/passwd", "'../../etc/passwd' is outside content/"),
    ("/etc/passwd", "'/etc/passwd' is an absolute path"),
    ("fig", "'fig' is a folder, not a file"),
    ("01_neurons.py", "'01_neurons.py' is a lesson's source, which holds its solutions"),
])
def test_a_bad_reference_names_lesson_and_line_and_writes_nothing(assets_course, target,
                                                                   message):
    assert run_build(assets_course, "notebooks").returncode == 0
    before = snapshot(assets_course)
    path = assets_course / "content" / "01_neurons.py"
    path.write_text(path.read_text().replace("data/weights.csv#row-2", target))
    result = run_build(assets_course, "notebooks")
    assert result.returncode == 2
    line = _line_of(assets_course, f"]({target})")
    assert f"content/01_neurons.py:{line}: {message}" in result.stderr
    assert snapshot(assets_course) == before


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_site_decks_and_bundle_carry_the_files(built_course):
    """The fixture course's 02_words links data/words.txt (students') and shows
    fig/sentence.png in a speaker note (instructors'). The student publication:
    test_student_publication.py; the instructor bundle: test_bundle_zip.py."""
    words = (built_course / "content" / "data" / "words.txt").read_bytes()
    site = built_course / "build" / "site"
    for folder in ("lessons", "slides"):
        assert (site / folder / "data" / "words.txt").read_bytes() == words
        assert 'href="data/words.txt"' in (site / folder / "02_words.html").read_text()
        assert not (site / folder / "fig" / "sentence.png").exists()
    assert (built_course / "exercises" / "data" / "words.txt").read_bytes() == words
    assert (built_course / "solutions" / "fig" / "sentence.png").is_file()
    assert not (built_course / "exercises" / "fig").exists()
    bundle = members(built_course / "dist" / "tiny-course-1.0.zip")
    for name in ("exercises/data/words.txt", "site/lessons/data/words.txt",
                 "site/slides/data/words.txt"):
        assert bundle[f"tiny-course-1.0/{name}"] == words
    assert not [name for name in bundle if name.endswith("sentence.png")]
