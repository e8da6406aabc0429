"""`build.py bundle`: what the student and instructor zips hold, reproducibly and leak-free."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import run_build
from coursekit.publish.bundle import ZIP_DATE, zip_bytes
from coursekit.publish.mathjax import SITE_MATHJAX

TOP = "tiny-course-1.0"
STEMS = ("01_squares", "02_words")


@pytest.fixture
def course_copy(built_course, tmp_path) -> Path:
    return Path(shutil.copytree(built_course, tmp_path / "course", symlinks=True))


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_student_bundle_holds_site_exercises_requirements_and_a_readme(built_course):
    files = members(built_course / "dist" / f"{TOP}.zip")
    assert all(name.startswith(f"{TOP}/") for name in files)
    for stem in STEMS:
        assert files[f"{TOP}/exercises/{stem}.ipynb"] == (
            built_course / "exercises" / f"{stem}.ipynb").read_bytes()
        assert f"{TOP}/site/lessons/{stem}.html" in files
        assert f"{TOP}/site/slides/{stem}.html" in files
    assert f"{TOP}/site/index.html" in files
    assert f"{TOP}/site/slides/reveal.js/plugin/notes/notes.js" in files
    assert f"{TOP}/site/{SITE_MATHJAX}" in files
    # the course's own requirements, for students: its pins, not its comments or coursekit
    pins = [line for line in (built_course / "requirements.txt").read_text().split("\n")
            if line.strip() and not line.startswith("#")]
    assert files[f"{TOP}/requirements.txt"].decode().split("\n")[2:-1] == pins
    readme = files[f"{TOP}/README.md"].decode()
    assert ("https://colab.research.google.com/github/example-org/tiny-course-student/blob/v1.0/"
            "exercises/01_squares.ipynb") in readme
    assert "pip install -r requirements.txt" in readme and "site/index.html" in readme
    assert not any("/solutions/" in name or name.endswith("report.json") for name in files)
    assert not any(name.startswith(f"{TOP}/site/downloads/") for name in files)


def test_zip_entries_carry_no_build_time_permissions_or_machine_paths(built_course):
    path = built_course / "dist" / f"{TOP}.zip"
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    assert [info.filename for info in infos] == sorted(info.filename for info in infos)
    assert {info.date_time for info in infos} == {ZIP_DATE}
    assert {info.external_attr for info in infos} == {0o644 << 16}
    machine = str(built_course).encode()
    assert not [name for name, data in members(path).items() if machine in data]


def test_the_instructor_bundle_adds_solutions_and_the_report(course_copy):
    student = (course_copy / "dist" / f"{TOP}.zip").read_bytes()
    result = run_build(course_copy, "bundle", "--instructor")
    assert result.returncode == 0, result.stderr
    assert f"wrote dist/{TOP}-instructor.zip" in result.stdout
    files = members(course_copy / "dist" / f"{TOP}-instructor.zip")
    top = f"{TOP}-instructor"
    for stem in STEMS:
        assert files[f"{top}/solutions/{stem}.ipynb"] == (
            course_copy / "solutions" / f"{stem}.ipynb").read_bytes()
        assert f"{top}/exercises/{stem}.ipynb" in files
    assert files[f"{top}/report.json"] == (course_copy / "build" / "report.json").read_bytes()
    # the figure of 02_words' speaker note: beside the solutions, on the instructor's pages
    figure = (course_copy / "content" / "fig" / "sentence.png").read_bytes()
    for name in ("solutions", "site/lessons", "site/slides"):
        assert files[f"{top}/{name}/fig/sentence.png"] == figure
    assert f"{top}/exercises/fig/sentence.png" not in files
    assert "solutions/" in files[f"{top}/README.md"].decode()
    assert (course_copy / "dist" / f"{TOP}.zip").read_bytes() == student
    assert not (course_copy / "build" / "site" / "downloads" / f"{top}.zip").exists()


SPEAKER_NOTE = "remind everyone that squaring doubles the exponent"  # 01_squares' notes cell


def test_the_instructor_bundle_carries_the_speaker_notes_the_student_one_does_not(course_copy):
    result = run_build(course_copy, "bundle", "--instructor")
    assert result.returncode == 0, result.stderr
    instructor = members(course_copy / "dist" / f"{TOP}-instructor.zip")
    page = instructor[f"{TOP}-instructor/site/lessons/01_squares.html"].decode()
    assert 'class="admonition quote speaker-notes"' in page and SPEAKER_NOTE in page
    assert SPEAKER_NOTE in instructor[f"{TOP}-instructor/site/slides/01_squares.html"].decode()
    assert (course_copy / "build" / "instructor-site" / "index.html").is_file()
    student = members(course_copy / "dist" / f"{TOP}.zip")
    holding = [name for name, data in student.items() if SPEAKER_NOTE.encode() in data]
    assert holding == []  # no page, deck, notebook or search index


@pytest.mark.parametrize("flags", [(), ("--instructor",)], ids=["student", "instructor"])
def test_bundles_are_byte_identical_across_rebuilds(course_copy, flags):
    first = run_build(course_copy, "bundle", *flags)
    assert first.returncode == 0, first.stderr
    name = f"{TOP}{'-instructor' if flags else ''}.zip"
    data = (course_copy / "dist" / name).read_bytes()
    (course_copy / "dist" / name).unlink()
    again = run_build(course_copy, "bundle", *flags)
    assert again.returncode == 0, again.stderr
    assert (course_copy / "dist" / name).read_bytes() == data


def test_zip_bytes_do_not_depend_on_the_order_files_were_found():
    files = {"b/two.txt": b"2", "a/one.txt": b"1"}
    assert zip_bytes(files) == zip_bytes(dict(reversed(files.items())))


def test_a_leak_in_what_would_be_shipped_fails_and_writes_no_bundle(course_copy):
    page = course_copy / "build" / "site" / "lessons" / "02_words.html"
    page.write_text(page.read_text().replace("A sentence is a list of words.",
                                             "words = sentence.split()"))
    bundle = course_copy / "dist" / f"{TOP}.zip"
    bundle.unlink()
    result = run_build(course_copy, "bundle")
    assert result.returncode == 2
    assert (f"{TOP}.zip:{TOP}/site/lessons/02_words.html: contains solution line "
            "'words = sentence.split()'") in result.stderr
    assert "content/02_words.py:29" in result.stderr
    assert not bundle.exists()


def test_bundling_before_the_site_is_built_says_what_to_run(course_copy):
    shutil.rmtree(course_copy / "build" / "site")
    result = run_build(course_copy, "bundle")
    assert result.returncode == 2
    assert "build/site: no built site to pack. run `python build.py site` first" in result.stderr
