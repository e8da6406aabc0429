"""Metrics where targets need them: a lesson with nothing to measure needs no metrics cell."""

from __future__ import annotations

from conftest import lesson_source, make_course
from verify_fixture import build, runs

PLAIN = '''
# %%
greeting = "hello"  # SOLUTION

# %% tags=["check"]
assert greeting == "hello", "say hello"
'''

PROFILE = """\
# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   course:
#     title: Plain Python with a profile
#     profiles:
#       smoke:
#         parameters: {word: hi}
# ---
"""

TARGETED = '''
# %%
accuracy = 0.5  # SOLUTION

# %% tags=["check"]
assert accuracy > 0, "a positive accuracy"

# %% tags=["metrics"]
from IPython.display import display

display({"application/json": {"accuracy": accuracy}}, raw=True)
'''

TARGETED_HEADER = PROFILE.replace("parameters: {word: hi}",
                                  "targets:\n#           acuracy: {min: 0.4}")


def test_lessons_without_targets_pass_without_a_metrics_cell(tmp_path, capsys):
    root = make_course(tmp_path, {
        "01_plain": lesson_source(PLAIN),  # no profiles at all
        "02_profile": lesson_source('# %% tags=["parameters"]\nword = "hey"\n' + PLAIN,
                                    header=PROFILE)})  # a profile without targets
    assert build(capsys, root, "notebooks").code == 0
    result = build(capsys, root, "verify")
    assert result.code == 0, result.out + result.err
    report = runs(root)
    for stem in ("01_plain", "02_profile"):
        run = report[(stem, "smoke", "tensorflow")]
        assert (run["status"], run["metrics"], run["problems"]) == ("passed", {}, [])
    assert report[("02_profile", "smoke", "tensorflow")]["parameters"] == {"word": "hi"}


def test_a_target_no_metric_of_that_name_meets_fails_naming_file_and_metric(tmp_path,
                                                                             capsys):
    root = make_course(tmp_path, {"01_typo": lesson_source(TARGETED, header=TARGETED_HEADER)})
    assert build(capsys, root, "notebooks").code == 0
    result = build(capsys, root, "verify")
    assert result.code == 1
    assert ("content/01_typo.py: metric 'acuracy' was not published; the smoke profile "
            "targets it (published: accuracy)") in result.out
    assert runs(root)[("01_typo", "smoke", "tensorflow")]["status"] == "failed"
