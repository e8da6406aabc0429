"""Kernel text as a reader sees it: without the terminal's escape sequences.

IPython colours its tracebacks and Keras its progress bars. What a terminal would act on
rather than print: control sequences (``ESC [`` parameters, intermediates, a final byte:
colours, cursor moves, ``ESC [?25l``) and operating-system commands (``ESC ]`` … ``BEL``
or ``ESC \\``: window titles, hyperlinks). Both the error locator and the published logs
read outputs through this one pattern.
"""

from __future__ import annotations

import re

ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


def strip_ansi(text: str) -> str:
    return ESCAPES.sub("", text)
