"""Which line of a cell is a marker: the accepted forms of every dialect, and near misses.

nbgrader reads any line that *contains* ``BEGIN SOLUTION`` (or ``END SOLUTION``,
``BEGIN HIDDEN TESTS``, ``END HIDDEN TESTS``, ``BEGIN MARK SCHEME``, ``END MARK SCHEME``)
as a marker, whatever the comment prefix;
otter-grader adds ``# BEGIN SOLUTION NO PROMPT``, ``# SOLUTION NO PROMPT`` and
``# BEGIN PROMPT`` / ``# END PROMPT`` and the rest of its assign format: a line ending
``# IGNORE`` and a ``# BEGIN IGNORE`` … ``# END IGNORE`` block reach neither notebook, a line
ending ``# SEED`` only the solution; this project adds the variant blocks
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

    # begin end line hidden_begin hidden_end scheme_begin scheme_end prompt_begin
    # prompt_end vbegin vend,
    # otter's ignore ignore_begin ignore_end seed
    kind: str
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
    # nbgrader's marking scheme in a task cell: for graders only
    (re.compile(r"\bBEGIN MARK SCHEME\b"), Mark("scheme_begin")),
    (re.compile(r"\bEND MARK SCHEME\b"), Mark("scheme_end")),
)
# this project's variant blocks: the whole comment, so a label cannot hide a typo
_VARIANT = re.compile(r"^(BEGIN|END) (ALTERNATIVE|MISTAKE)(?::(.*))?$")
# otter skips any line that ends with these, even one that opens a string literal
_PROMPT = re.compile(r"#+\s*(BEGIN|END) PROMPT\s*$")
# a comment after the statement it marks
_LINE = re.compile(r"#+\s*SOLUTION( NO PROMPT)?\s*$")
# otter's assign format, read as otter reads the text (strings and markdown included):
# suffixes exactly as written, except BEGIN IGNORE, which otter matches in any case and
# spacing at the start of a line
_IGNORE = re.compile(r"# IGNORE\s*$")
_IGNORE_BEGIN = re.compile(r"\s*#\s*BEGIN\s*IGNORE", re.IGNORECASE)
_IGNORE_END = re.compile(r"# END IGNORE\s*$")
_SEED = re.compile(r"# SEED\s*$")
# a first line that makes otter leave the whole cell out of both notebooks
IGNORE_CELL = re.compile(r"(##\s*ignore\s*##|#\s*ignore)\s*$", re.IGNORECASE)
# nbgrader's InstantiateTests: a comment line with this word becomes generated asserts
_AUTOTEST = "AUTOTEST"
# otter's own comment (its example notebooks' '## solution ##'): no marker, kept as it is
_FRAMED_WORD = re.compile(r"^#+\s*solution\s*#+$", re.IGNORECASE)

# the scikit-learn MOOC's answer line (mooc.py), read only where a lesson declares it
MOOC_LINE = "# solution"

# what to write instead, by the letters of a form (case, spaces and '#'s ignored)
FORMS = {
    "BEGINSOLUTION": "### BEGIN SOLUTION",
    "ENDSOLUTION": "### END SOLUTION",
    "BEGINSOLUTIONNOPROMPT": "# BEGIN SOLUTION NO PROMPT",
    "BEGINHIDDENTESTS": "### BEGIN HIDDEN TESTS",
    "ENDHIDDENTESTS": "### END HIDDEN TESTS",
    "BEGINMARKSCHEME": "### BEGIN MARK SCHEME",
    "ENDMARKSCHEME": "### END MARK SCHEME",
    "BEGINPROMPT": "# BEGIN PROMPT",
    "ENDPROMPT": "# END PROMPT",
    "BEGINALTERNATIVE": "### BEGIN ALTERNATIVE",
    "ENDALTERNATIVE": "### END ALTERNATIVE",
    "BEGINMISTAKE": "### BEGIN MISTAKE: <what the mistake is>",
    "ENDMISTAKE": "### END MISTAKE",
    "SOLUTION": "x = expr  # SOLUTION (at the end of the statement's line)",
    "SOLUTIONNOPROMPT": "x = expr  # SOLUTION NO PROMPT (at the end of the line)",
    "BEGINIGNORE": "# BEGIN IGNORE",
    "ENDIGNORE": "# END IGNORE",
    "IGNORE": "x = expr  # IGNORE (at the end of the line: in neither notebook)",
}
_LINE_FORMS = ("SOLUTION", "SOLUTIONNOPROMPT")
_CODE_ONLY = ("BEGINSOLUTIONNOPROMPT", "BEGINPROMPT", "ENDPROMPT", "BEGINALTERNATIVE",
              "ENDALTERNATIVE", "BEGINMISTAKE", "ENDMISTAKE", *_LINE_FORMS)
# matched only letter for letter (any case): 'ignored' or 'ignores' is ordinary English
_EXACT_ONLY = ("IGNORE",)
# the words of a form in any case and spacing (what a near miss most often is)
_LOOSE = re.compile(r"(?i)\b(begin|end)[\s_-]*(solu\w*|hidden[\s_-]*tests?|prompt|"
                    r"alternatives?|mistakes?|ignored?|mark[\s_-]*schemes?)\b|\bsolu\w*[\s_-]*no[\s_-]*prompt\b")
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
    fuzzy = [k for k in keys if k not in _EXACT_ONLY]
    close = [k for k in difflib.get_close_matches(letters, fuzzy, n=3, cutoff=NEAR)
             if k[0] == letters[:1]]  # same first letter: 'RESOLUTION' is no SOLUTION
    close = close or [k for k in _EXACT_ONLY if k in keys and k == letters]
    loose = _LOOSE.search(text)
    if not close and loose:
        close = difflib.get_close_matches(_letters(loose.group(0)), keys, n=1, cutoff=0)
    if close:
        raise MarkerError(f"'{text.strip()}' looks like a solution marker but is none of "
                          "the accepted forms", line=lineno,
                          hint=f"write '{FORMS[close[0]]}' (forms: docs/lesson-format.md)")


def _body(comment: str) -> str:
    return comment.strip().lstrip("#").strip()


def _ignore_mark(line: str) -> Mark | None:
    """otter's IGNORE forms, in the order otter tests them."""
    if _IGNORE.search(line):
        return Mark("ignore")
    if _IGNORE_END.search(line):
        return Mark("ignore_end")
    if _IGNORE_BEGIN.match(line):
        return Mark("ignore_begin")
    return None


def code_mark(line: str, comment_col: int | None, lineno: int) -> Mark | None:
    """Classify one line of a code cell; ``comment_col`` is where its comment starts."""
    otter = _ignore_mark(line) or (Mark("seed") if _SEED.search(line) else None)
    if otter:
        return otter
    prompt = _PROMPT.search(line)
    if prompt:
        return Mark("prompt_begin" if prompt.group(1) == "BEGIN" else "prompt_end")
    if comment_col is None:
        if _phrase(line) or _LINE.search(line):
            raise MarkerError("solution marker inside a string literal, or not in a "
                              "comment", line=lineno,
                              hint="in a code cell a marker is a comment alone on its line, "
                              "e.g. '### BEGIN SOLUTION'")
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
    if _FRAMED_WORD.match(comment.strip()):
        return None
    if _AUTOTEST in comment:
        raise MarkerError("nbgrader's AUTOTEST comments are turned into tests by nbgrader "
                          "(running a kernel); left as they are, this check would test "
                          "nothing", line=lineno,
                          hint="write the assertions it stands for, e.g. "
                          "'assert isinstance(a, int)'")
    try:
        _near_miss(body, list(FORMS), lineno)
    except MarkerError as err:
        if not line.lstrip().startswith(MOOC_LINE):
            raise
        # '# solution': the MOOC's form, not a mistyped one of ours (mooc.py)
        raise MarkerError(f"'{line.strip()}' is the scikit-learn MOOC's marker, read only "
                          "at the start of a line of a lesson that declares it", line=lineno,
                          hint="add 'markers: scikit-learn-mooc' to the course: block of "
                          "the header and start the line with it (the rest of the cell is "
                          "then the answer), or wrap the answer in ### BEGIN SOLUTION / "
                          "### END SOLUTION") from err
    return None


def markdown_mark(line: str, lineno: int) -> Mark | None:
    """Classify one line of a markdown cell: nbgrader's phrases anywhere in the line,
    otter's IGNORE forms as in code."""
    mark = _ignore_mark(line) or _phrase(line)
    if mark:
        return mark
    body = _body(line)
    if _VARIANT.match(body) or _PROMPT.search(line):
        raise MarkerError(f"'{line.strip()}' only works in a code cell", line=lineno,
                          hint="move it to a code cell, or use ### BEGIN SOLUTION here")
    # a lone 'Ignore' in prose is a word, not a mistyped '# IGNORE'
    keys = [k for k in FORMS if k not in _CODE_ONLY and k not in _EXACT_ONLY]
    _near_miss(body, keys, lineno)
    return None
