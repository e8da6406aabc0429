"""The student bundle packs the built site beside the exercise notebooks as content/ makes
them now: a site built before the lessons changed is refused (exit 2, naming the page's
notebook and what to run), and the last bundle is left as it was (review finding: the
bundle shipped an old site with new notebooks)."""

from __future__ import annotations

from conftest import add_project_files, lesson_source, run_build

LESSON = lesson_source("""
    # %% [markdown]
    # ## Squares
    # The square of three is nine.

    # %%
    print(3 * 3)
""")


def files(folder) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_site_older_than_the_lessons_is_not_bundled(course):
    root = add_project_files(course({"01_squares": LESSON}))
    for step in (["notebooks"], ["site", "--backend", "none", "--no-fit-check"], ["bundle"]):
        result = run_build(root, *step)
        assert result.returncode == 0, result.stdout + result.stderr
    before = files(root / "dist")
    assert before  # the first bundle
    lesson = root / "content" / "01_squares.py"
    lesson.write_text(lesson.read_text().replace("is nine", "is 9"), encoding="utf-8")
    assert run_build(root, "notebooks").returncode == 0
    result = run_build(root, "bundle")
    assert result.returncode == 2
    assert "site/notebooks/01_squares.ipynb" in result.stderr
    assert "the built site is older than content/ and course.yml" in result.stderr
    assert "site` first" in result.stderr  # the command to run, as the course calls it
    assert files(root / "dist") == before
    # rebuilt, it packs again
    assert run_build(root, "site", "--backend", "none", "--no-fit-check").returncode == 0
    assert run_build(root, "bundle").returncode == 0
    assert files(root / "dist") != before
