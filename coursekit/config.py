"""The course configuration (``course.yml``) and the project's folder layout."""

from __future__ import annotations

import datetime
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import ConfigError, CourseError

CONFIG_NAME = "course.yml"

# key -> (required, type); a table so that unknown keys can be named in the error
_KEYS = {
    "title": (True, str),
    "slug": (True, str),
    "version": (True, str),
    "repository": (False, str),  # default: `git remote get-url origin`
    "student_repository": (False, str),  # default: repository
    "student_ref": (False, str),  # default: the version's tag, v<version>
    "summary": (False, str),
    "publish_solutions": (False, bool),
    "instructors": (False, list),
    "schedule": (False, dict),
    "backend": (False, str),  # tensorflow, jax, torch or none (run/backends.py)
    "site_url": (False, str),
}
_INSTRUCTOR_KEYS = {"name", "role", "links"}
_SCHEDULE_KEYS = {"date", "start", "breaks"}
_BREAK_KEYS = {"after", "minutes", "title"}
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
# the most values a YAML document may expand to once its aliases are followed: a lesson
# header or course.yml holds hundreds; an alias bomb a few KB long holds billions
YAML_MAX_VALUES = 20_000
SCHEDULE_SHAPE = ("schedule looks like {start: '09:30', breaks: [{after: 01_addition, "
                  "minutes: 15, title: Coffee}]}, with an optional date: 2026-12-05")
_GITHUB = re.compile(r"^https://github\.com/([\w.-]+)/([\w.-]+?)(?:\.git)?/?$")
# the SSH forms of a GitHub remote: git@github.com:OWNER/REPO(.git), ssh://git@github.com/…
_GITHUB_SSH = re.compile(r"^(?:ssh://)?git@github\.com[:/]([\w.-]+)/([\w.-]+?)(?:\.git)?/?$")
# names and accounts a template leaves behind; `check` warns while course.yml still has them
PLACEHOLDER_NAMES = {"your name", "instructor name", "firstname lastname", "first last",
                     "jane doe", "john doe", "tbd", "todo"}
PLACEHOLDER_ACCOUNTS = {"your-account", "your-name", "owner", "example", "username"}
# settings that were renamed: the error says what to write instead
_RENAMED = {"branch": "student_ref (a tag such as v1.2.0; default: v<version>)"}
# refs that move: a badge on one opens whatever was pushed last, not the verified version
MOVING_REFS = {"main", "master", "develop", "dev", "trunk", "gh-pages", "head"}
# a fixed ref: a version tag (v1.2.0, 2026.11, release-1.2) or a commit hash
_VERSION_REF = re.compile(r"^(?:[\w.-]*[-/_])?v?\d+(?:\.\d+)*(?:[-+.][\w.]+)?$|^[0-9a-f]{7,40}$")


@dataclass(frozen=True)
class Break:
    after: str  # the stem of the lesson it follows
    minutes: int
    title: str
    line: int  # its line in course.yml, for errors found later (an unknown lesson)


@dataclass(frozen=True)
class Schedule:
    """When the day starts (minutes after midnight) and the breaks between lessons."""

    start: int
    breaks: tuple[Break, ...] = ()
    date: str = ""  # the day, ISO (2026-12-05), for the decks' title slides; "" = not said


REPOSITORY_PROG = "build.py"  # this repository's entry point; a course made by init has none


def in_own_words(text: str, prog: str) -> str:
    """``text`` naming the command of the course at hand. The library's words name this
    repository's (`python build.py verify`); a course made with `coursekit init` has no
    build.py, so there they name ``prog`` (`coursekit verify`). The one home of that choice:
    errors (cli) pass the command the user ran, published text the course's own
    (:attr:`Course.prog`)."""
    if prog == REPOSITORY_PROG:
        return text
    return re.sub(r"`(?:python )?build\.py\b", f"`{prog}", text)


@dataclass(frozen=True)
class Course:
    title: str
    slug: str
    version: str
    repository: str = ""
    student_repository: str = ""  # where students' notebooks live; "" = repository
    student_ref: str = ""  # the tag or commit the badges open; "" = v<version>
    summary: str = ""
    publish_solutions: bool = False
    instructors: list = field(default_factory=list)
    schedule: Schedule | None = None
    backend: str = ""  # "": Keras' default when a lesson imports Keras, else none
    site_url: str = ""
    # where these settings came from: the errors about them name it
    path: Path = field(default=Path(CONFIG_NAME), compare=False)

    @property
    def prog(self) -> str:
        """How this course is run: ``build.py`` beside its course.yml (this repository's
        layout), else the ``coursekit`` command (a course made with ``coursekit init``)."""
        has_build = (self.path.parent / REPOSITORY_PROG).is_file()
        return REPOSITORY_PROG if has_build else "coursekit"

    @property
    def student_repo(self) -> str:
        """The repository of the student publication (``build.py student``)."""
        return self.student_repository or self.repository

    @property
    def version_tag(self) -> str:
        """The git tag of this version of the course: ``v2026.11``."""
        return self.version if self.version.startswith("v") else f"v{self.version}"

    @property
    def ref(self) -> str:
        """The tag the badges open: fixed, so students get the verified version."""
        return self.student_ref or self.version_tag

    def colab_url(self, rel_path: str) -> str:
        """``rel_path`` (``exercises/01_x.ipynb``) in the student publication, in Colab."""
        match = _GITHUB.match(self.student_repo)
        if not match:
            found = (f"'{self.student_repo}' is not" if self.student_repo
                     else "no repository is")
            raise ConfigError(f"{found} a https://github.com/OWNER/REPO URL, which the "
                              "Open in Colab links need", path=self.path,
                              hint="add `student_repository: https://github.com/OWNER/REPO` "
                                   "to course.yml, or run `git remote add origin URL` in "
                                   "the course folder")
        owner, repo = match.groups()
        return (f"https://colab.research.google.com/github/{owner}/{repo}"
                f"/blob/{self.ref}/{rel_path}")

    def bundle_name(self, instructor: bool = False) -> str:
        """``dist/`` file name; the instructor bundle's name says so, so it is never
        published by mistake in place of the student one."""
        return f"{self.slug}-{self.version}{'-instructor' if instructor else ''}.zip"


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
    def site(self) -> Path:
        return self.build / "site"

    @property
    def instructor_site(self) -> Path:
        """The instructor's site: speaker notes, solutions, timings. Never published."""
        return self.build / "instructor-site"

    @property
    def site_src(self) -> Path:
        """The generated mkdocs docs_dir (``mkdocs.yml`` points at it)."""
        return self.build / "site-src"

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
                          hint=f"run coursekit in a course folder, create {CONFIG_NAME} (title, "
                               "slug, version), or start a course with `coursekit init DIR`")
    text = read_text(path, ConfigError)
    try:
        check_yaml_size(text, path, ConfigError)
        data = yaml.safe_load(text) or {}
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: a date such as 2026-13-01
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise ConfigError(f"invalid YAML: {exc}", path=path,
                          line=None if line is None else line + 1) from None
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping of settings", path=path)
    for key, value in data.items():
        if key in _RENAMED:
            raise ConfigError(f"'{key}' is now '{_RENAMED[key].split()[0]}'", path=path,
                              line=key_lines(text).get((key,)),
                              hint=f"write {_RENAMED[key]}; see docs/website.md")
        if key not in _KEYS:
            raise ConfigError(f"unknown setting '{key}'", path=path,
                              hint=f"known settings: {', '.join(_KEYS)}")
        if not isinstance(value, _KEYS[key][1]):
            raise ConfigError(f"'{key}' must be a {_KEYS[key][1].__name__}", path=path,
                              line=key_lines(text).get((key,)),
                              hint=SCHEDULE_SHAPE if key == "schedule" else None)
    missing = [k for k, (required, _) in _KEYS.items() if required and k not in data]
    if missing:
        raise ConfigError(f"missing setting(s): {', '.join(missing)}", path=path)
    for key in ("repository", "student_repository"):
        if key in data and not _GITHUB.match(data[key]):
            raise ConfigError(f"'{key}' must be a https://github.com/OWNER/REPO URL",
                              path=path, line=key_lines(text).get((key,)),
                              hint="it builds the Open in Colab links")
    if "repository" not in data:
        data["repository"] = git_origin(path.parent)
    for person in data.get("instructors", []):
        if not isinstance(person, dict) or "name" not in person or set(person) - _INSTRUCTOR_KEYS:
            raise ConfigError("each instructor needs 'name' and may have 'role' and 'links'",
                              path=path)
    if "schedule" in data:
        data["schedule"] = read_schedule(data["schedule"], path, key_lines(text))
    return Course(**data, path=path)


def read_text(path: Path, error: type[CourseError]) -> str:
    """A UTF-8 file's text; other bytes are ``error`` naming the line they are on."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"byte 0x{data[exc.start]:02x} is not UTF-8 text", path=path,
                    line=data[:exc.start].count(b"\n") + 1,
                    hint="save the file as UTF-8") from None


def check_yaml_size(text: str, path: Path, error: type[CourseError],
                    first_line: int = 1) -> None:
    """Refuse YAML whose aliases expand past :data:`YAML_MAX_VALUES` values, or refer to
    themselves, before anything walks the loaded data (a few KB of nested aliases expand
    to gigabytes: 'billion laughs'). ``first_line``: the file line of the text's first.

    The composed node graph shares an alias's node, so its expanded size is counted once
    per node (memoised): linear in the text, whatever the expansion. Invalid YAML passes:
    the loader called next reports it."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise error("a YAML alias refers to the value that contains it", path=path,
                        line=node.start_mark.line + first_line,
                        hint="write the value out instead of the alias")
        active.add(key)
        children = node.value if isinstance(node, yaml.SequenceNode) else \
            [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode) \
            else []
        sizes[key] = 1 + sum(size(child) for child in children)
        active.discard(key)
        if sizes[key] > YAML_MAX_VALUES:
            raise error(f"the YAML aliases here expand to more than {YAML_MAX_VALUES:,} "
                        "values", path=path, line=node.start_mark.line + first_line,
                        hint="write the values out, or use fewer nested aliases (&name / "
                             "*name)")
        return sizes[key]

    try:
        for document in yaml.compose_all(text, Loader=yaml.SafeLoader):
            if document is not None:
                size(document)
    except yaml.YAMLError:
        return  # not YAML at all: the reader that follows says where, in its words
    except RecursionError:
        raise error("the YAML is nested too deeply to read", path=path, line=first_line,
                    hint="flatten it: a header or course.yml needs a few levels") from None


def git_origin(folder: Path) -> str:
    """``git remote get-url origin`` in ``folder`` as an https URL; "" when there is none
    (no git, not a clone, no origin): only the Colab links need it, and they say so."""
    try:
        result = subprocess.run(["git", "-C", str(folder), "remote", "get-url", "origin"],
                                capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    url = result.stdout.strip() if result.returncode == 0 else ""
    ssh = _GITHUB_SSH.match(url)
    return f"https://github.com/{ssh.group(1)}/{ssh.group(2)}" if ssh else url


def course_warnings(course: Course) -> list[str]:
    """Settings that still hold a template's placeholder: fine for a draft, not to teach."""
    found = [f"instructor '{person['name']}' looks like a placeholder: put the real name"
             for person in course.instructors
             if str(person["name"]).strip().lower() in PLACEHOLDER_NAMES]
    for key in ("repository", "student_repository"):
        match = _GITHUB.match(getattr(course, key))
        if match and match.group(1).lower() in PLACEHOLDER_ACCOUNTS:
            found.append(f"{key} '{getattr(course, key)}' looks like a placeholder: put the "
                         "course's GitHub URL (the Open in Colab links point there)")
    if course.repository and not course.student_repository:
        found.append(f"student_repository is not set: the Open in Colab links open "
                     f"{course.repository}, where content/ and solutions/ are one click "
                     "away; name the students' own repository (`python build.py student "
                     "DIR` writes what goes there)")
    if moving_ref(course.ref):
        found.append(f"student_ref '{course.ref}' looks like a branch: the Open in Colab "
                     "links would open whatever is pushed there last, not the verified "
                     f"version; leave student_ref out (the tag {course.version_tag}) or name a "
                     "tag or commit")
    return found


def moving_ref(ref: str) -> bool:
    """A branch name (main, develop, …) rather than a version tag or a commit."""
    return ref.lower() in MOVING_REFS or not _VERSION_REF.match(ref)


def key_lines(text: str) -> dict[tuple, int]:
    """1-based line of every mapping key and sequence item, by its path
    (``("schedule", "breaks", 0, "after")``): errors found after parsing can name it."""
    lines: dict[tuple, int] = {}

    def walk(node, where: tuple) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                lines[where + (key.value,)] = key.start_mark.line + 1
                walk(value, where + (key.value,))
        elif isinstance(node, yaml.SequenceNode):
            for number, item in enumerate(node.value):
                lines[where + (number,)] = item.start_mark.line + 1
                walk(item, where + (number,))

    walk(yaml.compose(text), ())
    return lines


def read_schedule(raw: dict, path: Path, lines: dict[tuple, int]) -> Schedule:
    """``schedule: {start, breaks}`` → :class:`Schedule`; each error names its line."""
    def fail(message: str, *where) -> ConfigError:
        line = lines.get(("schedule", *where)) or lines.get(("schedule",))
        return ConfigError(message, path=path, line=line, hint=SCHEDULE_SHAPE)

    unknown = set(raw) - _SCHEDULE_KEYS
    if unknown:
        raise fail(f"unknown schedule setting '{sorted(unknown)[0]}'", sorted(unknown)[0])
    start = raw.get("start")
    if isinstance(start, int):  # YAML reads an unquoted 9:30 as the number 570
        raise fail("schedule start must be quoted, like \"09:30\"", "start")
    match = _CLOCK.match(start) if isinstance(start, str) else None
    if not match:
        raise fail(f"schedule start '{start}' is not a time like \"09:30\" (24-hour, "
                   "quoted)", "start")
    if not isinstance(raw.get("breaks", []), list):
        raise fail("schedule breaks must be a list", "breaks")
    breaks = tuple(_read_break(entry, number, fail, lines)
                   for number, entry in enumerate(raw.get("breaks", [])))
    return Schedule(int(match.group(1)) * 60 + int(match.group(2)), breaks,
                    _read_date(raw.get("date"), fail))


def _read_date(value, fail) -> str:
    """``date: 2026-12-05`` (YAML reads it as a date) or the same text, as ISO text."""
    if value is None:
        return ""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.isoformat()
    try:
        return datetime.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise fail(f"schedule date {value!r} is not a day like 2026-12-05", "date") from None


def _read_break(entry, number: int, fail, lines: dict[tuple, int]) -> Break:
    where = ("breaks", number)
    if not isinstance(entry, dict) or set(entry) - _BREAK_KEYS or "after" not in entry:
        raise fail(f"break {number + 1} needs 'after' (a lesson) and 'minutes', and may "
                   "have 'title'", *where)
    minutes = entry.get("minutes")
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
        raise fail(f"break {number + 1}: minutes must be a whole number above 0, not "
                   f"{minutes!r}", *where, "minutes")
    if not isinstance(entry["after"], str) or not isinstance(entry.get("title", ""), str):
        raise fail(f"break {number + 1}: 'after' and 'title' must be text", *where)
    return Break(entry["after"], minutes, entry.get("title") or "Break",
                 lines.get(("schedule", *where), 0))


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
