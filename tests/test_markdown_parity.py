"""Pages and decks render the same Markdown the same way (issue 19 items 6 and 8).

A corpus of constructs as Jupyter, Pandoc and Carpentries authors write them goes both
ways, for real: the notes page through the notes template and mkdocs (the course's
mkdocs.yml, strict), the deck through the deck renderer. Each construct's element tree
(tags, not text) must be the same on the page and on its slide, and right on both.
"""

from __future__ import annotations

import shutil

import nbformat
import pytest
from bs4 import BeautifulSoup, Tag

from conftest import ROOT
from coursekit.config import Project, load_course
from coursekit.errors import CourseError
from coursekit.publish.deck_view import deck_view
from coursekit.publish.markdown_config import DeckMarkdown, extensions_of
from coursekit.publish.mkdocs_run import mkdocs_config, run_mkdocs
from coursekit.publish.pages import render_notes
from coursekit.publish.pandoc_markdown import nest_lists, separate_display_math
from coursekit.publish.slides import render_deck

# the corpus is built once (a mkdocs build): its tests stay on one xdist worker
pytestmark = pytest.mark.xdist_group("markdown_parity")

CORPUS = {
    "display math in a paragraph": "The loss is\n$$L = -\\sum_i y_i \\log p_i$$\nover the batch.",
    "image attributes": '![](fig/neuron.png){alt="A neuron with three inputs" width="40%"}',
    "nested list, two spaces": "- inputs\n  - weights\n  - bias\n- output",
    "figure with a caption": ("![A neuron. Credit: [Wikimedia](https://commons.wikimedia.org),"
                              " CC BY-SA](fig/neuron.png)"),
    "table after text": "The results:\n| model | accuracy |\n|---|---|\n| dense | 0.91 |",
    "fenced code": "```python\nmodel.fit(x, y, epochs=5)\n```",
    "admonition": '!!! note "Keep in mind"\n    The bias is a weight too.',
}


def corpus_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    for number, body in enumerate(CORPUS.values()):
        cell = nbformat.v4.new_markdown_cell(f"## Case {number}\n\n{body}",
                                             id=f"cell-{number:03d}")
        cell.metadata["slideshow"] = {"slide_type": "slide"}
        nb.cells.append(cell)
    return nb


def shape(tag: Tag) -> tuple:
    """An element's tag and its children's shapes: the structure, not the text; what only
    a page links to (permalinks ¶, code line anchors) left out (markdown_config.py)."""
    children = [child for child in tag.children if isinstance(child, Tag)
                and "headerlink" not in (child.get("class") or [])
                and not (child.get("id") or "").startswith("__codelineno")]
    return (tag.name, tuple(shape(child) for child in children))


def by_case(elements: list[Tag]) -> dict[int, list[Tag]]:
    """Top-level elements grouped under the ``## Case N`` heading before them."""
    cases: dict[int, list[Tag]] = {}
    current = None
    for element in elements:
        if element.name == "h2" and element.get_text().strip("¶ ").startswith("Case "):
            current = int(element.get_text().strip("¶ ").split()[1])
            cases[current] = []
        elif current is not None:
            cases[current].append(element)
    return cases


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, dict[int, list[Tag]]]:
    """The corpus as the page shows it and as the deck shows it."""
    root = tmp_path_factory.mktemp("parity")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    docs, site = root / "docs", root / "site"
    page, _ = render_notes(corpus_notebook(), "corpus")
    (docs / "lessons" / "fig").mkdir(parents=True)
    (docs / "lessons" / "corpus.md").write_text(page, encoding="utf-8")
    (docs / "lessons" / "fig" / "neuron.png").write_bytes(bytes.fromhex("00"))
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    course = load_course(ROOT / "tests" / "fixtures" / "site" / "course.yml")
    run_mkdocs(Project(root), course, [{"Home": "index.md"}, {"Corpus": "lessons/corpus.md"}],
               [], docs, site)
    html = BeautifulSoup((site / "lessons" / "corpus.html").read_text(), "html.parser")
    article = html.select_one("article.md-content__inner")
    nb = corpus_notebook()
    deck = BeautifulSoup(render_deck(deck_view(nb, nb, None), "Corpus"), "html.parser")
    slides = [element for box in deck.select("section .jp-RenderedMarkdown")
              for element in box.find_all(True, recursive=False)]
    return {"page": by_case(article.find_all(True, recursive=False)),
            "deck": by_case(slides)}


def test_every_construct_has_the_same_structure_on_the_page_and_on_the_slide(rendered):
    page, deck = rendered["page"], rendered["deck"]
    assert sorted(page) == sorted(deck) == list(range(len(CORPUS)))
    for number, name in enumerate(CORPUS):
        assert [shape(e) for e in page[number]] == [shape(e) for e in deck[number]], name


@pytest.mark.parametrize("view", ["page", "deck"])
def test_each_construct_renders_as_its_authors_mean_it(rendered, view):
    case = {name: rendered[view][number] for number, name in enumerate(CORPUS)}
    text = {name: " ".join(e.get_text() for e in elements) for name, elements in case.items()}

    math = case["display math in a paragraph"]
    assert [e.name for e in math] == ["p", "div", "p"] and "arithmatex" in math[1]["class"]
    assert "$" not in text["display math in a paragraph"]

    image = case["image attributes"][0].find("img")
    assert (image["alt"], image["width"]) == ("A neuron with three inputs", "40%")
    assert "{" not in text["image attributes"] and "width" not in text["image attributes"]

    outer = case["nested list, two spaces"][0]
    assert outer.name == "ul" and len(outer.find_all("li", recursive=False)) == 2
    assert len(outer.li.ul.find_all("li", recursive=False)) == 2

    figure = case["figure with a caption"][0]
    assert figure.name == "figure" and figure.img["src"] == "fig/neuron.png"
    assert figure.figcaption.get_text() == "A neuron. Credit: Wikimedia, CC BY-SA"
    assert figure.figcaption.a["href"] == "https://commons.wikimedia.org"

    table = case["table after text"]
    assert [e.name for e in table][0] == "p" and table[-1].find("td") is not None
    assert "|" not in text["table after text"]

    assert case["fenced code"][0].find("pre").find("code") is not None
    note = case["admonition"][0]
    assert "admonition" in note["class"]
    assert note.select_one(".admonition-title").get_text() == "Keep in mind"


def test_decks_use_the_extensions_of_the_sites_configuration(tmp_path):
    """One configuration: what mkdocs builds pages with is what the decks load."""
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    (tmp_path / "docs").mkdir()
    course = load_course(ROOT / "tests" / "fixtures" / "site" / "course.yml")
    config = mkdocs_config(Project(tmp_path), course, [], tmp_path / "docs", tmp_path / "site")
    names, settings = extensions_of(tmp_path / "mkdocs.yml")
    assert names == config.markdown_extensions
    assert settings.keys() == config.mdx_configs.keys()
    # a course that drops an extension drops it from its decks too
    text = (tmp_path / "mkdocs.yml").read_text().replace("  - admonition\n", "")
    (tmp_path / "mkdocs.yml").write_text(text)
    assert "admonition" not in DeckMarkdown(tmp_path / "mkdocs.yml")("!!! note\n    x")


def test_two_space_lists_nest_and_four_space_ones_stay_as_they_are():
    two = ["- a", "  - b", "    - c", "  - d", "- e"]
    assert nest_lists(two) == ["- a", "    - b", "        - c", "    - d", "- e"]
    four = ["- a", "    - b", "        - c", "- e"]
    assert nest_lists(four) == four
    # text under an item follows it; a paragraph after the list is left alone
    assert nest_lists(["1. one", "   - sub", "", "   more", "", "after"]) == [
        "1. one", "    - sub", "", "    more", "", "after"]


def test_display_math_gets_a_block_of_its_own_and_code_is_left_alone():
    assert separate_display_math(["a $$x$$ b"]) == ["a", "", "$$x$$", "", "b"]
    assert separate_display_math(["", "$$x$$", ""]) == ["", "$$x$$", ""]
    assert separate_display_math(["see `$$x$$` here"]) == ["see `$$x$$` here"]
    assert separate_display_math(["- item", "  $$", "  x", "  $$"]) == [
        "- item", "", "  $$", "  x", "  $$"]


def test_an_extension_that_does_not_load_is_an_error_naming_mkdocs_yml(tmp_path):
    text = (ROOT / "mkdocs.yml").read_text().replace("  - admonition\n",
                                                     "  - admonitions_typo\n")
    (tmp_path / "mkdocs.yml").write_text(text)
    with pytest.raises(CourseError, match="admonitions_typo") as caught:
        DeckMarkdown(tmp_path / "mkdocs.yml")
    assert caught.value.path == tmp_path / "mkdocs.yml"
