"""``build.py handouts`` (issue 21 item 5) on the tiny fixture course, its PDFs read back
with pypdf: one 16:9 page per slide, each the whole slide as fitted on screen; the notes
page as A4 with no link into this machine's folders; the instructor's PDF with solutions
and speaker notes; the lesson pages link them and the student bundle carries them; no
site is an error (exit 2) that writes nothing. Chromium prints them (the browser tier)."""

from __future__ import annotations

import argparse
import io
import re
import shutil
import zipfile
from pathlib import Path

import pypdf
import pytest

from conftest import run_build
from coursekit.cli.context import Context
from coursekit.cli.publish import run_handouts
from coursekit.config import Project
from coursekit.publish.handouts import PIXEL_RATIO, stable_pdf
from coursekit.publish.slides import DECK_HEIGHT, DECK_WIDTH

pytestmark = pytest.mark.browser

STEMS = ("01_squares", "02_words")
SOLUTION_TEXT = "squared_value_of_x"  # 01_squares' solution; never in a student's PDF
A4 = (595.9, 842.9)  # points


@pytest.fixture(scope="module")
def printed(built_course, tmp_path_factory) -> Path:
    """A copy of the built fixture course, its student and instructor handouts printed."""
    root = tmp_path_factory.mktemp("handouts") / "course"
    shutil.copytree(built_course, root, symlinks=True)
    for args in (("handouts",), ("site", "--instructor", "--no-fit-check"),
                 ("handouts", "--instructor")):
        result = run_build(root, *args)
        assert result.returncode == 0, result.stdout + result.stderr
    return root


def slide_count(deck: Path) -> int:
    return len(re.findall(r"<section\b", deck.read_text(encoding="utf-8")))


def read(path: Path) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(path.read_bytes()))


def size(page) -> tuple[float, float]:
    return round(float(page.mediabox.width), 1), round(float(page.mediabox.height), 1)


def drawn_images(page) -> list[list[float]]:
    """The transformation each image is drawn with (the unit square → its box)."""
    found = []

    def visit(operator, arguments, matrix, text_matrix):
        if operator == b"Do":
            found.append([round(float(value), 1) for value in matrix])

    page.extract_text(visitor_operand_before=visit)
    return found


@pytest.mark.parametrize("stem", STEMS)
def test_the_slides_pdf_has_one_16_9_page_per_slide_each_the_whole_slide(printed, stem):
    site = printed / "build" / "site"
    pdf = read(site / "handouts" / f"{stem}.slides.pdf")
    assert len(pdf.pages) == slide_count(site / "slides" / f"{stem}.html") >= 1
    for page in pdf.pages:
        width, height = size(page)
        assert abs(width / height - 16 / 9) < 1e-3
        # the page is one photograph of the whole 1280×720 slide: nothing cut, nothing
        # beside it, drawn over the full page
        [image] = page["/Resources"]["/XObject"].values()
        image = image.get_object()
        assert (image["/Width"], image["/Height"]) == (DECK_WIDTH * PIXEL_RATIO,
                                                       DECK_HEIGHT * PIXEL_RATIO)
        assert drawn_images(page) == [[width, 0, 0, height, 0, 0]]


def test_the_instructors_pdf_has_each_slide_with_its_solution_and_notes(printed):
    site = printed / "build" / "instructor-site"
    pdf = read(site / "handouts" / "01_squares.instructor.pdf")
    slides = slide_count(site / "slides" / "01_squares.html")
    assert len(pdf.pages) == slides
    assert {size(page) for page in pdf.pages} == {A4}
    texts = [page.extract_text() for page in pdf.pages]
    assert all(f"Slide {n} of {slides}" in text for n, text in enumerate(texts, start=1))
    assert any(SOLUTION_TEXT in text for text in texts)  # the solution, in its notes
    assert any("Speaker note:" in text for text in texts)
    # the slide above its notes
    assert all(len(page["/Resources"]["/XObject"]) == 1 for page in pdf.pages)


def test_the_notes_pdf_is_the_students_page_with_no_path_of_this_machine(printed):
    site = printed / "build" / "site"
    for stem in STEMS:
        data = (site / "handouts" / f"{stem}.notes.pdf").read_bytes()
        pdf = read(site / "handouts" / f"{stem}.notes.pdf")
        assert {size(page) for page in pdf.pages} == {A4}
        text = "".join(page.extract_text() for page in pdf.pages)
        assert SOLUTION_TEXT not in text
        # links into the site would print as file:// paths of the machine that printed
        assert b"file:" not in data and str(printed).encode() not in data
    text = "".join(page.extract_text()
                   for page in read(site / "handouts" / "01_squares.notes.pdf").pages)
    assert "YOUR CODE HERE" in text and "Squares" in text


def test_lesson_pages_link_their_handouts_and_the_student_bundle_carries_them(printed):
    for folder, kinds in (("site", ("slides", "notes")),
                          ("instructor-site", ("slides", "notes", "instructor"))):
        page = (printed / "build" / folder / "lessons" / "01_squares.html").read_text()
        for kind in kinds:
            assert f'href="../handouts/01_squares.{kind}.pdf"' in page
            assert (printed / "build" / folder / "handouts" / f"01_squares.{kind}.pdf").is_file()
    assert "01_squares.instructor.pdf" not in (
        printed / "build" / "site" / "lessons" / "01_squares.html").read_text()
    result = run_build(printed, "bundle")
    assert result.returncode == 0, result.stdout + result.stderr
    [bundle] = (printed / "dist").glob("*.zip")
    names = zipfile.ZipFile(bundle).namelist()
    for stem in STEMS:
        assert any(name.endswith(f"/site/handouts/{stem}.slides.pdf") for name in names)
        assert any(name.endswith(f"/site/handouts/{stem}.notes.pdf") for name in names)
    assert not any(name.endswith(".instructor.pdf") for name in names)


def test_without_a_built_site_it_is_an_error_and_earlier_handouts_stay(printed, tmp_path):
    root = tmp_path / "course"
    shutil.copytree(printed, root, symlinks=True, ignore=shutil.ignore_patterns("dist"))
    shutil.rmtree(root / "build" / "instructor-site")
    result = run_build(root, "handouts", "--instructor")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "build/instructor-site: no built site to print handouts from" in result.stderr
    assert "run `python build.py site --instructor` first" in result.stderr
    handouts = root / "build" / "site" / "handouts"
    before = {path.name: path.read_bytes() for path in handouts.iterdir()}
    (root / "build" / "site" / "lessons" / "02_words.html").unlink()  # a site older than content/
    result = run_build(root, "handouts")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "lessons/02_words.html: missing from the built site" in result.stderr
    assert {path.name: path.read_bytes() for path in handouts.iterdir()} == before


def test_a_printed_pdf_carries_no_date_and_no_random_id():
    """Chromium stamps each PDF with the time and a random document id; both go, each
    replacement keeping its length (the file's byte offsets stay right)."""
    def pdf(stamp: bytes, ident: bytes) -> bytes:
        return (b"%PDF-1.4\n1 0 obj\n<</Producer (Skia/PDF m156)\n/CreationDate (D:" + stamp
                + b"+00'00')\n/ModDate (D:" + stamp + b"+00'00')>>\nendobj\ntrailer\n<</ID [<"
                + ident + b"> <" + ident + b">]>>\n%%EOF\n")

    first = pdf(b"20261205001500", b"0123456789ABCDEF0123456789ABCDEF")
    second = pdf(b"20271231235959", b"FEDCBA9876543210FEDCBA9876543210")
    assert stable_pdf(first) == stable_pdf(second)
    assert len(stable_pdf(first)) == len(first)
    assert b"D:19800101000000" in stable_pdf(first)
    assert b"0123456789ABCDEF" not in stable_pdf(first)


def test_the_full_build_without_the_fit_check_prints_none_and_says_so(tmp_path, capsys,
                                                                      monkeypatch):
    """`python build.py --no-fit-check` is a build without Chromium, on purpose: its
    handouts step prints nothing (not even reading the course) and says so."""
    monkeypatch.delenv("COURSEKIT_NO_FIT_CHECK", raising=False)
    context = Context(Project(tmp_path), argparse.Namespace(command=None, no_fit_check=True))
    assert run_handouts(context) == 0
    assert "the handouts were not printed (--no-fit-check)" in capsys.readouterr().err
    assert not (tmp_path / "build").exists()
