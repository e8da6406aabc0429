"""`build.py student DIR`: what students get and nothing else; badges open it at the
version's tag; GPU lessons open on a GPU runtime in Colab; READMEs for their readers."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, lesson_source
from coursekit import cli
from coursekit.config import Project, course_warnings, load_course
from coursekit.errors import ConfigError, CourseError, LeakError
from coursekit.publish.readmes import instructor_readme, student_readme
from coursekit.publish.setup_page import SCRIPT
from coursekit.publish.student_pub import scan_publication, write_publication
from coursekit.source.leaks import lesson_secrets, reader_text
from coursekit.source.lesson import read_lesson
from coursekit.source.notebooks import generate
from coursekit.source.transforms import exercise_notebook, solution_notebook

STEMS = ("01_squares", "02_words")
STUDENT_COLAB = ("https://colab.research.google.com/github/example-org/tiny-course-student/"
                 "blob/v1.0/exercises/")
# a line of 01_squares' solution block: in solutions/, never in what students get
ANSWER = "squared_value_of_x = x * x"


@pytest.fixture(scope="module")
def publication(built_course, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("pub") / "tiny-course-student"
    write_publication(Project(built_course), target)
    return target


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_publication_holds_what_students_get_and_nothing_else(publication, built_course):
    files = tree(publication)
    assert {name.split("/")[0] for name in files} == {"README.md", "requirements.txt",
                                                       "SETUP.md", "check_setup.py",
                                                       "exercises", "site"}
    for stem in STEMS:
        assert files[f"exercises/{stem}.ipynb"] == (
            built_course / "exercises" / f"{stem}.ipynb").read_bytes()
        assert f"site/lessons/{stem}.html" in files and f"site/slides/{stem}.html" in files
    # the home page's download button finds the student bundle, byte for byte dist/'s
    bundle = built_course / "dist" / "tiny-course-1.0.zip"
    assert files["site/downloads/tiny-course-1.0.zip"] == bundle.read_bytes()
    with zipfile.ZipFile(bundle) as archive:  # the same requirements and README as it
        for name in ("requirements.txt", "README.md", "SETUP.md", "check_setup.py"):
            assert files[name] == archive.read(f"tiny-course-1.0/{name}")
    assert b"==" in files["requirements.txt"]
    assert not [name for name in files if name.startswith(("content/", "solutions/"))
                or "/solutions/" in name or "instructor" in name
                or name.endswith((".py", "report.json")) and not name.endswith(SCRIPT)]


def test_the_publication_carries_the_files_beside_the_lessons(publication, built_course):
    """02_words links content/data/words.txt; its speaker note's figure is not students'."""
    files, words = tree(publication), (built_course / "content" / "data" / "words.txt")
    for name in ("exercises/data/words.txt", "site/lessons/data/words.txt",
                 "site/slides/data/words.txt"):
        assert files[name] == words.read_bytes()
    assert not [name for name in files if name.endswith("sentence.png")]


def test_the_publication_holds_no_answer_and_no_speaker_note(publication, built_course):
    assert ANSWER in (built_course / "solutions" / "01_squares.ipynb").read_text()
    secrets = [s.text for stem in STEMS
               for s in lesson_secrets(read_lesson(built_course / "content" / f"{stem}.py"))]
    assert ANSWER in secrets
    for rel, data in tree(publication).items():
        text = reader_text(rel.removeprefix("site/"), data) or ""
        assert ANSWER not in text and "squaring doubles the exponent" not in text, rel
        assert not [s for s in secrets if s in text], rel


def test_badges_and_readme_open_the_student_repository_at_the_version_tag(publication):
    files = tree(publication)
    for stem in STEMS:
        badge = "".join(json.loads(files[f"exercises/{stem}.ipynb"])["cells"][0]["source"])
        assert f"{STUDENT_COLAB}{stem}.ipynb" in badge
    home = files["site/index.html"].decode()
    readme = files["README.md"].decode()
    for text in (home, readme):
        assert f"{STUDENT_COLAB}01_squares.ipynb" in text
        assert "tiny-course/blob" not in text and "/blob/main/" not in text


def test_a_leak_writes_nothing(built_course, tmp_path):
    course = Path(shutil.copytree(built_course, tmp_path / "course", symlinks=True))
    page = course / "build" / "site" / "lessons" / "01_squares.html"
    page.write_text(page.read_text() + f"<p>{ANSWER}</p>")
    target = tmp_path / "pub"
    (target / "exercises").mkdir(parents=True)
    (target / "exercises" / "01_squares.ipynb").write_text("an earlier publication\n")
    with pytest.raises(LeakError, match="site/lessons/01_squares.html: contains solution "
                                        "line 'squared_value_of_x = x \\* x'"):
        write_publication(Project(course), target)
    assert tree(target) == {"exercises/01_squares.ipynb": b"an earlier publication\n"}


def test_a_site_older_than_the_course_is_refused(built_course, tmp_path, capsys):
    course = Path(shutil.copytree(built_course, tmp_path / "course", symlinks=True))
    config = course / "course.yml"
    config.write_text(config.read_text().replace("tiny-course-student", "tiny-course-2"))
    assert cli.main(["--root", str(course), "student", str(tmp_path / "pub")]) == 2
    err = capsys.readouterr().err
    assert "notebooks/01_squares.ipynb: the built site is older than content/" in err
    assert "run `coursekit site`" in err and not (tmp_path / "pub").exists()


def test_a_clone_keeps_git_and_loses_what_the_course_no_longer_has(built_course, tmp_path):
    target = tmp_path / "clone"
    for rel in (".git/HEAD", "LICENSE", "exercises/00_gone.ipynb", "site/lessons/gone.html"):
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        (target / rel).write_text("old\n")
    written, removed = write_publication(Project(built_course), target)
    assert (target / ".git/HEAD").read_text() == "old\n" and (target / "LICENSE").is_file()
    assert sorted(p.relative_to(target).as_posix() for p in removed) == [
        "exercises/00_gone.ipynb", "site/lessons/gone.html"]
    assert not (target / "exercises" / "00_gone.ipynb").exists()
    assert written and (target / "exercises" / "01_squares.ipynb").is_file()
    again, removed = write_publication(Project(built_course), target)
    assert (again, removed) == ([], []), "a second run changes nothing"


@pytest.mark.parametrize("foreign", ["content", "solutions", "notes.txt"])
def test_a_folder_with_other_files_is_refused_untouched(built_course, tmp_path, capsys,
                                                        foreign):
    target = tmp_path / "home"
    (target / "exercises").mkdir(parents=True)
    (target / foreign).write_text("mine\n")
    before = tree(target)
    code = cli.main(["--root", str(built_course), "student", str(target)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{target}: holds {foreign}, which a student publication does not" in err
    assert "nothing was written" in err
    assert tree(target) == before


def test_the_student_command_writes_and_names_the_tag_to_push(built_course, tmp_path, capsys):
    target = tmp_path / "pub"
    assert cli.main(["--root", str(built_course), "student", str(target)]) == 0
    out = capsys.readouterr().out
    assert "tag it v1.0" in out and "example-org/tiny-course-student" in out
    assert (target / "site" / "index.html").is_file()


def test_without_a_built_site_the_command_says_to_build_it(tmp_path, capsys):
    course = tmp_path / "course"
    shutil.copytree(ROOT / "tests" / "fixtures" / "site", course,
                    ignore=shutil.ignore_patterns("golden"))
    assert cli.main(["--root", str(course), "student", str(tmp_path / "pub")]) == 2
    assert "run `coursekit site` first" in capsys.readouterr().err
    assert not (tmp_path / "pub").exists()


# --- course.yml: the student repository and ref ----------------------------------------

def write_config(tmp_path: Path, **settings) -> Path:
    data = {"title": "T", "slug": "t", "version": "1.2.0",
            "repository": "https://github.com/ada/course",
            "student_repository": "https://github.com/ada/course-student", **settings}
    data = {key: value for key, value in data.items() if value is not None}  # None: unset
    path = tmp_path / "course.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_the_ref_defaults_to_the_version_tag_and_the_repository_to_the_course(tmp_path):
    course = load_course(write_config(tmp_path, student_repository=None))
    assert course.colab_url("exercises/a.ipynb") == (
        "https://colab.research.google.com/github/ada/course/blob/v1.2.0/exercises/a.ipynb")
    # that default opens the repository of content/ and solutions/: check says so
    [warning] = course_warnings(course)
    assert "student_repository is not set" in warning and "ada/course" in warning
    course = load_course(write_config(tmp_path, student_repository="https://github.com/ada/s",
                                      student_ref="2026.11"))
    assert "/github/ada/s/blob/2026.11/" in course.colab_url("exercises/a.ipynb")


@pytest.mark.parametrize("ref", ["main", "master", "develop", "students"])
def test_check_warns_when_the_ref_is_a_branch(tmp_path, ref):
    [warning] = course_warnings(load_course(write_config(tmp_path, student_ref=ref)))
    assert f"student_ref '{ref}' looks like a branch" in warning and "v1.2.0" in warning


def test_the_check_command_prints_the_branch_warning(course, capsys):
    root = course({"01_a": lesson_source("# %%\nx = 1\n")})
    config = root / "course.yml"
    config.write_text(config.read_text() + "student_ref: main\n")
    assert cli.main(["--root", str(root), "notebooks"]) == 0
    capsys.readouterr()
    assert cli.main(["--root", str(root), "check"]) == 0, "a warning, not a failure"
    assert "course.yml: student_ref 'main' looks like a branch" in capsys.readouterr().err


@pytest.mark.parametrize("ref", ["v1.2.0", "2026.11", "release-3", "3f2c1a9"])
def test_tags_and_commits_are_not_warned_about(tmp_path, ref):
    assert not course_warnings(load_course(write_config(tmp_path, student_ref=ref)))


def test_the_old_branch_key_says_what_to_write(tmp_path):
    with pytest.raises(ConfigError) as err:
        load_course(write_config(tmp_path, branch="main"))
    assert err.value.line == 6 and "'branch' is now 'student_ref'" in str(err.value)


def test_a_student_repository_that_is_not_github_is_refused(tmp_path):
    with pytest.raises(CourseError, match="'student_repository' must be a https://github"):
        load_course(write_config(tmp_path, student_repository="https://gitlab.com/a/b"))


# --- Colab's GPU runtime ----------------------------------------------------------------

GPU_HEADER = """\
# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   course:
#     title: On a GPU
#     accelerator: {accelerator}
# ---
"""


@pytest.mark.parametrize("accelerator", ["gpu", "cpu"])
def test_gpu_lessons_open_on_a_gpu_runtime_in_colab(tmp_path, accelerator):
    path = tmp_path / "01_x.py"
    path.write_text(lesson_source("# %%\nx = 1\n",
                                  header=GPU_HEADER.format(accelerator=accelerator)))
    lesson = read_lesson(path)
    course = load_course(write_config(tmp_path))
    for nb in (exercise_notebook(lesson, course), solution_notebook(lesson, course)):
        if accelerator == "gpu":
            assert nb.metadata["accelerator"] == "GPU"
            assert nb.metadata["colab"] == {"gpuType": "T4", "provenance": []}
        else:
            assert "accelerator" not in nb.metadata and "colab" not in nb.metadata


def test_the_shipped_gpu_lessons_carry_it():
    for lesson in generate(Project(ROOT)).lessons:
        for folder in ("exercises", "solutions"):
            metadata = json.loads((ROOT / folder / f"{lesson.stem}.ipynb").read_text())["metadata"]
            assert (metadata.get("accelerator") == "GPU") == (lesson.accelerator == "gpu")


# --- READMEs -----------------------------------------------------------------------------

def test_the_student_readme_speaks_to_students_and_the_instructors_to_instructors():
    generated = generate(Project(ROOT / "tests" / "fixtures" / "site"))
    student = student_readme(generated.course, generated.lessons)
    assert "speaker" not in student.lower() and "solution" not in student.lower()
    assert "# YOUR CODE HERE" in student and "check" in student
    instructor = instructor_readme(generated.course, generated.lessons)
    assert "`S` for the speaker view" in instructor and "timer" in instructor
    assert "`solutions/`: the solution notebooks (do not share)" in instructor


def test_a_publication_naming_the_project_folder_is_a_leak():
    """A checkout outside home and the temporary folder (a CI runner's /builds/…): only the
    project's own folder gives its path away, and the scan knows it."""
    root = Path("/builds/ada/keras-course")
    files = {"README.md": f"Built from {root}/content/01_intro.py\n".encode()}
    assert scan_publication(files, {}, False) == []  # no other rule sees this path
    leaks = scan_publication(files, {}, False, root=root)
    assert leaks and "README.md" in str(leaks[0])
