"""Bounded outputs: a cell that prints without end cannot fill the memory, the cache or a page.

Every output a kernel sends is counted as it arrives (its JSON size). Past the lesson's
limit per cell, or ten times that for the whole notebook, further outputs of the cell are
dropped and one note says so; error outputs always pass, so a failure still names its line.
The limit is the lesson header's ``output_limit:`` (kilobytes per cell).
"""

from __future__ import annotations

import json

import nbformat
from nbclient import NotebookClient

CELL_LIMIT_KB = 1000          # per cell: a long training log is ~100 kB
NOTEBOOK_FACTOR = 10          # the whole notebook may hold ten cells' worth
NOTE = ("[coursekit: this cell's output passed {limit} kB{scope}; the rest was left out. "
        "A lesson may raise it with 'output_limit: KB' in its header.]\n")


class OutputBudget:
    """How many bytes of output each cell and the whole notebook may still take."""

    def __init__(self, cell_kb: int = CELL_LIMIT_KB):
        self.cell_limit = cell_kb * 1000
        self.notebook_limit = self.cell_limit * NOTEBOOK_FACTOR
        self.cells: dict[int, int] = {}
        self.total = 0
        self.noted: set[int] = set()

    def admit(self, cell_index: int, size: int) -> bool:
        used = self.cells.get(cell_index, 0)
        if used + size > self.cell_limit or self.total + size > self.notebook_limit:
            return False
        self.cells[cell_index] = used + size
        self.total += size
        return True

    def room(self, cell_index: int) -> int:
        """How many more bytes the cell may take."""
        return max(0, min(self.cell_limit - self.cells.get(cell_index, 0),
                          self.notebook_limit - self.total))

    def note(self, cell_index: int) -> nbformat.NotebookNode | None:
        """The one truncation note of a cell (None once it has one)."""
        if cell_index in self.noted:
            return None
        self.noted.add(cell_index)
        whole = self.total + self.cell_limit > self.notebook_limit
        scope = " (the notebook's share is spent)" if whole else ""
        return nbformat.v4.new_output("stream", name="stderr",
                                      text=NOTE.format(limit=self.cell_limit // 1000,
                                                       scope=scope))

    def start(self, cell_index: int) -> tuple[int, bool]:
        """A cell starts (again): its count starts afresh. Returns what :meth:`undo` needs to
        put the cell's earlier count back (after a probe, whose outputs are not kept)."""
        before = (self.cells.pop(cell_index, 0), cell_index in self.noted)
        self.total -= before[0]
        self.noted.discard(cell_index)
        return before

    def undo(self, cell_index: int, before: tuple[int, bool]) -> None:
        self.total += before[0] - self.cells.pop(cell_index, 0)
        self.cells[cell_index] = before[0]
        if before[1]:
            self.noted.add(cell_index)
        else:
            self.noted.discard(cell_index)


class CappedClient(NotebookClient):
    """nbclient's client, with each arriving output counted against an :class:`OutputBudget`."""

    def __init__(self, *args, budget: OutputBudget, **kwargs):
        super().__init__(*args, **kwargs)
        self.budget = budget

    def output(self, outs, msg, display_id, cell_index):
        hooked = self.output_hook_stack[msg["parent_header"].get("msg_id")]
        if hooked or msg["msg_type"] == "error":
            return super().output(outs, msg, display_id, cell_index)
        if cell_index in self.budget.noted:  # cut already: nothing after the note
            return None
        if self.budget.admit(cell_index, len(json.dumps(msg["content"]))):
            return super().output(outs, msg, display_id, cell_index)
        room = self.budget.room(cell_index)
        if msg["msg_type"] == "stream" and room > 0:  # keep the head of a long print
            head = msg["content"]["text"][:room // 2]  # JSON may escape a character in two
            self.budget.admit(cell_index, len(json.dumps(head)))
            super().output(outs, {**msg, "content": {**msg["content"], "text": head}},
                           display_id, cell_index)
        note = self.budget.note(cell_index)
        if note is not None:
            outs.append(note)
        return None
