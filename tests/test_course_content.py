"""The shipped course itself: content/ follows the rules every lesson promises students."""

import re
import sys

import numpy as np
import pytest

from conftest import ROOT, run_build
from coursekit.source.lesson import load_lessons

sys.path.insert(0, str(ROOT / "bench"))
from benchkit import lesson_definitions  # noqa: E402  (bench/ is no package)

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
    # short slides (the fit check's word limits) and the predict-then-run prompts make
    # more of them; 26 is still under four minutes a slide of the lesson's teaching
    assert 8 <= slides <= 26, f"{slides} slides"
    assert "notes" in kinds


@pytest.mark.parametrize("lesson", [lesson for lesson in LESSONS if lesson.stem != "00_welcome"],
                         ids=lambda lesson: lesson.stem)
def test_lessons_show_a_figure(lesson):
    assert "plt.show()" in code(lesson) or "savefig" in code(lesson)


def test_welcome_takes_people_from_the_configuration():
    text = "\n".join(c.source for c in BY_STEM["00_welcome"].cells)
    assert "{{ instructors }}" in text
    assert "Your Name" not in text


def cell_after(lesson, cell, cell_type=None):
    """The next cell (of ``cell_type``, when given)."""
    later = lesson.cells[lesson.cells.index(cell) + 1:]
    return next(c for c in later if cell_type in (None, c.cell_type))


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.stem)
def test_every_lesson_asks_for_a_prediction_right_before_a_training_runs(lesson):
    """Issue 22: students write down what they expect, then run: the prompt is the last
    thing they read before a cell that trains, so the answer cannot come first."""
    prompts = [c for c in lesson.cells
               if c.cell_type == "markdown" and "Predict, then run" in c.source]
    assert prompts, "no 'Predict, then run' prompt"
    for prompt in prompts:
        assert "?" in prompt.source, f"{lesson.stem}:{prompt.line}: the prompt asks nothing"
        run = cell_after(lesson, prompt)
        assert run.cell_type == "code" and ".fit(" in run.split.solution, (
            f"{lesson.stem}:{prompt.line}: the next cell should train something")


def test_lesson02_asks_for_the_batch_norm_momentum_it_uses_and_checks_it():
    """The review found the task said BatchNormalization() (momentum 0.99) while the
    solution used 0.9 and the check never looked. verify proves the MISTAKE is caught."""
    lesson = BY_STEM["02_cifar10"]
    task = next(c for c in lesson.cells if "### Exercise 2: build the CNN" in c.source)
    assert "BatchNormalization(momentum=0.9)" in task.source
    assert "BatchNormalization()" not in task.source
    solution = cell_after(lesson, task, "code")
    assert "BatchNormalization(momentum=0.9)" in solution.split.solution
    assert any("default momentum" in v.label and "BatchNormalization()" in v.solution
               for v in solution.split.variants if v.kind == "mistake")
    check = cell_after(lesson, solution, "code")
    assert "check" in check.tags and ".momentum" in check.source


def test_lesson03_reports_on_text_that_chose_nothing():
    """The checkpoint's epoch is chosen on the first half of the held-out text; the cold
    and warm losses (and the target) are read on the second half only."""
    names = ("split_train_val", "make_windows", "consecutive_windows", "train_ids",
             "val_ids", "select_ids", "report_ids", "x_select", "y_select", "x_val",
             "y_val", "n_monitor", "monitor")
    ids = np.arange(10_000)
    space = lesson_definitions(ROOT / "content" / "03_shakespeare.py",
                               {"np": np, "ids": ids, "seq_length": 10}, *names)
    chose = set(np.ravel(space["monitor"][0])) | set(np.ravel(space["monitor"][1]))
    reported = set(np.ravel(space["x_val"])) | set(np.ravel(space["y_val"]))
    assert chose and reported and not chose & reported
    assert not (set(space["train_ids"]) & (chose | reported))
    verdict = "\n".join(c.split.solution for c in BY_STEM["03_shakespeare"].cells
                        if "val_loss_warm_nats, val_bits_per_char_warm =" in c.split.solution)
    assert "model.predict(x_val" in verdict and "report_ids" in verdict
