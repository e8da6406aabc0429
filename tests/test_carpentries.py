"""The Carpentries' dialect: Pandoc fenced divs in Markdown cells (``::: challenge``,
``::: solution``, ``::: instructor``, ``::: callout``), the episode's front matter as the
lesson header, and ``coursekit import`` of a real episode (an excerpt kept as a fixture)."""

from __future__ import annotations

import json
from pathlib import Path

import markdown
import pytest

from conftest import (
    FIT_CHECK_SKIP_ENV,
    add_project_files,
    lesson_source,
    make_course,
    run_build,
    snapshot,
)
from coursekit.errors import MarkerError
from coursekit.publish.schedule import outcomes_page
from coursekit.source import fenced_divs
from coursekit.source.importers import ImportFormatError, find_importer
from coursekit.source.importers.carpentries import CARPENTRIES, front_matter, header
from coursekit.source.leaks import (
    lesson_secrets,
    scan_file,
    secrets_by_stem,
    speaker_note_secrets,
)
from coursekit.source.lesson import read_lesson
from coursekit.source.markers import split_cell

EPISODE = Path(__file__).parent / "fixtures" / "imports" / "carpentries" / "1-introduction.md"

CHALLENGE = """\
:::: challenge
## Sums
Add the two numbers.

::: solution
## Solution
Their total comes from adding them.
:::
::::"""


def test_a_solution_inside_its_challenge_reaches_only_the_solution():
    split = split_cell(CHALLENGE, "markdown")
    assert "Add the two numbers." in split.exercise
    assert "Their total" not in split.exercise and "Solution" not in split.exercise
    assert "Add the two numbers." in split.solution and "Their total" in split.solution
    assert split.exercise.startswith('<div class="admonition challenge" markdown="1">\n\n')
    assert split.exercise.count("<div") == split.exercise.count("</div>") == 1
    assert split.solution.count("<div") == split.solution.count("</div>") == 2
    assert (6, "Their total comes from adding them.") in split.secrets
    # each line of either version maps back to the cell line it came from
    ex = split.exercise.split("\n")
    assert CHALLENGE.split("\n")[split.exercise_lines[ex.index("Add the two numbers.")]] \
        == "Add the two numbers."


@pytest.mark.parametrize("opening, closing", [
    ("::: {.challenge}", ":::"),
    ("::::::::::::::::::::::::::: challenge", "::::::::::::::::::::::::::::"),
    ("::: challenge :::", ":::"),
    ("::: {.challenge #sums}", "::::"),
])
def test_fence_forms_pandoc_accepts(opening, closing):
    source = f"{opening}\nAdd them.\n\n::: {{.solution}}\nThe total.\n:::\n{closing}"
    split = split_cell(source, "markdown")
    assert "Add them." in split.exercise and "The total." not in split.exercise
    assert "The total." in split.solution


def test_a_callout_is_shown_to_everyone_and_colons_in_code_are_code():
    source = "::: callout\nMind the gap.\n\n```\n:::\n```\n:::"
    split = split_cell(source, "markdown")
    assert split.exercise == split.solution
    assert "Mind the gap." in split.exercise and "```\n:::\n```" in split.exercise


def test_a_nested_instructor_note_is_hidden_like_an_answer():
    split = split_cell("::: challenge\nTry it.\n\n::: instructor\nGive them time.\n:::\n:::",
                       "markdown")
    assert "Give them time." not in split.exercise and "Give them time." in split.solution


@pytest.mark.parametrize("source, line, words", [
    ("::: challenge\nAdd them.", 0, "'::: challenge' is never closed"),
    (":::: challenge\nAdd.\n::: solution\nTotal.\n::::", 0, "':::: challenge' is never "
                                                             "closed"),
    ("Text.\n:::", 1, "':::' closes no open fenced div"),
    ("::: soluton\nThe total.\n:::", 0, "unknown fenced div class 'soluton'"),
    ("::: challenge\n### BEGIN SOLUTION\nx\n### END SOLUTION\n:::", 1, "BEGIN SOLUTION"),
])
def test_malformed_divs_are_errors_with_their_line(source, line, words):
    with pytest.raises(MarkerError) as err:
        split_cell(source, "markdown")
    assert words in err.value.message and err.value.line == line
    if "soluton" in source:
        assert "did you mean 'solution'" in err.value.hint


LESSON = lesson_source("""
    # %% [markdown]
    # Some words first.
    #
    # ::: instructor
    # Ask who has used a terminal before.
    # :::
    #
    # :::: challenge
    # Add the two numbers.
    #
    # ::: solution
    # Their total comes from adding them.
    # :::
    # ::::

    # %%
    total = 1 + 2
""")


def test_a_top_level_instructor_div_becomes_a_speaker_notes_cell(tmp_path):
    path = tmp_path / "01_sums.py"
    path.write_text(LESSON)
    lesson = read_lesson(path)
    notes = lesson.cells[1]
    assert notes.metadata == {"slideshow": {"slide_type": "notes"}}
    assert notes.source == "Ask who has used a terminal before."
    lines = LESSON.split("\n")
    assert [lines[cell.line - 1] for cell in lesson.cells] == [
        "# Some words first.", "# Ask who has used a terminal before.", "# :::: challenge",
        "total = 1 + 2"]
    assert {s.text for s in lesson_secrets(lesson)} == {"Their total comes from adding them."}


def test_the_notebooks_show_students_the_challenge_and_instructors_the_rest(course):
    root = course({"01_sums": LESSON})
    result = run_build(root, "notebooks")
    assert result.returncode == 0, result.stderr
    exercise = json.loads((root / "exercises" / "01_sums.ipynb").read_text())
    solution = json.loads((root / "solutions" / "01_sums.ipynb").read_text())
    student = "".join("".join(c["source"]) for c in exercise["cells"])
    assert "Add the two numbers." in student
    assert "Their total" not in student and "terminal" not in student
    teacher = "".join("".join(c["source"]) for c in solution["cells"])
    assert "Their total" in teacher and "terminal" in teacher


def test_an_unclosed_div_exits_2_naming_the_line_and_keeps_the_notebooks(course):
    root = course({"01_sums": LESSON})
    assert run_build(root, "notebooks").returncode == 0
    before = snapshot(root)
    path = root / "content" / "01_sums.py"
    path.write_text(LESSON.replace("# ::::\n", "#\n"))
    result = run_build(root, "notebooks")
    assert result.returncode == 2
    line = LESSON.split("\n").index("# :::: challenge") + 1
    assert f"01_sums.py:{line}: fenced div ':::: challenge' is never closed" in result.stderr
    assert snapshot(root) == before


def test_a_solution_div_the_stripper_let_through_is_caught(course, monkeypatch):
    """Break the stripper: every line reaches the exercise. The leak scanner, which reads
    the secrets from the split, still refuses to write the notebooks."""
    root = course({"01_sums": LESSON})
    add = fenced_divs.DivSplit.add
    monkeypatch.setattr(fenced_divs.DivSplit, "add",
                        lambda self, new, origin, student, tag=False:
                        add(self, new, origin, True, tag))
    result = run_build(root, "notebooks")
    assert result.returncode == 2
    line = LESSON.split("\n").index("# Their total comes from adding them.") + 1
    assert "Their total comes from adding them." in result.stderr
    assert f"01_sums.py:{line}" in result.stderr
    assert not (root / "exercises" / "01_sums.ipynb").exists()


def test_the_header_takes_the_workbench_questions(tmp_path):
    header = lesson_source("", header="""\
# ---
# jupyter:
#   kernelspec: {display_name: Python 3, language: python, name: python3}
#   course:
#     title: Sums
#     questions: ['How do numbers add up?']
# ---
""")
    path = tmp_path / "01_sums.py"
    path.write_text(header + "\n# %%\nx = 1\n")
    lesson = read_lesson(path)
    assert lesson.questions == ["How do numbers add up?"]
    page = outcomes_page([lesson])
    assert page.index("**Questions**") < page.index("- How do numbers add up?") \
        < page.index("**Objectives**")
    path.write_text(header.replace("['How do numbers add up?']", "3") + "\n# %%\nx = 1\n")
    with pytest.raises(Exception, match="'questions' must be a list of sentences"):
        read_lesson(path)


# --- coursekit import of a real episode -----------------------------------------------

def imported(tmp_path: Path, episode: Path):
    """The lesson the importer makes of ``episode``, read back as a lesson."""
    path = tmp_path / "01_imported.py"
    path.write_text(CARPENTRIES.convert([episode]))
    return read_lesson(path)


def test_the_episode_front_matter_and_list_divs_become_the_header(tmp_path):
    assert find_importer([EPISODE]) is CARPENTRIES
    lesson = imported(tmp_path, EPISODE)
    assert (lesson.title, lesson.teaching, lesson.exercises) == ("Introduction", 50, 30)
    assert lesson.questions[0] == "What is deep learning?" and len(lesson.questions) == 8
    assert lesson.objectives[-1].startswith("Test that you have correctly installed")
    assert len(lesson.keypoints) == 8
    code = [cell.source for cell in lesson.cells if cell.cell_type == "code"]
    assert code == ["import numpy\nprint(numpy.__version__)"]  # its output block dropped
    text = lesson.path.read_text()
    assert "2.1.3" not in text and ":::: challenge" in text and "::: objectives" not in text


def test_the_header_keeps_the_lesson_rule_but_drops_blank_items(tmp_path):
    # one rule for lessons and episodes (lesson.schedule_keys); the Workbench's blank
    # list item is left out, where a lesson's header would be refused
    episode = tmp_path / "1-blank.md"
    episode.write_text("---\ntitle: T\nexercises: 0\nkeypoints: ['Add. ', '']\n---\n")
    meta = front_matter(episode.read_text().split("\n"), episode)[0]
    assert header(meta, episode) == {
        "title": "T", "exercises": 0, "keypoints": ["Add."]}


def test_python_in_a_solution_and_r_chunks_stay_markdown(tmp_path):
    episode = tmp_path / "2-rmd.Rmd"
    episode.write_text("---\ntitle: Chunks\n---\n\n```{r, echo=FALSE}\nx <- 1\n```\n\n"
                       "```{python}\ny = 2\n```\n\n::: challenge\nSquare y.\n\n"
                       "::: solution\n```python\nz = y ** 2\n```\n:::\n:::\n")
    text = CARPENTRIES.convert([episode])
    assert "# ```r\n# x <- 1\n# ```" in text  # R shown, never run
    assert '# %% slideshow={"slide_type": "-"}\ny = 2\n' in text  # a code cell
    assert "# ```python\n# z = y ** 2" in text  # the answer's code stays in the answer


@pytest.mark.parametrize("text, line, words", [
    ("---\nteaching: 5\n---\nText.\n", 1, "the episode has no title"),
    ("---\ntitle: T\nteaching: soon\n---\n", 3, "'teaching' must be a whole number"),
    ("---\ntitle: T\nobjectives: [Add., 3]\n---\n", 3, "'objectives' must be a list of "
                                                             "sentences"),
    ("---\ntitle: T\n---\n\n::: challange\nx\n:::\n", 5, "unknown fenced div class"),
    ("---\ntitle: [T\n---\n", 2, "the front matter is not YAML"),
])
def test_a_bad_episode_is_named_with_its_line(tmp_path, text, line, words):
    episode = tmp_path / "3-bad.md"
    episode.write_text(text)
    with pytest.raises(ImportFormatError) as err:
        CARPENTRIES.convert([episode])
    assert words in err.value.message and err.value.line == line
    assert err.value.path == episode


@pytest.mark.fit_check
def test_an_imported_episode_builds_verifies_and_publishes_without_leaks(tmp_path):
    """With the fit check on: the importer's slide marks (importers/slide_breaks.py) give
    a deck whose every slide fits, with no slide over the word rule's warning."""
    root = add_project_files(make_course(tmp_path / "course", {}))
    for step in (["import", str(EPISODE)], ["notebooks"], ["verify", "--backend", "none"],
                 ["site"]):
        result = run_build(root, *step, env={FIT_CHECK_SKIP_ENV: "0"})
        assert result.returncode == 0, result.stdout + result.stderr
    assert "not checked for fit" not in result.stderr  # the site's fit check ran
    assert "words of prose" not in result.stderr
    lesson = (root / "content" / "01_introduction.py").read_text()
    assert lesson.count('slideshow={"slide_type": "slide"}') >= 5
    # a course without build.py: its runs table names the command it has
    runs = (root / "build" / "site" / "verification.html").read_text()
    assert "executed by <code>coursekit verify</code>" in runs
    exercise = (root / "exercises" / "01_introduction.ipynb").read_text()
    page = (root / "build" / "site" / "lessons" / "01_introduction.html").read_text()
    for student in (exercise, page):
        assert "What is the output of the neuron?" in student  # the challenge
        assert "Apply activation function" not in student  # its solution
        assert "misrendered MathJax" not in student  # the instructor's note
        assert "What if I do not have enough data?" in student  # the callout
    solution = (root / "solutions" / "01_introduction.ipynb").read_text()
    assert "Apply activation function" in solution and "misrendered MathJax" in solution
    report = json.loads((root / "build" / "report.json").read_text())
    assert [run["status"] for run in report["runs"]] == ["passed"]


def test_a_solution_div_a_renderer_leaked_is_found_on_the_page(tmp_path):
    """A page shows the answer rendered (no backticks, no list marks): still found."""
    path = tmp_path / "01_sums.py"
    path.write_text(LESSON.replace("# Their total comes from adding them.",
                                   "# * Their total is `a + b`, added up."))
    lesson = read_lesson(path)
    page = markdown.markdown(lesson.cells[2].split.solution, extensions=["md_in_html"])
    leaks = scan_file("lessons/01_sums.html", page.encode(), secrets_by_stem([lesson]))
    assert [leak.secret.text for leak in leaks] == ["Their total is a + b, added up."]
    assert leaks[0].secret.line == LESSON.split("\n").index(
        "# Their total comes from adding them.") + 1


def test_an_instructor_note_repeating_a_boxs_heading_keeps_the_rest_secret(course):
    """As in the Carpentries' deep-learning episode 4: the note and the callout after it
    share a heading, which students see; the note's own advice stays instructor-only."""
    lesson = lesson_source("""
        # %% [markdown]
        # ::: instructor
        # ## Comparison with dense layers
        # Extend the discussion as far as time allows.
        # :::
        #
        # ::: callout
        # ## Comparison with dense layers
        # How does a network of dense layers compare?
        # :::
    """)
    root = course({"01_dense": lesson})
    result = run_build(root, "notebooks")
    assert result.returncode == 0, result.stderr
    path = root / "content" / "01_dense.py"
    assert [s.text for s in speaker_note_secrets(read_lesson(path))] == [
        "Extend the discussion as far as time allows."]


def test_an_instructor_div_in_a_tagged_cell_is_refused_naming_its_line(tmp_path):
    source = LESSON.replace("# %% [markdown]\n# Some words", "# %% [markdown] "
                            'nbgrader={"solution": false, "task": true}\n# Some words')
    path = tmp_path / "01_sums.py"
    path.write_text(source)
    with pytest.raises(MarkerError) as err:
        read_lesson(path)
    assert "'::: instructor' in a tagged cell" in err.value.message
    assert err.value.line == source.split("\n").index("# ::: instructor") + 1


# --- the older lesson template (kramdown blockquotes), before the Workbench -----------

STYLES = EPISODE.parent.parent / "carpentries-styles" / "04-lists.md"


def test_an_episode_of_the_older_template_hides_its_solution_blockquote(tmp_path):
    lesson = imported(tmp_path, STYLES)
    assert lesson.title == "Storing Multiple Values in Lists" and lesson.questions == [
        "How can I store many values together?"]
    code = [cell.source for cell in lesson.cells if cell.cell_type == "code"]
    assert code == ["odds = [1, 3, 5, 7]\nprint('odds are:', odds)"]  # its output dropped
    # the challenge, over the slides it takes (importers/slide_breaks.py)
    start = next(n for n, cell in enumerate(lesson.cells) if "Slicing" in cell.source)
    parts = [cell for cell in lesson.cells[start:] if cell.source.startswith("::: challenge")]
    exercise = "".join(cell.split.exercise for cell in parts)
    assert "Hint: Remember that indices can be negative" in exercise
    assert "string_for_slicing[-4:]" not in exercise
    assert "string_for_slicing[-4:]" in "".join(cell.split.solution for cell in parts)
    text = lesson.path.read_text()
    assert "{:" not in text and "~~~" not in text and "{% include" not in text


def test_a_lazy_line_stays_in_its_box_and_a_stray_class_line_is_refused(tmp_path):
    episode = tmp_path / "05-lazy.md"
    episode.write_text("---\ntitle: Lazy\n---\n> ## Task\n> Plot it.\n>\n> > ## Solution\n"
                       "> > ![A plot of the daily\nminimum](../fig/min.svg)\n> {: .solution}\n"
                       "{: .challenge}\n")
    cell = imported(tmp_path, episode).cells[0]
    assert "minimum" not in cell.split.exercise and "](fig/min.svg)" in cell.split.solution
    episode.write_text("---\ntitle: Stray\n---\nSome text.\n\n{: .solution}\n")
    with pytest.raises(ImportFormatError) as err:
        CARPENTRIES.convert([episode])
    assert "follows no blockquote" in err.value.message and err.value.line == 6
    episode.write_text("---\ntitle: Typo\n---\n> The answer.\n{: .soluton}\n")
    with pytest.raises(ImportFormatError, match=r"unknown kramdown class '\{: .soluton\}'"):
        CARPENTRIES.convert([episode])


def test_coursekit_import_of_a_bad_episode_exits_2_and_writes_nothing(tmp_path):
    root = make_course(tmp_path / "course", {})
    episode = tmp_path / "3-bad.md"
    episode.write_text("---\ntitle: T\n---\n\n::: challange\nx\n:::\n")
    result = run_build(root, "import", str(episode))
    assert result.returncode == 2
    assert f"{episode}:5: unknown fenced div class 'challange'" in result.stderr
    assert "did you mean 'challenge'?" in result.stderr
    assert list((root / "content").iterdir()) == []
