"""The command line: parse, call the library, return an exit code.

Exit codes: 0 success, 1 the course failed a check (out of sync, lesson failed),
2 bad input or usage (the message names the file and line).
"""

from __future__ import annotations

import argparse
import errno
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..config import Project, course_warnings, in_own_words, load_course
from ..errors import CourseError
from ..fsutil import write_atomic
from ..publish.schedule import check_breaks, untimed_warnings
from ..run.verify import data_folder
from ..source.data_record import RECORD, updated_record
from ..source.estimates import warnings as estimate_warnings
from ..source.notebooks import out_of_sync, write_notebooks
from . import importing, student
from .context import Context
from .init import add_arguments as init_arguments
from .init import run_init
from .options import SHOWING, VERIFYING, add_run_options, run_options
from .publish import (
    bundle_arguments,
    fit_check_argument,
    handouts_arguments,
    run_bundle,
    run_handouts,
    run_serve,
    run_site,
    serve_arguments,
    site_arguments,
)
from .run import run_verify


@dataclass(frozen=True)
class Command:
    help: str
    run: Callable[[Context], int]
    add_arguments: Callable[[argparse.ArgumentParser], None] = lambda parser: None
    options: tuple[str, ...] = ()  # the run options it takes (cli/options.py)


def _rel(project: Project, path: Path) -> str:
    try:
        return str(path.relative_to(project.root))
    except ValueError:
        return str(path)


def run_notebooks(context: Context) -> int:
    project = context.project
    record = new_data_record(context)
    if record is not None:  # the notebooks' setup cells carry it: generate them again
        write_atomic({project.root / RECORD: record})
        print(f"wrote {RECORD}")
        context.__dict__.pop("generated", None)
    written, removed = write_notebooks(project, context.generated)
    for path in written:
        print(f"wrote {_rel(project, path)}")
    for path in removed:
        print(f"removed {_rel(project, path)} (no lesson generates it)")
    if not written and not removed:
        print("notebooks are up to date")
    return 0


def new_data_record(context: Context) -> bytes | None:
    """The data record as the data folder (--data-dir, $COURSE_DATA_DIR) makes it, when
    that differs from the one committed (data_record.py)."""
    return updated_record(context.project.root, context.generated.lessons,
                          data_folder(context.options.data_dir))


def run_check(context: Context) -> int:
    project = context.project
    for warning in course_warnings(load_course(project.config_path)):
        print(f"warning: {_rel(project, project.config_path)}: {warning}", file=sys.stderr)
    generated = context.generated
    problems = out_of_sync(project, generated)
    if new_data_record(context) is not None:
        problems.append((project.root / RECORD, "differs from the data folder's files"))
    for warning in estimate_warnings(generated.lessons):
        print(warning, file=sys.stderr)
    check_breaks(generated.course, generated.lessons, project.config_path)
    for warning in untimed_warnings(generated.lessons):
        print(warning, file=sys.stderr)
    for path, reason in problems:
        print(f"out of sync: {_rel(project, path)} ({reason})")
    if problems:
        print("run `python build.py notebooks` and commit the result", file=sys.stderr)
        return 1
    print("exercises/ and solutions/ match content/")
    return 0


# name -> command; the order is the order of the full build (`python build.py`)
COMMANDS: dict[str, Command] = {
    "notebooks": Command("write exercises/ and solutions/ from content/ (with a data folder: "
                         f"record its files' checksums in {RECORD})", run_notebooks,
                         options=("data_dir",)),
    "check": Command("fail when exercises/ or solutions/ differ from content/", run_check,
                     options=("data_dir",)),
    "verify": Command("run every solution and prove every exercise meaningful; "
                      "write build/report.json", run_verify,
                      options=("profile", "backend", "lessons", "jobs", "seeds", "force",
                               "data_dir", "cache", "scheduler", "cell_timeout")),
    "site": Command("build the course website into build/site (verifying first if needed)",
                    run_site, site_arguments, VERIFYING),
    "handouts": Command("print each lesson's slides and notes page to PDF into the built "
                        "site's handouts/ (--instructor: with solutions and speaker notes)",
                        run_handouts, handouts_arguments),
    "bundle": Command("pack dist/<course>-<version>.zip (--instructor: with solutions)",
                      run_bundle, bundle_arguments, options=("data_dir",)),
    "serve": Command("live preview of the website; rebuilds when a lesson changes",
                     run_serve, serve_arguments, SHOWING),
    "student": Command(student.HELP, student.run_student, student.add_arguments),
}
# the steps `python build.py` with no subcommand runs, in order
FULL_BUILD = ["notebooks", "verify", "site", "handouts", "bundle"]


DESCRIPTION = ("build a course: lesson sources in content/ become exercise and solution "
               "notebooks, verified runs, a website with slides, and a bundle")
INIT_HELP = "write a new course folder (course.yml, a sample lesson, …) that builds at once"


def parser(prog: str = "coursekit", root: Path | None = None,
           root_help: str = "the current folder") -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog=prog, description=DESCRIPTION)
    top.add_argument("--root", type=Path, default=root or Path.cwd(),
                     help=f"the course folder (default: {root_help})")
    # the full build's: before a subcommand, they reach it too
    add_run_options(top, VERIFYING, top=True)
    fit_check_argument(top, top=True)
    subs = top.add_subparsers(dest="command")
    for name, command in COMMANDS.items():
        sub = subs.add_parser(name, help=command.help, description=command.help)
        add_run_options(sub, command.options)
        command.add_arguments(sub)
    # init makes a course rather than reading one: it takes no Project
    init_arguments(subs.add_parser("init", help=INIT_HELP, description=INIT_HELP))
    importing.add_arguments(subs.add_parser("import", help=importing.HELP,
                                            description=importing.HELP))
    return top


def main(argv: list[str] | None = None, prog: str = "coursekit",
         root: Path | None = None) -> int:
    """``root``: the default course folder (build.py passes its own; the ``coursekit``
    command uses the current folder)."""
    root_help = "the folder of build.py" if prog == "build.py" else "the current folder"
    args = parser(prog, root, root_help).parse_args(argv)
    steps = [args.command] if args.command else FULL_BUILD
    with_sigterm = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if with_sigterm else None
    try:
        if args.command == "init":
            return run_init(args)
        if args.command == "import":  # writes one lesson; reads no course
            return importing.run_import(args)
        # one context for every step: the options built once, the lessons read once
        context = Context(Project(args.root.resolve()), args, run_options(args))
        for name in steps:
            code = COMMANDS[name].run(context)
            if code:
                return code
    except CourseError as err:
        print(f"error: {in_own_words(str(err), prog)}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt as stop:
        print("interrupted; earlier outputs are left as they were", file=sys.stderr)
        return 143 if isinstance(stop, Terminated) else 130
    except OSError as err:
        if err.errno not in MACHINE_REFUSALS:
            raise  # a bug of ours: its traceback is what a report needs
        print(f"error: {err.filename or 'a file'}: {err.strerror}; {MACHINE_REFUSALS[err.errno]}"
              " and run again (earlier outputs are left as they were)", file=sys.stderr)
        return 2
    finally:
        if with_sigterm:
            signal.signal(signal.SIGTERM, previous)
    return 0


# what the machine refused (not a bug of ours): the one line says what to do instead
MACHINE_REFUSALS = {errno.ENOSPC: "free some space", errno.EDQUOT: "free some of your quota",
                    errno.EACCES: "give this user write access there",
                    errno.EROFS: "build in a writable folder (--root)"}


class Terminated(KeyboardInterrupt):
    """SIGTERM (a CI job cancelled, ``kill``): unwound like Ctrl-C, so that every kernel
    stops and no output is left half-written."""


def _terminate(signum, frame) -> None:
    raise Terminated()


def console_main() -> None:
    """The ``coursekit`` command (pyproject.toml's entry point)."""
    sys.exit(main())
