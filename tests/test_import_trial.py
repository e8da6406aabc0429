"""What a new user met importing real material (docs/trying-it.md): each case a lesson
that `coursekit import` wrote but the next command refused."""

from __future__ import annotations

from coursekit.source.assets import lesson_assets
from coursekit.source.importers.carpentries import episode_lesson
from coursekit.source.lesson import read_lesson

# deep-learning-intro's 6-outlook.md and 2-keras.md link to other pages of the lesson's
# website by their path in the lesson repository
EPISODE = """\
---
title: Outlook
---

Go through [the resources we have compiled](learners/reference.md#external-references).

In [episode 3](episodes/3-monitor-the-model.md) we go further; ![a figure](fig/a.png)
See [transfer learning](./5-transfer-learning.html) and [the API](https://keras.io/a.html).
Older lessons: [the glossary](../reference.html), [setup]({{ page.root }}/setup.html).
"""


def test_a_link_to_another_page_of_the_lesson_site_keeps_its_text(tmp_path):
    source = tmp_path / "episodes" / "6-outlook.md"
    source.parent.mkdir()
    source.write_text(EPISODE, encoding="utf-8")
    content = tmp_path / "content"
    (content / "fig").mkdir(parents=True)
    (content / "fig" / "a.png").write_bytes(b"png")
    lesson_file = content / "01_outlook.py"
    lesson_file.write_text(episode_lesson(source), encoding="utf-8")
    text = lesson_file.read_text(encoding="utf-8")
    assert "Go through the resources we have compiled." in text
    assert "In episode 3 we go further" in text
    assert "See transfer learning and [the API](https://keras.io/a.html)." in text
    assert "Older lessons: the glossary, setup." in text
    assert "reference.md" not in text and "monitor-the-model" not in text
    # the lesson builds: its only local reference is the figure, which is there
    assets = lesson_assets(read_lesson(lesson_file), content)
    assert [asset.rel for asset in assets] == ["fig/a.png"]


def test_import_warns_of_a_file_the_lesson_names_that_is_nowhere(tmp_path, capsys):
    """A file the converted lesson names that is neither beside the source nor under
    content/ is named at import (the build would refuse the lesson until it is there)."""
    from coursekit.cli import main

    source = tmp_path / "up" / "1-intro.md"
    source.parent.mkdir()
    source.write_text("---\ntitle: Intro\n---\n\nSee ![the plot](fig/missing.png) and "
                      "![another](fig/here.png).\n", encoding="utf-8")
    (source.parent / "fig").mkdir()
    (source.parent / "fig" / "here.png").write_bytes(b"png")
    root = tmp_path / "course"
    (root / "content").mkdir(parents=True)
    assert main(["--root", str(root), "import", str(source)]) == 0
    err = capsys.readouterr().err
    assert f"warning: {source}: the lesson names 'fig/missing.png' (its line 16)" in err
    assert "copy it to content/fig/missing.png before building" in err
    assert "here.png" not in err and (root / "content" / "fig" / "here.png").is_file()


def test_a_hint_names_the_coursekit_command_in_a_course_without_build_py(tmp_path, capsys):
    """`coursekit site` in a new course said "`python build.py verify` shows what went
    wrong": that course has no build.py."""
    from conftest import lesson_source, make_course
    from coursekit.cli import in_own_words, main

    root = make_course(tmp_path, {"01_tiny": lesson_source("# %%\nx = 1\n")})
    assert main(["--root", str(root), "bundle"]) == 2
    err = capsys.readouterr().err
    assert "build.py" not in err and "`coursekit " in err, err
    hint = "run `python build.py verify` first; `build.py check` too"
    assert in_own_words(hint, "build.py") == hint
    assert in_own_words(hint, "coursekit") == "run `coursekit verify` first; `coursekit check` too"
