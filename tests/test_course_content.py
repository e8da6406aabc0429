"""The shipped course itself: content/ follows the rules every lesson promises students."""

import re

import pytest

from conftest import ROOT, run_build
from coursekit.source.lesson import load_lessons

LESSONS = load_lessons(ROOT / "content")
BY_STEM = {lesson.stem: lesson for lesson in LESSONS}
REQUIRED_METRICS = {
    "00_welcome": {"weight", "bias"},
    "01_addition": {"exact_match", "char_accuracy", "train_seconds"},
    "02_cifar10": {"test_accuracy", "train_seconds"},
    "03_shakespeare": {"val_loss_cold_nats", "val_loss_warm_nats", "val_bits_per_char_warm",
                       "train_seconds"},
    "04_lstm": {"max_abs_diff"},
}
SLIDE_STARTS = {"slide", "subslide"}


def code(lesson):
    return "\n".join(c.source for c in lesson.cells if c.cell_type == "code")


def test_the_five_lessons_are_there():
    assert list(BY_STEM) == list(REQUIRED_METRICS)


def test_repository_notebooks_are_in_sync():
    result = run_build(ROOT, "check")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.stem)
def test_smoke_and_full_profiles_target_the_published_metrics(lesson):
    assert {"smoke", "full"} <= set(lesson.profiles)
    metrics_cells = [c for c in lesson.cells if "metrics" in c.tags]
    assert len(metrics_cells) == 1, "one metrics cell publishes the lesson's numbers"
    published = set(re.findall(r'"(\w+)"\s*:', metrics_cells[0].source))
    assert REQUIRED_METRICS[lesson.stem] <= published
    for name in ("smoke", "full"):
        targets = lesson.profiles[name].get("targets") or {}
        assert targets and set(targets) <= published, f"{name} targets unpublished metrics"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.stem)
def test_every_exercise_is_followed_by_a_check(lesson):
    stubs = [c.index for c in lesson.cells if c.split.has_stub and c.cell_type == "code"]
    minimum = 1 if lesson.stem == "00_welcome" else 3
    assert len(stubs) >= minimum
    for index in stubs:
        later = [c for c in lesson.cells[index + 1:] if c.cell_type == "code"]
        nxt = next(c for c in later if c.split.has_stub or "check" in c.tags)
        assert "check" in nxt.tags, f"the exercise in cell {index + 1} has no check after it"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.stem)
def test_self_contained_multi_backend_code(lesson):
    source = code(lesson)
    assert "coursekit" not in source, "lessons must run on Colab without this project"
    assert not re.search(r"^\s*(import|from) tensorflow|\btf\.", source, re.M), \
        "lessons use keras.ops and NumPy only, so every backend runs them"
    first = next(c for c in lesson.cells if c.cell_type == "code" and
                 "parameters" not in c.tags)
    assert "keras.__version__" in first.source and "backend()" in first.source
    assert "set_random_seed" in source or lesson.stem == "00_welcome" and "seed" in source


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.stem)
def test_a_deck_of_reasonable_length_with_speaker_notes(lesson):
    kinds = [c.metadata.get("slideshow", {}).get("slide_type") for c in lesson.cells]
    slides = sum(kind in SLIDE_STARTS for kind in kinds)
    assert 8 <= slides <= 20, f"{slides} slides"
    assert "notes" in kinds


@pytest.mark.parametrize("lesson", [lesson for lesson in LESSONS if lesson.stem != "00_welcome"],
                         ids=lambda lesson: lesson.stem)
def test_lessons_show_a_figure(lesson):
    assert "plt.show()" in code(lesson) or "savefig" in code(lesson)


def test_welcome_takes_people_from_the_configuration():
    text = "\n".join(c.source for c in BY_STEM["00_welcome"].cells)
    assert "{{ instructors }}" in text
    assert "Your Name" not in text
