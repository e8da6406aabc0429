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
