"""The map of docs/architecture.md, enforced: every module of coursekit/ is parsed with
``ast`` and each of its imports (top level or inside a function) must point down the
stages ``cli → publish → run → source → config``, or into the base modules every stage
shares. The checker is tested on made-up graphs first, so a pass means something."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "coursekit"
STAGES = ("cli", "publish", "run", "source", "config")  # top to bottom
# below every stage, importing nothing of coursekit: errors, atomic writes, the version
BASE = ("errors", "fsutil", "__init__")


def stage_of(module: str) -> str | None:
    """``coursekit.run.cache`` → "run"; a base module → "base"; None if on no map."""
    parts = module.split(".")[1:]
    if not parts:
        return "base"  # the package itself: `from coursekit import __version__`
    if parts[0] in STAGES:
        return parts[0]
    # a dunder is the package's own attribute (`from coursekit import __version__`)
    return "base" if parts[0] in BASE or parts[0].startswith("__") else None


def rank(stage: str) -> int:
    return len(STAGES) if stage == "base" else STAGES.index(stage)


def module_name(path: Path, package: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, package: Path) -> set[str]:
    """Every coursekit module ``path`` imports, relative imports resolved; ``from X import
    name`` counts as X.name (a submodule, or an attribute: the stage is X's either way)."""
    name = module_name(path, package)
    here = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = here.split(".")[:len(here.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            found.update(f"{base}.{alias.name}" for alias in node.names)
    root = package.name
    return {target for target in found if target == root or target.startswith(root + ".")}


def import_graph(package: Path) -> dict[str, set[str]]:
    return {module_name(path, package): imports_of(path, package)
            for path in sorted(package.rglob("*.py")) if "skeleton" not in path.parts}


def violations(graph: dict[str, set[str]]) -> list[str]:
    """Each import against the stage direction, and each module on no stage."""
    found = []
    for module, targets in sorted(graph.items()):
        stage = stage_of(module)
        if stage is None:
            found.append(f"{module}: on no stage (add it to the map: docs/architecture.md)")
            continue
        for target in sorted(targets):
            other = stage_of(target)
            if other is None:
                found.append(f"{module} imports {target}, which is on no stage")
            elif rank(other) < rank(stage):
                found.append(f"{module} ({stage}) imports {target} ({other}): upward")
    return found


# --- the checker itself ---------------------------------------------------------------

def test_an_upward_import_is_caught():
    graph = {"coursekit.run.cache": {"coursekit.source.lesson", "coursekit.publish.pages"},
             "coursekit.source.lesson": {"coursekit.config.Course", "coursekit.errors.X"},
             "coursekit.config": {"coursekit.cli.main"},
             "coursekit.errors": {"coursekit.config.Project"},
             "coursekit.cli": {"coursekit.publish.site", "coursekit.fsutil.write_atomic"}}
    assert violations(graph) == [
        "coursekit.config (config) imports coursekit.cli.main (cli): upward",
        "coursekit.errors (base) imports coursekit.config.Project (config): upward",
        "coursekit.run.cache (run) imports coursekit.publish.pages (publish): upward"]


def test_a_module_on_no_stage_is_caught():
    graph = {"coursekit.helpers": set(), "coursekit.run.kernel": {"coursekit.misc.x"}}
    assert violations(graph) == [
        "coursekit.helpers: on no stage (add it to the map: docs/architecture.md)",
        "coursekit.run.kernel imports coursekit.misc.x, which is on no stage"]


def test_the_parser_sees_every_form_of_import(tmp_path):
    package = tmp_path / "coursekit"
    (package / "source").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "source" / "__init__.py").write_text("from . import lesson\n")
    (package / "source" / "lesson.py").write_text(
        "import json\nfrom ..config import Course\nfrom .. import __version__\n"
        "def late():\n    from ..publish import pages\n    import coursekit.run.cache\n")
    graph = import_graph(package)
    assert graph["coursekit.source"] == {"coursekit.source.lesson"}
    assert graph["coursekit.source.lesson"] == {"coursekit.config.Course",
                                                "coursekit.__version__",
                                                "coursekit.publish.pages",
                                                "coursekit.run.cache"}
    assert violations(graph) == [
        "coursekit.source.lesson (source) imports coursekit.publish.pages (publish): upward",
        "coursekit.source.lesson (source) imports coursekit.run.cache (run): upward"]


# --- the real package -------------------------------------------------------------------

def test_every_import_of_coursekit_points_down_the_stages():
    graph = import_graph(PACKAGE)
    assert len(graph) > 30 and "coursekit.publish.site" in graph  # the walk found the tree
    assert violations(graph) == []


def test_the_map_in_the_docs_names_the_same_stages():
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    line = re.search(r"^\s*(cli → .*)$", doc, flags=re.M)
    assert line, "docs/architecture.md states the stage order as 'cli → … → config'"
    assert tuple(part.strip() for part in line.group(1).split("→")) == STAGES


@pytest.mark.parametrize("module", BASE[:-1])
def test_base_modules_import_nothing_of_coursekit(module):
    assert imports_of(PACKAGE / f"{module}.py", PACKAGE) == set()


def test_every_file_the_map_names_exists():
    """The map names real files: a renamed or removed module fails here until the map
    follows it."""
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = {name for name in re.findall(r"`([\w/]+\.(?:py|md|toml))`", doc)
             if "NN_" not in name}  # content/NN_slug.py names a pattern
    missing = [name for name in sorted(named)
               if not any(path.is_file() for path in (ROOT / name, PACKAGE / name,
                                                      *PACKAGE.glob(f"*/{name}")))]
    assert len(named) > 40 and missing == []
