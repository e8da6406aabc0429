"""The slide marks an importer writes (source/importers/slide_breaks.py), on tiny in-memory
Markdown: no kernel, no browser. The deck of a real imported episode is measured in
Chromium by tests/test_carpentries.py (the fit check of its site build)."""

from __future__ import annotations

import nbformat

from coursekit.source.importers.carpentries import episode_lesson
from coursekit.source.importers.slide_breaks import with_slides
from coursekit.source.lesson import read_lesson
from coursekit.source.slide_room import WORDS_WARN, prose_words

SENTENCE = "The network learns its weights from the examples it is shown."  # 11 words


def md(source):
    return nbformat.v4.new_markdown_cell(source)


def slide_type(cell):
    return cell.metadata.get("slideshow", {}).get("slide_type")


def slides(cells):
    """The sources on each slide, in order."""
    found = []
    for cell in cells:
        if slide_type(cell) == "slide" or not found:
            found.append([])
        found[-1].append(cell.source)
    return found


def test_a_long_section_goes_on_over_slides_cut_between_paragraphs():
    paragraphs = [" ".join([SENTENCE] * 4) for _ in range(5)]  # 44 words each
    text = "## Training\n\n" + "\n\n".join(paragraphs)
    cells = with_slides([md(text)])
    shown = slides(cells)
    assert len(shown) == 3 and shown[0][0].startswith("## Training\n\n")
    for sources in shown:
        assert prose_words("\n".join(sources)) <= WORDS_WARN
    # nothing lost or reordered, and no paragraph cut: the cells put back are the text
    assert "\n\n".join(cell.source for cell in cells) == text


def test_a_paragraph_longer_than_a_slide_is_cut_at_the_end_of_a_sentence():
    text = "## Why\n" + "\n".join([SENTENCE] * 18)  # one paragraph, 198 words
    cells = with_slides([md(text)])
    assert len(slides(cells)) == 3
    for cell in cells:
        assert prose_words(cell.source) <= WORDS_WARN and cell.source.endswith("shown.")
    assert sum(prose_words(cell.source) for cell in cells) == 1 + 198
    one_line = "Intro. " + " ".join([SENTENCE] * 18)  # the same, written on one line
    cells = with_slides([md(one_line)])
    assert len(cells) > 2 and all(prose_words(c.source) <= WORDS_WARN for c in cells)


def test_headings_start_slides_and_text_without_one_joins_while_it_fits():
    cells = with_slides([md("## One\nShort."), md("More on one."), md("## Two\nShort.")])
    assert [slide_type(cell) for cell in cells] == ["slide", "-", "slide"]


def test_a_numbered_list_stays_whole_and_a_bulleted_one_is_cut_between_items():
    numbered = "\n".join(f"{n}. " + SENTENCE for n in range(1, 11))  # 110 words
    cells = with_slides([md("## Steps\n" + numbered)])
    assert len(cells) == 1  # Markdown would number a second half from 1 again
    bulleted = "\n".join("- " + SENTENCE for _ in range(10))
    cells = with_slides([md("## Points\n" + bulleted)])
    assert len(cells) == 2 and all(prose_words(c.source) <= WORDS_WARN for c in cells)
    assert "\n\n" not in cells[0].source  # the list stays tight


def test_a_code_cell_joins_its_slide_unless_the_output_shown_after_it_needs_the_room():
    cells = [md("## Run it"), nbformat.v4.new_code_cell("x = 1\nprint(x)"),
             md("## Again"), nbformat.v4.new_code_cell("print(list(range(30)))")]
    marked = with_slides(cells, {3: 24})  # the episode showed 24 lines of output
    assert [slide_type(cell) for cell in marked] == ["slide", "-", "slide", "slide"]


def test_a_long_challenge_is_cut_into_boxes_and_keeps_its_answer_in_the_last(tmp_path):
    intro = "\n\n".join(" ".join([SENTENCE] * 4) for _ in range(4))  # 176 words
    episode = tmp_path / "1-intro.md"
    episode.write_text("---\ntitle: Intro\n---\n\n:::: challenge\n## Weights\n\n" + intro
                       + "\n\nWhat are the weights?\n\n::: solution\nThey are 1 and 2.\n:::\n"
                       "::::\n\n::: instructor\nGive them five minutes.\n:::\n", "utf-8")
    lesson_file = tmp_path / "content" / "01_intro.py"
    lesson_file.parent.mkdir()
    lesson_file.write_text(episode_lesson(episode), encoding="utf-8")
    lesson = read_lesson(lesson_file)  # a lesson the build reads
    boxes = [cell for cell in lesson.cells if "challenge" in cell.source]
    assert len(boxes) >= 3 and all(slide_type(box) == "slide" for box in boxes)
    assert [("They are 1 and 2." in box.source) for box in boxes] == \
        [False] * (len(boxes) - 1) + [True]
    assert "## Weights" in boxes[0].source and "What are the weights?" in boxes[-1].source
    for box in boxes:  # each part is a whole box: its class opens it, its fence closes it
        lines = box.source.split("\n")
        assert lines[0] == ":::: challenge" and lines[-1] == "::::"
        assert prose_words(box.source.split("::: solution")[0]) <= WORDS_WARN
    notes = [cell for cell in lesson.cells if "five minutes" in cell.source]
    assert [slide_type(cell) for cell in notes] == ["notes"]  # speaker notes, untouched


def test_words_are_counted_as_the_fit_check_counts_prose():
    text = ("See [the docs](https://example.org/a-b-c) and `f(x)` with $a+b$.\n"
            "```python\nx = 1\n```\n![a plot](fig/p.png){alt='w'}\n<b>it's</b>")
    assert prose_words(text) == 6  # See the docs and with it's
