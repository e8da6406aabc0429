"""The course configuration (``course.yml``) and the project's folder layout."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import ConfigError

CONFIG_NAME = "course.yml"

# key -> (required, type); a table so that unknown keys can be named in the error
_KEYS = {
    "title": (True, str),
    "slug": (True, str),
    "version": (True, str),
    "repository": (True, str),
    "branch": (False, str),
    "summary": (False, str),
    "publish_solutions": (False, bool),
    "instructors": (False, list),
    "schedule": (False, list),
    "site_url": (False, str),
}
_INSTRUCTOR_KEYS = {"name", "role", "links"}
_GITHUB = re.compile(r"^https://github\.com/([\w.-]+)/([\w.-]+?)(?:\.git)?/?$")


@dataclass(frozen=True)
class Course:
    title: str
    slug: str
    version: str
    repository: str
    branch: str = "main"
    summary: str = ""
    publish_solutions: bool = False
    instructors: list = field(default_factory=list)
    schedule: list = field(default_factory=list)
    site_url: str = ""

    def colab_url(self, rel_path: str) -> str:
        owner, repo = _GITHUB.match(self.repository).groups()
        return (f"https://colab.research.google.com/github/{owner}/{repo}"
                f"/blob/{self.branch}/{rel_path}")

    def blob_url(self, rel_path: str) -> str:
        return f"{self.repository.rstrip('/')}/blob/{self.branch}/{rel_path}"


@dataclass(frozen=True)
class Project:
    """Where everything lives; every path the build touches derives from ``root``."""

    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def exercises(self) -> Path:
        return self.root / "exercises"

    @property
    def solutions(self) -> Path:
        return self.root / "solutions"

    @property
    def build(self) -> Path:
        return self.root / "build"

    @property
    def dist(self) -> Path:
        return self.root / "dist"

    @property
    def cache(self) -> Path:
        return self.root / ".cache"

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME


def load_course(path: Path) -> Course:
    """Read and validate ``course.yml``."""
    if not path.is_file():
        raise ConfigError("course configuration not found", path=path,
                          hint=f"create {CONFIG_NAME} with title, slug, version, repository")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise ConfigError(f"invalid YAML: {exc}", path=path,
                          line=None if line is None else line + 1) from None
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping of settings", path=path)
    for key, value in data.items():
        if key not in _KEYS:
            raise ConfigError(f"unknown setting '{key}'", path=path,
                              hint=f"known settings: {', '.join(_KEYS)}")
        if not isinstance(value, _KEYS[key][1]):
            raise ConfigError(f"'{key}' must be a {_KEYS[key][1].__name__}", path=path)
    missing = [k for k, (required, _) in _KEYS.items() if required and k not in data]
    if missing:
        raise ConfigError(f"missing setting(s): {', '.join(missing)}", path=path)
    if not _GITHUB.match(data["repository"]):
        raise ConfigError("'repository' must be a https://github.com/OWNER/REPO URL", path=path,
                          hint="it builds the Open in Colab links")
    for person in data.get("instructors", []):
        if not isinstance(person, dict) or "name" not in person or set(person) - _INSTRUCTOR_KEYS:
            raise ConfigError("each instructor needs 'name' and may have 'role' and 'links'",
                              path=path)
    return Course(**data)


def instructors_markdown(course: Course) -> str:
    """The ``{{ instructors }}`` placeholder: one bullet per instructor."""
    if not course.instructors:
        return "*(instructors are listed in course.yml)*"
    rows = []
    for person in course.instructors:
        row = f"- **{person['name']}**"
        if person.get("role"):
            row += f", {person['role']}"
        links = person.get("links") or []
        if links:
            row += " — " + ", ".join(f"<{link}>" for link in links)
        rows.append(row)
    return "\n".join(rows)
