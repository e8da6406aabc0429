"""What a solution or a speaker-notes cell printed is shown as it was printed, on the
instructor page, inside its collapsed block: the block indents it, and text that looks like
Markdown or HTML once indented (a heading, emphasis, a fence, a tag, an admonition of its
own) must stay text in the output's box, not become the page's structure (review finding)."""

from __future__ import annotations

from html.parser import HTMLParser

from conftest import add_project_files, lesson_source, run_build

TRICKY = [
    "# not a heading",
    "**not bold** and _not emphasis_",
    "!!! warning \"not an admonition\"",
    "```",
    "<b>not a tag</b> <script>alert(1)</script>",
    "    four spaces in",
    "- not a list",
    "",
    "after a blank line",
]

PRINTED = repr("\n".join(TRICKY))
LESSON = lesson_source(f"""
    # %% [markdown]
    # ## Print something tricky

    # %%
    ### BEGIN SOLUTION
    answer = 42
    print({PRINTED})
    ### END SOLUTION

    # %% tags=["check"]
    assert answer == 42, "answer should be 42"

    # %% [markdown] slideshow={{"slide_type": "notes"}}
    # Say this aloud.

    # %% slideshow={{"slide_type": "notes"}}
    print({PRINTED})
""")


class Texts(HTMLParser):
    """Every <pre>'s text, and the tags met outside a <pre> inside <details>/<div>."""

    def __init__(self):
        super().__init__()
        self.pres, self.tags, self._pre = [], [], None

    def handle_starttag(self, tag, attrs):
        if tag == "pre":
            self._pre = []
        elif self._pre is None:
            self.tags.append(tag)

    def handle_endtag(self, tag):
        if tag == "pre" and self._pre is not None:
            self.pres.append("".join(self._pre))
            self._pre = None

    def handle_data(self, data):
        if self._pre is not None:
            self._pre.append(data)


def test_printed_text_inside_solution_and_notes_blocks_stays_text(course):
    root = add_project_files(course({"01_tricky": LESSON}))
    assert run_build(root, "notebooks").returncode == 0
    result = run_build(root, "site", "--instructor", "--backend", "none", "--no-fit-check")
    assert result.returncode == 0, result.stdout + result.stderr
    page = root / "build" / "instructor-site" / "lessons" / "01_tricky.html"
    html = page.read_text(encoding="utf-8")
    body = html[html.index('<article'):html.index('</article>')]
    parsed = Texts()
    parsed.feed(body)
    printed = "\n".join(TRICKY)
    shown = [text for text in parsed.pres if text.startswith("# not a heading")]
    # both blocks (the solution's and the speaker notes') show the print whole, as printed
    assert len(shown) == 2, parsed.pres
    assert all(text.strip("\n") == printed for text in shown), shown
    # and nothing it printed became structure of the page
    assert "script" not in parsed.tags and "b" not in parsed.tags
    assert "not a heading" not in "".join(
        body[i:i + 200] for i in range(len(body)) if body.startswith("<h1", i))
    assert body.count('class="admonition warning"') == 0
