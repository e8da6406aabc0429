"""Which line of a cell is a marker: the accepted forms of every dialect, and near misses.

nbgrader reads any line that *contains* ``BEGIN SOLUTION`` (or ``END SOLUTION``,
``BEGIN HIDDEN TESTS``, ``END HIDDEN TESTS``) as a marker, whatever the comment prefix;
otter-grader adds ``# BEGIN SOLUTION NO PROMPT``, ``# SOLUTION NO PROMPT`` and
``# BEGIN PROMPT`` / ``# END PROMPT``; this project adds the variant blocks
(``### BEGIN ALTERNATIVE``, ``### BEGIN MISTAKE: <label>``). Anything that resembles one
of these but is none (another case, spacing, a typo) is an error: a marker the parser does
not see would leave a solution in the exercise.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..errors import MarkerError


@dataclass(frozen=True)
class Mark:
    """One recognised marker line."""

    kind: str  # begin end line hidden_begin hidden_end prompt_begin prompt_end vbegin vend
    no_prompt: bool = False  # otter's NO PROMPT: nothing replaces the answer
    variant: str = ""  # "alternative" | "mistake" for vbegin / vend
    label: str = ""  # a mistake's description


# nbgrader's phrases, found anywhere in the comment (code) or the line (markdown);
# word boundaries keep near misses such as BEGIN SOLUTIONS out. NO PROMPT first: it
# contains the plain phrase.
_PHRASES = (
    (re.compile(r"\bBEGIN SOLUTION NO PROMPT\b"), Mark("begin", no_prompt=True)),
    (re.compile(r"\bBEGIN SOLUTION\b"), Mark("begin")),
    (re.compile(r"\bEND SOLUTION\b"), Mark("end")),
    (re.compile(r"\bBEGIN HIDDEN TESTS\b"), Mark("hidden_begin")),
    (re.compile(r"\bEND HIDDEN TESTS\b"), Mark("hidden_end")),
)
# this project's variant blocks: the whole comment, so a label cannot hide a typo
_VARIANT = re.compile(r"^(BEGIN|END) (ALTERNATIVE|MISTAKE)(?::(.*))?$")
# otter skips any line that ends with these, even one that opens a string literal
_PROMPT = re.compile(r"#+\s*(BEGIN|END) PROMPT\s*$")
# a comment after the statement it marks
_LINE = re.compile(r"#+\s*SOLUTION( NO PROMPT)?\s*$")

# what to write instead, by the letters of a form (case, spaces and '#'s ignored)
FORMS = {
    "BEGINSOLUTION": "### BEGIN SOLUTION",
    "ENDSOLUTION": "### END SOLUTION",
    "BEGINSOLUTIONNOPROMPT": "# BEGIN SOLUTION NO PROMPT",
    "BEGINHIDDENTESTS": "### BEGIN HIDDEN TESTS",
    "ENDHIDDENTESTS": "### END HIDDEN TESTS",
    "BEGINPROMPT": "# BEGIN PROMPT",
    "ENDPROMPT": "# END PROMPT",
    "BEGINALTERNATIVE": "### BEGIN ALTERNATIVE",
    "ENDALTERNATIVE": "### END ALTERNATIVE",
    "BEGINMISTAKE": "### BEGIN MISTAKE: <what the mistake is>",
    "ENDMISTAKE": "### END MISTAKE",
    "SOLUTION": "x = expr  # SOLUTION (at the end of the statement's line)",
    "SOLUTIONNOPROMPT": "x = expr  # SOLUTION NO PROMPT (at the end of the line)",
}
_LINE_FORMS = ("SOLUTION", "SOLUTIONNOPROMPT")
_CODE_ONLY = ("BEGINSOLUTIONNOPROMPT", "BEGINPROMPT", "ENDPROMPT", "BEGINALTERNATIVE",
              "ENDALTERNATIVE", "BEGINMISTAKE", "ENDMISTAKE", *_LINE_FORMS)
# the words of a form in any case and spacing (what a near miss most often is)
_LOOSE = re.compile(r"(?i)\b(begin|end)[\s_-]*(solu\w*|hidden[\s_-]*tests?|prompt|"
                    r"alternatives?|mistakes?)\b|\bsolu\w*[\s_-]*no[\s_-]*prompt\b")
NEAR = 0.85  # difflib ratio above which a comment is read as a mistyped marker


def _letters(text: str) -> str:
    return re.sub(r"[^A-Z]", "", text.split(":")[0].upper())


def _phrase(text: str) -> Mark | None:
    for pattern, mark in _PHRASES:
        if pattern.search(text):
            return mark
    return None


def _variant(body: str, lineno: int) -> Mark | None:
    match = _VARIANT.match(body)
    if not match:
        return None
    edge, kind, label = match.group(1), match.group(2).lower(), (match.group(3) or "").strip()
    if edge == "BEGIN" and kind == "mistake" and not label:
        raise MarkerError("a MISTAKE block needs a label", line=lineno,
                          hint="write '### BEGIN MISTAKE: <what the mistake is>'")
    if edge == "END" and match.group(3) is not None or kind == "alternative" and label:
        raise MarkerError(f"'{body}' takes no label", line=lineno,
                          hint=f"write '### {edge} {kind.upper()}'")
    return Mark("vbegin" if edge == "BEGIN" else "vend", variant=kind, label=label)


def _near_miss(text: str, keys, lineno: int) -> None:
    """Raise when ``text`` resembles one of the forms ``keys`` without being it."""
    letters = _letters(text)
    close = [k for k in difflib.get_close_matches(letters, keys, n=3, cutoff=NEAR)
             if k[0] == letters[:1]]  # same first letter: 'RESOLUTION' is no SOLUTION
    loose = _LOOSE.search(text)
    if not close and loose:
        close = difflib.get_close_matches(_letters(loose.group(0)), keys, n=1, cutoff=0)
    if close:
        raise MarkerError(f"'{text.strip()}' looks like a solution marker but is none of "
                          "the accepted forms", line=lineno,
                          hint=f"write '{FORMS[close[0]]}' (forms: docs/lesson-format.md)")


def _body(comment: str) -> str:
    return comment.strip().lstrip("#").strip()


def code_mark(line: str, comment_col: int | None, lineno: int) -> Mark | None:
    """Classify one line of a code cell; ``comment_col`` is where its comment starts."""
    prompt = _PROMPT.search(line)
    if prompt:
        return Mark("prompt_begin" if prompt.group(1) == "BEGIN" else "prompt_end")
    if comment_col is None:
        if _phrase(line) or _LINE.search(line):
            raise MarkerError("solution marker inside a string literal", line=lineno,
                              hint="markers must be comments; move it out of the string")
        return None
    comment = line[comment_col:]
    body = _body(comment)
    if line[:comment_col].strip():  # a comment after code
        found = _LINE.search(comment)
        if found and found.start() == 0:
            return Mark("line", no_prompt=bool(found.group(1)))
        if _phrase(body) or _variant(body, lineno):
            raise MarkerError("block marker must be on a line of its own", line=lineno,
                              hint="put the BEGIN / END marker alone on the line")
        _near_miss(body, list(FORMS), lineno)
        return None
    mark = _phrase(body) or _variant(body, lineno)
    if mark:
        return mark
    if _LINE.match(comment.strip()):
        return Mark("line", no_prompt="NO PROMPT" in body)
    _near_miss(body, list(FORMS), lineno)
    return None


def markdown_mark(line: str, lineno: int) -> Mark | None:
    """Classify one line of a markdown cell: nbgrader's phrases anywhere in the line."""
    mark = _phrase(line)
    if mark:
        return mark
    body = _body(line)
    if _VARIANT.match(body) or _PROMPT.search(line):
        raise MarkerError(f"'{line.strip()}' only works in a code cell", line=lineno,
                          hint="move it to a code cell, or use ### BEGIN SOLUTION here")
    keys = [k for k in FORMS if k not in _CODE_ONLY]
    _near_miss(body, keys, lineno)
    return None


def looks_marked(source: str) -> bool:
    """Whether a cell holds anything like a solution marker (no validation)."""
    return bool(_phrase(source) or _LINE.search(source) or _PROMPT.search(source)
                or _LOOSE.search(source) or re.search(r"(?m)^\s*#+\s*(BEGIN|END) "
                                                      r"(ALTERNATIVE|MISTAKE)", source))
