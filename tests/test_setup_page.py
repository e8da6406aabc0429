"""check_setup.py, the Setup page and ``bundle --with-data`` (publish/setup_page.py,
publish/bundle.py), on a tiny course whose site is faked (no mkdocs: what is tested here
is what the bundle adds to a built site), and check_setup.py in the project's own
environment."""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, SHARED_DATA, lesson_source, run_build
from coursekit.config import Project, load_course
from coursekit.publish.bundle import bundle_files
from coursekit.publish.handouts import handout_links
from coursekit.publish.pages import handout_links as handout_buttons
from coursekit.publish.requirements import student_requirements
from coursekit.publish.setup_page import check_setup_script, estimate_box, setup_files, setup_page
from coursekit.publish.site import nav
from coursekit.publish.student_pub import publication_files
from coursekit.source.estimates import default_profile
from coursekit.source.lesson import load_lessons
from coursekit.source.notebooks import generate

NUMPY = importlib.metadata.version("numpy")
WORDS = b"one\ntwo\n"
LESSON = lesson_source("""
    # %% [markdown]
    # # Words

    # %% tags=["parameters"]
    data_path = None

    # %%
    import numpy as np
    total = int(np.arange(4).sum())  # SOLUTION
""").replace("#     title: A tiny lesson\n",
             "#     title: Words\n#     accelerator: gpu\n#     data:\n"
             "#       words.txt: data_path\n#     profiles:\n#       full:\n"
             "#         parameters: {}\n")
ESTIMATES = """\
hardware:
  colab_t4: {title: a free Colab T4 GPU, from: gpu, factor: 4, why: "T4 assumed 4x."}
  laptop_cpu: {title: a 4-core laptop CPU, from: cpu, factor: 0.5, why: "Cores 2x."}
lessons:
  01_words: {gpu: 150, cpu: 36000, how: "Measured on the build's machines."}
"""


@pytest.fixture
def tiny(course, tmp_path):
    """A course with one GPU lesson reading words.txt, its data recorded, its site faked."""
    root = course({"01_words": LESSON})
    (root / "requirements.txt").write_text(f"numpy=={NUMPY}\n")
    (root / "estimates.yml").write_text(ESTIMATES)
    data = tmp_path / "data"
    data.mkdir()
    (data / "words.txt").write_bytes(WORDS)
    assert run_build(root, "notebooks", "--data-dir", str(data)).returncode == 0
    site = root / "build" / "site"
    (site / "notebooks").mkdir(parents=True)
    (site / "index.html").write_text("<html>a built site</html>")
    (site / "notebooks" / "01_words.ipynb").write_bytes(
        (root / "exercises" / "01_words.ipynb").read_bytes())
    return root, data


def members(zip_path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(zip_path.read_bytes())) as archive:
        return {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist()}


def run_script(script: bytes, folder: Path, *args: str, **env) -> subprocess.CompletedProcess:
    (folder / "check_setup.py").write_bytes(script)
    return subprocess.run([sys.executable, "check_setup.py", *args], cwd=folder, timeout=300,
                          capture_output=True, text=True, env={**os.environ, **env})


def test_check_setup_passes_in_the_project_environment(tmp_path):
    course = load_course(ROOT / "course.yml")
    lessons = load_lessons(ROOT / "content")
    script = check_setup_script(course, lessons, [],
                                student_requirements(ROOT, lessons))
    result = run_script(script, tmp_path, COURSE_DATA_DIR=str(SHARED_DATA))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"ok    numpy {NUMPY}" in result.stdout
    assert "cifar10.npz at " in result.stdout and "checksum verified" in result.stdout
    assert result.stdout.strip().endswith("all set: this machine matches the course's "
                                          "verified setup")


def test_check_setup_fails_with_a_fix_for_a_missing_package_and_data(tiny, tmp_path):
    root, data = tiny
    generated = generate(Project(root))
    wanted = f"numpy=={NUMPY}\ntinypin==1.2\n".encode()
    script = check_setup_script(generated.course, generated.lessons, [], wanted)
    away = tmp_path / "away"
    away.mkdir()
    result = run_script(script, away, COURSE_DATA_DIR=str(away))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "FAIL  tinypin: not installed, verified 1.2  Fix: pip install tinypin==1.2 (or: " \
           "pip install -r requirements.txt)" in lines
    sha = hashlib.sha256(WORDS).hexdigest()
    assert f"FAIL  words.txt: not found  Fix: put words.txt (0.0 MB, sha256 {sha}) in data/ " \
           "beside check_setup.py or in $COURSE_DATA_DIR; with internet the lessons " \
           "download it (then run check_setup.py --online)" in lines
    assert lines[-1] == "2 problem(s)"
    online = run_script(script, away, "--online", COURSE_DATA_DIR=str(away))
    assert "ok    words.txt: not found" in online.stdout and online.returncode == 1
    (data / "words.txt").write_bytes(b"one\ntwx\n")
    changed = run_script(script, away, COURSE_DATA_DIR=str(data))
    assert f"FAIL  words.txt at {data / 'words.txt'}: its sha256 differs from the verified " \
           f"file's  Fix: copy words.txt (0.0 MB, sha256 {sha}) again" in changed.stdout


def test_the_setup_page_says_python_venv_data_and_estimates(tiny):
    root, _ = tiny
    generated = generate(Project(root))
    runs = [{"packages": {"python": "3.11.7"}}]
    files = setup_files(generated.course, generated.lessons, runs, b"numpy==1\n")
    page = files["setup.md"].decode()
    assert "Install **Python 3.11**" in page and "python3.11 -m venv .venv" in page
    assert "pip install -r requirements.txt" in page and "[check_setup.py](check_setup.py)" \
        in page
    assert f"| `words.txt` | 0.0 MB | `{hashlib.sha256(WORDS).hexdigest()}` | 01_words |" \
        in page
    assert "Runtime → Change runtime type → T4 GPU" in page
    assert "| Words | full | about 10 min | about 5 h |" in page
    assert "**estimated**" in page and "- a free Colab T4 GPU: T4 assumed 4x." in page
    assert files["requirements.txt"] == b"numpy==1\n"
    assert b"'python': '3.11'" in files["check_setup.py"]
    assert {"Setup": "setup.md"} in nav([])
    box = estimate_box(generated.lessons[0], generated.course)
    assert box.startswith('!!! info "Expected time (an estimate)"')
    assert "(the verified profile full): about 10 min on a free Colab T4 GPU; about 5 h " \
           "on a 4-core laptop CPU. Estimated from runs on other machines" in box


def test_a_course_without_data_is_not_told_to_fetch_data_files(course):
    """Tried as a student (docs/student-path.md): `init`'s course reads no data, and its
    Setup page sent students to "the data files (below)", a table that was not there."""
    generated = generate(Project(course({"01_tiny": lesson_source("""
        # %%
        total = 1 + 1  # SOLUTION
    """)})))
    page = setup_page(generated.course, generated.lessons, [])
    assert "data files" not in page and "## Data" not in page
    assert "\n3. Check: `python check_setup.py`" in page


def test_both_bundles_and_the_publication_carry_setup_and_the_check(tiny):
    root, _ = tiny
    _, files = bundle_files(Project(root))
    names = {name.split("/", 1)[1] for name in files}
    assert {"SETUP.md", "check_setup.py", "requirements.txt"} <= names
    assert not any(name.startswith("data/") for name in names)
    readme = next(data for name, data in files.items() if name.endswith("/README.md"))
    assert b"python check_setup.py" in readme and b"`SETUP.md`" in readme
    _, published = publication_files(Project(root))
    assert {"SETUP.md", "check_setup.py"} <= set(published)


def test_a_pdf_button_reaches_students_only_with_its_pdf(tiny):
    """Tried as a student (docs/student-path.md): a site built with --no-fit-check (or
    without Chromium) has no handouts/, yet its lesson pages offered "Slides (PDF)" and
    "Notes (PDF)": in the publication and the bundle, two buttons to a 404."""
    root, _ = tiny
    site = root / "build" / "site"
    buttons = handout_buttons(handout_links("01_words"))
    (site / "lessons").mkdir()
    (site / "lessons" / "01_words.html").write_text(f"<p><a id='slides'>Slides</a>{buttons}</p>")
    (site / "handouts").mkdir()
    (site / "handouts" / "01_words.notes.pdf").write_bytes(b"%PDF-1.4 notes")
    _, published = publication_files(Project(root))
    page = published["site/lessons/01_words.html"].decode()
    assert "Slides (PDF)" not in page and "01_words.slides.pdf" not in page
    assert '<a class="md-button ck-handout" href="../handouts/01_words.notes.pdf" download>' \
           "Notes (PDF)</a></p>" in page
    # the publication is the student bundle unpacked: the bundle's page is this one


def test_bundle_with_data_packs_the_recorded_files(tiny):
    root, data = tiny
    result = run_build(root, "bundle", "--with-data", "--data-dir", str(data))
    assert result.returncode == 0, result.stderr
    packed = members(root / "dist" / "keras-intro-2026.11-with-data.zip")
    assert packed["data/words.txt"] == WORDS and "check_setup.py" in packed
    # the site's download stays the bundle without the data
    downloads = root / "build" / "site" / "downloads"
    assert not (downloads / "keras-intro-2026.11-with-data.zip").exists()


def test_bundle_with_data_refuses_a_file_the_build_did_not_record(tiny):
    root, data = tiny
    (data / "words.txt").write_bytes(b"one\ntwo\nthree\n")
    result = run_build(root, "bundle", "--with-data", "--data-dir", str(data))
    assert result.returncode == 2
    assert f"error: {data / 'words.txt'}: words.txt is not the file the build recorded in " \
           "data-checksums.txt. run `python build.py notebooks --data-dir DIR`" in result.stderr
    (data / "words.txt").unlink()
    missing = run_build(root, "bundle", "--with-data", "--data-dir", str(data))
    assert missing.returncode == 2 and "words.txt is not in the data folder" in missing.stderr
    without = run_build(root, "bundle", "--with-data", env={"COURSE_DATA_DIR": ""})
    assert without.returncode == 2 and "--with-data needs the data folder" in without.stderr
    assert not (root / "dist").exists()


def profiles(full: str, student: str = "") -> str:
    header = ("#     title: Words\n#     profiles:\n#       full:\n"
              f"#         parameters: {{{full}}}\n")
    if student:
        header += f"#       student:\n#         parameters: {{{student}}}\n"
    return lesson_source("""
        # %% tags=["parameters"]
        epochs = 30
    """).replace("#     title: A tiny lesson\n", header)


def test_the_defaults_are_a_named_verified_profile_or_check_warns(course):
    bare = lesson_source("""
        # %% tags=["parameters"]
        epochs = 30
    """)
    root = course({"01_same": profiles("epochs: 30"), "02_other": profiles("epochs: 5"),
                   "03_own": profiles("epochs: 5", student="epochs: 30"), "04_bare": bare})
    assert run_build(root, "notebooks").returncode == 0
    lessons = load_lessons(root / "content")
    assert [default_profile(lesson) for lesson in lessons] == \
        ["full", None, "student", "defaults"]
    result = run_build(root, "check")
    assert result.returncode == 0
    warned = [line for line in result.stderr.splitlines() if "its defaults" in line]
    assert warned == [f"{root / 'content' / '02_other.py'}: warning: its defaults (the "
                      "parameters cell) are no verified profile: add a 'student' profile "
                      "with them, or make 'full' use them"]


@pytest.mark.parametrize("name, text, message", [
    ("estimates.yml", "hardware: [1, 2]\n", "cannot read the estimates"),
    ("data-checksums.txt", "abc  12  words.txt\n", "expected 'SHA256  SIZE  NAME'"),
])
def test_a_broken_record_is_an_error_naming_it_and_writes_nothing(tiny, name, text, message):
    root, _ = tiny
    before = (root / "exercises" / "01_words.ipynb").read_bytes()
    (root / name).write_text(text)
    (root / "content" / "01_words.py").write_text(LESSON + "\n# %%\nx = 1\n")
    result = run_build(root, "notebooks")
    assert result.returncode == 2
    assert f"error: {root / name}" in result.stderr and message in result.stderr
    assert (root / "exercises" / "01_words.ipynb").read_bytes() == before
