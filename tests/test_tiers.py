"""The test tiers and the xdist groups follow the fixtures a test uses (tests/conftest.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import ROOT, SHARED_BUILDS, TIER_FIXTURES

# a plugin that writes what the collection decided: each test's fixtures and markers
DUMP = '''
import json, os, pytest
@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    with open(os.environ["TIERS_DUMP"], "w") as out:
        json.dump([[item.nodeid, sorted(item.fixturenames),
                    [[m.name, list(m.args) if m.name == "xdist_group" else []]
                     for m in item.iter_markers()]] for item in items], out)
'''


def collected(tmp_path) -> list:
    (tmp_path / "tiers_dump.py").write_text(DUMP)
    env = {**os.environ, "TIERS_DUMP": str(tmp_path / "items.json"),
           "PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    result = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-n", "0",
                             "-p", "tiers_dump", "-p", "no:cacheprovider", "tests"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return json.loads((tmp_path / "items.json").read_text())


def test_tiers_and_groups_follow_the_fixtures_each_test_uses(tmp_path):
    items = collected(tmp_path)
    for fixture, marker in TIER_FIXTURES.items():
        users = [(nodeid, marks) for nodeid, fixtures, marks in items if fixture in fixtures]
        assert users, f"no test uses {fixture}: the rule would check nothing"
        assert all([marker, []] in marks for _, marks in users), f"{fixture} without {marker}"
    for name in SHARED_BUILDS:
        groups = [[mark for mark in marks if mark[0] == "xdist_group"]
                  for _, fixtures, marks in items if name in fixtures]
        assert groups and all(group == [["xdist_group", [name]]] for group in groups), name


def test_pytest_xdist_schedules_a_shared_build_as_one_group(built_course, request):
    # pytest 9 stores node ids where pytest-xdist 3.8 cannot add the group suffix it
    # schedules by: the group would be spread and each worker would build it again
    if os.environ.get("PYTEST_XDIST_WORKER"):
        assert request.node.nodeid.endswith("@built_course"), request.node.nodeid
    assert request.node.get_closest_marker("xdist_group").args == ("built_course",)


# a plugin that writes which worker ran which test, in the order each worker ran them
ORDER = '''
import json, os, pytest
@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    with open(os.environ["ORDER_DUMP"], "a") as out:
        out.write(json.dumps([os.environ.get("PYTEST_XDIST_WORKER"), item.nodeid]) + "\\n")
'''


def test_each_training_of_the_shipped_course_starts_first_on_a_worker_of_its_own(tmp_path):
    """The two trainings (TensorFlow; JAX and PyTorch) are the run's longest work: each must
    be the first thing a worker does, on different workers, or the run waits for them one
    after the other (xdist's default order queued TensorFlow behind the other group)."""
    (tmp_path / "order_dump.py").write_text(ORDER)
    env = {**os.environ, "ORDER_DUMP": str(tmp_path / "order.jsonl"),
           "PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    env.pop("PYTEST_XDIST_WORKER", None)
    # the whole suite with the project's own options (addopts: workers, groups, order),
    # nothing run: --setup-plan
    result = subprocess.run([sys.executable, "-m", "pytest", "--setup-plan", "-q",
                             "-p", "order_dump", "-p", "no:cacheprovider", "tests"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    ran: dict[str, list[str]] = {}
    for line in (tmp_path / "order.jsonl").read_text().splitlines():
        worker, nodeid = json.loads(line)
        ran.setdefault(worker, []).append(nodeid)
    firsts = {worker: nodeids[0] for worker, nodeids in ran.items()}
    tensorflow = [w for w, n in firsts.items() if "passes_smoke_on_tensorflow" in n]
    others = [w for w, n in firsts.items() if "smoke_on_other_backends" in n]
    assert len(tensorflow) == 1 and len(others) == 1, firsts
    # what queues behind a training waits minutes: single tests, never a whole group
    after = ran[tensorflow[0]][1:2] + [n for n in ran[others[0]] if "other_backends" not in n][:1]
    assert after and not any("@" in nodeid for nodeid in after), after
