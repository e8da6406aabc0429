"""The test tiers and the xdist groups follow the fixtures a test uses (tests/conftest.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from xdist.scheduler import LoadGroupScheduling

from conftest import ROOT, SHARED_BUILDS, TIER_FIXTURES

# a plugin that writes, after the project's own hooks, what the collection decided
DUMP = '''
import json, os, pytest
@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    with open(os.environ["TIERS_DUMP"], "w") as out:
        json.dump([[item.nodeid, item.fixturenames,
                    [[m.name, [str(a) for a in m.args]] for m in item.iter_markers()]]
                   for item in items], out)
'''


@dataclass(frozen=True)
class Collected:
    nodeid: str           # as xdist's workers report it: a group's tests end in @GROUP
    fixtures: frozenset[str]
    marks: tuple[tuple[str, tuple[str, ...]], ...]

    @classmethod
    def of(cls, nodeid: str, fixtures, marks) -> Collected:
        marks = tuple((name, tuple(str(a) for a in args)) for name, args in marks)
        groups = sorted({args[0] for name, args in marks if name == "xdist_group" and args})
        suffix = f"@{'_'.join(groups)}" if groups else ""  # under xdist, already there
        return cls(nodeid if nodeid.endswith(suffix) else nodeid + suffix,
                   frozenset(fixtures), marks)


@pytest.fixture(scope="session")
def suite(request, tmp_path_factory) -> list[Collected]:
    """The whole suite as collected under the project's options: this session's own
    collection when it is the whole suite (CI: nothing to redo), else one collection of
    its own (a developer's tier deselects tests, or one module was asked for)."""
    config, session = request.config, request.session
    # -k, -m, --lf and --deselect all report what they drop (conftest.pytest_deselected)
    if (config.args_source is pytest.Config.ArgsSource.TESTPATHS
            and not getattr(config, "ck_deselected", False)):
        return [Collected.of(item.nodeid, item.fixturenames,
                             [(m.name, m.args) for m in item.iter_markers()])
                for item in session.items]
    folder = tmp_path_factory.mktemp("collection")
    (folder / "tiers_dump.py").write_text(DUMP)
    env = {**os.environ, "TIERS_DUMP": str(folder / "items.json"),
           "PYTHONPATH": f"{folder}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    result = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-n0",
                             "-p", "tiers_dump", "-p", "no:cacheprovider", "tests"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return [Collected.of(*row) for row in json.loads((folder / "items.json").read_text())]


def test_tiers_and_groups_follow_the_fixtures_each_test_uses(suite):
    for fixture, marker in TIER_FIXTURES.items():
        users = [test for test in suite if fixture in test.fixtures]
        assert users, f"no test uses {fixture}: the rule would check nothing"
        assert all((marker, ()) in test.marks for test in users), f"{fixture} without {marker}"
    for name in SHARED_BUILDS:
        groups = [[mark for mark in test.marks if mark[0] == "xdist_group"]
                  for test in suite if name in test.fixtures]
        assert groups and all(group == [("xdist_group", (name,))] for group in groups), name


def test_pytest_xdist_schedules_a_shared_build_as_one_group(built_course, request):
    # pytest 9 stores node ids where pytest-xdist 3.8 cannot add the group suffix it
    # schedules by: the group would be spread and each worker would build it again
    if os.environ.get("PYTEST_XDIST_WORKER"):
        assert request.node.nodeid.endswith("@built_course"), request.node.nodeid
    assert request.node.get_closest_marker("xdist_group").args == ("built_course",)


class Worker:
    """What xdist's scheduler sees of a worker: the tests it is sent, in order."""

    def __init__(self, name: str, collection: list[str]):
        self.gateway = SimpleNamespace(id=name)
        self.collection, self.ran, self.shutting_down = collection, [], False

    def send_runtest_some(self, indices: list[int]) -> None:
        self.ran += [self.collection[i] for i in indices]

    def shutdown(self) -> None:
        self.shutting_down = True


def first_assignments(config, suite: list[Collected]) -> dict[str, list[str]]:
    """What each worker is sent first when this collection starts, as pytest-xdist's own
    scheduler decides under pyproject.toml's addopts (workers, --dist, reordering), however
    this session was started (even with -n0). Until a worker finishes a test, that is its
    queue; it finishes nothing before its first test, a training, has run."""
    addopts = config.getini("addopts")
    assert addopts[addopts.index("--dist") + 1] == "loadgroup"
    count = int(addopts[addopts.index("-n") + 1])
    stub = SimpleNamespace(getvalue=lambda name: [f"{count}*popen"], option=SimpleNamespace(
        loadscopereorder="--no-loadscope-reorder" not in addopts))
    scheduler = LoadGroupScheduling(stub)
    collection = [test.nodeid for test in suite]
    workers = [Worker(f"gw{i}", collection) for i in range(count)]
    for worker in workers:
        scheduler.add_node(worker)
        scheduler.add_node_collection(worker, collection)
    scheduler.schedule()
    return {worker.gateway.id: worker.ran for worker in workers}


def test_each_training_of_the_shipped_course_starts_first_on_a_worker_of_its_own(
        request, suite):
    """The two trainings (TensorFlow; JAX and PyTorch) are the run's longest work: each must
    be the first thing a worker does, on different workers, or the run waits for them one
    after the other (xdist's default order queued TensorFlow behind the other group)."""
    ran = first_assignments(request.config, suite)
    firsts = {worker: nodeids[0] for worker, nodeids in ran.items() if nodeids}
    tensorflow = [w for w, n in firsts.items() if "passes_smoke_on_tensorflow" in n]
    others = [w for w, n in firsts.items() if "smoke_on_other_backends" in n]
    assert len(tensorflow) == 1 and len(others) == 1, firsts
    # what queues behind a training waits minutes: single tests, never a whole group
    after = ran[tensorflow[0]][1:2] + [n for n in ran[others[0]] if "other_backends" not in n][:1]
    assert after and not any("@" in nodeid for nodeid in after), after
