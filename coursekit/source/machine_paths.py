"""Machine paths: where the build ran is nobody's business on a published page.

Outputs carry the paths of the machine that ran them: a library's warning names its file
(``/home/me/course/.venv/lib/python3.11/site-packages/keras/src/…``), a lesson's own
warning its kernel's cell file (``/tmp/ipykernel_4242/1234.py``). They are rewritten into
what is the same on every machine (``site-packages/keras/src/…``, ``<ipython>``) before
an executed notebook is stored (run/execute.py) and again before one is published
(publish/safe_outputs.py); the leak scanner then refuses any artifact that still names
one of the build's own folders (:func:`build_paths`).
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

# one path segment: no separators, no quotes or brackets that end a path in a message
_SEGMENT = r"[^\s/\\'\"<>|()\[\]{},;]+"
_START = r"(?<![\w.~-])(?:[A-Za-z]:)?"  # not inside a longer word; a Windows drive
# the kernel's cell files: <tmp>/ipykernel_<pid>/<hash>.py
_IPYKERNEL = re.compile(rf"{_START}(?:[/\\]{_SEGMENT})*[/\\]ipykernel_\d+[/\\]\d+\.py")
# an installed package's file, or the standard library's
_PACKAGES = re.compile(rf"{_START}(?:[/\\]{_SEGMENT})+?[/\\]((?:site|dist)-packages)[/\\]")
_STDLIB = re.compile(rf"{_START}(?:[/\\]{_SEGMENT})+?[/\\]lib[/\\](python3\.\d+)[/\\]")
CELL_FILE = "<ipython>"


def build_paths(root: Path | None = None) -> list[tuple[str, str]]:
    """The build's own folders, longest first, each with what it is shown as: the
    project (its files by their relative path), the Python environment, home, temp."""
    found = {str(Path(sys.prefix)): "<venv>", str(Path(sys.base_prefix)): "<python>",
             str(Path.home()): "~", str(Path(tempfile.gettempdir())): "<tmp>"}
    if root is not None:
        found[str(Path(root).resolve())] = "."
        found[str(Path(root).absolute())] = "."
    return sorted(((path, name) for path, name in found.items() if len(path) > 1),
                  key=lambda item: -len(item[0]))


def rewrite_paths(text: str, known: Iterable[tuple[str, str]] = ()) -> str:
    """``text`` with machine paths rewritten: cell files, packages and the standard
    library first (the same name on every machine), then ``known`` folders."""
    text = _IPYKERNEL.sub(CELL_FILE, text)
    text = _PACKAGES.sub(r"\1/", text)
    text = _STDLIB.sub(r"\1/", text)
    for path, name in known:
        text = re.sub(rf"{_START}{re.escape(path)}(?=[/\\])", name, text)
    return text


# outputs whose data is text a reader sees; images are bytes (base64) and stay as they are
TEXT_TYPES = ("text/plain", "text/html", "text/markdown", "text/latex", "application/json")


def rewrite_output_paths(outputs: list, known: Iterable[tuple[str, str]] = ()) -> None:
    """Rewrite, in place, the machine paths in a code cell's outputs."""
    known = list(known)

    def fix(value):
        if isinstance(value, str):
            return rewrite_paths(value, known)
        if isinstance(value, list):
            return [fix(item) for item in value]
        if isinstance(value, dict):
            return {key: fix(item) for key, item in value.items()}
        return value
    for output in outputs:
        if "text" in output:
            output["text"] = fix(output["text"])
        if "traceback" in output:
            output["traceback"] = fix(output["traceback"])
            output["evalue"] = fix(output.get("evalue", ""))
        for kind in TEXT_TYPES:
            if kind in output.get("data", {}):
                output["data"][kind] = fix(output["data"][kind])


def machine_paths_in(text: str, known: Iterable[tuple[str, str]]) -> list[str]:
    """The build's own folders (and kernel cell files) that ``text`` names."""
    found = [match.group(0) for match in _IPYKERNEL.finditer(text)]
    text = _IPYKERNEL.sub(CELL_FILE, text)
    # longest first: the project under /tmp is the project, not /tmp
    paths = "|".join(re.escape(path) for path, _ in known)
    if paths:
        found += [match.group(1) for match in re.finditer(rf"{_START}({paths})[/\\]", text)]
    return list(dict.fromkeys(found))
