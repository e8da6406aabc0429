"""The test tiers and the xdist groups follow the fixtures a test uses (tests/conftest.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SHARED_BUILDS, TIER_FIXTURES, built_once, session_folder

# a plugin that writes what the collection decided: each test's fixtures and markers
DUMP = '''
import json, os, pytest
@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    name = f'{os.environ["TIERS_DUMP"]}.{os.environ.get("PYTEST_XDIST_WORKER", "master")}.json'
    with open(name, "w") as out:
        json.dump([[item.nodeid, sorted(item.fixturenames),
                    [[m.name, list(m.args) if m.name == "xdist_group" else []]
                     for m in item.iter_markers()]] for item in items], out)
'''


@pytest.fixture(scope="session")
def plan(tmp_path_factory, worker_id) -> Path:
    """One ``pytest --setup-plan`` of the whole suite with the project's own options
    (addopts: workers, groups, order), nothing run, for both tests below: its collection
    (items.json, written by each worker) and which worker would run what (order.jsonl).
    Made once per session, by the first worker to ask: a plan costs four collections."""
    folder = session_folder(tmp_path_factory, worker_id) / "plan"
    with built_once(folder.parent, "setup-plan") as todo:
        if todo:
            folder.mkdir()
            (folder / "tiers_dump.py").write_text(DUMP)
            (folder / "order_dump.py").write_text(ORDER)
            env = {**os.environ, "TIERS_DUMP": str(folder / "items"),
                   "ORDER_DUMP": str(folder / "order.jsonl"),
                   "PYTHONPATH": f"{folder}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
            env.pop("PYTEST_XDIST_WORKER", None)
            result = subprocess.run([sys.executable, "-m", "pytest", "--setup-plan", "-q",
                                     "-p", "tiers_dump", "-p", "order_dump",
                                     "-p", "no:cacheprovider", "tests"],
                                    cwd=ROOT, env=env, capture_output=True, text=True,
                                    timeout=300)
            assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return folder


def collected(plan: Path) -> list:
    """The items as one worker collected them (every worker collects the whole suite)."""
    dumps = sorted(plan.glob("items.*.json"))
    assert dumps, "no worker wrote its collection"
    return json.loads(dumps[0].read_text())


def test_tiers_and_groups_follow_the_fixtures_each_test_uses(plan):
    items = collected(plan)
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


def test_each_training_of_the_shipped_course_starts_first_on_a_worker_of_its_own(plan):
    """The two trainings (TensorFlow; JAX and PyTorch) are the run's longest work: each must
    be the first thing a worker does, on different workers, or the run waits for them one
    after the other (xdist's default order queued TensorFlow behind the other group)."""
    ran: dict[str, list[str]] = {}
    for line in (plan / "order.jsonl").read_text().splitlines():
        worker, nodeid = json.loads(line)
        ran.setdefault(worker, []).append(nodeid)
    firsts = {worker: nodeids[0] for worker, nodeids in ran.items()}
    tensorflow = [w for w, n in firsts.items() if "passes_smoke_on_tensorflow" in n]
    others = [w for w, n in firsts.items() if "smoke_on_other_backends" in n]
    assert len(tensorflow) == 1 and len(others) == 1, firsts
    # what queues behind a training waits minutes: single tests, never a whole group
    after = ran[tensorflow[0]][1:2] + [n for n in ran[others[0]] if "other_backends" not in n][:1]
    assert after and not any("@" in nodeid for nodeid in after), after
