"""A kernel's limits (issue 23): a cell past its time limit names the statement it was
running, quit() fails the lesson at its line, and a port taken at start is retried."""

from __future__ import annotations

import asyncio
import socket

import nbformat

from conftest import HEADER, lesson_source, make_course
from coursekit.run.kernel import KernelSession, kernel_env
from coursekit.run.output_cap import CappedClient
from verify_fixture import build, runs


def line_of(source: str, needle: str) -> int:
    return next(i for i, line in enumerate(source.split("\n"), 1) if needle in line)


def verified_error(tmp_path, capsys, body: str, header_extra: str = "", *args: str):
    header = HEADER.replace("#     title: {title}", "#     title: Limits" + header_extra)
    source = lesson_source(body, header=header)
    root = make_course(tmp_path / "course", {"01_limits": source})
    result = build(capsys, root, "verify", *args)
    assert result.code == 1, result
    (run,) = runs(root).values()
    assert run["status"] == "failed"
    return source, run["error"]


def test_a_cell_past_the_lessons_timeout_names_the_statement_that_was_running(
        tmp_path, capsys):
    source, error = verified_error(tmp_path, capsys, """
        # %%
        import time
        x = 1
        time.sleep(120)
        y = 2
    """, header_extra="\n#     timeout: 2")
    assert error["exception"] == "TimeoutError"
    assert "longer than 2 s" in error["message"]
    assert error["line"] == line_of(source, "time.sleep(120)")  # not the cell's first line


def test_verify_timeout_sets_the_limit_of_lessons_without_their_own(tmp_path, capsys):
    source, error = verified_error(tmp_path, capsys, """
        # %%
        import time
        for step in range(3):
            time.sleep(40)
    """, "", "--timeout", "2")
    assert error["exception"] == "TimeoutError" and "longer than 2 s" in error["message"]
    assert error["line"] == line_of(source, "time.sleep(40)")


def test_a_kernel_that_crashes_in_c_names_the_statement_that_was_running(tmp_path, capsys):
    source, error = verified_error(tmp_path, capsys, """
        # %%
        import os
        x = 1
        os.abort()
        y = 2
    """)
    assert error["exception"] == "DeadKernelError"
    assert error["line"] == line_of(source, "os.abort()")  # not the cell's first line


def test_a_crash_names_its_line_when_the_cells_number_never_arrived(
        tmp_path, capsys, monkeypatch):
    # nbclient stops reading messages once it sees the kernel dead: under load, before
    # the one that numbers the cell (a CI failure of 5 Dec 2026). Force that order.
    original = CappedClient.process_message

    def unnumbered(self, msg, cell, index):
        if "os.abort()" in cell.source:
            msg = {**msg, "content": {k: v for k, v in msg["content"].items()
                                      if k != "execution_count"}}
        return original(self, msg, cell, index)

    monkeypatch.setattr(CappedClient, "process_message", unnumbered)
    source, error = verified_error(tmp_path, capsys, """
        # %%
        print("a numbered cell before")

        # %%
        import os
        x = 1
        os.abort()
    """)
    assert error["exception"] == "DeadKernelError"
    assert error["line"] == line_of(source, "os.abort()")


def test_a_crash_in_a_function_an_earlier_cell_defined_names_the_call(tmp_path, capsys):
    source, error = verified_error(tmp_path, capsys, """
        # %%
        import os


        def crash():
            os.abort()

        # %%
        x = 1
        crash()
    """)
    assert error["exception"] == "DeadKernelError"
    assert error["line"] == [i for i, line in enumerate(source.split("\n"), 1)
                             if line == "crash()"][0]


def test_quit_in_a_cell_fails_the_lesson_at_its_line(tmp_path, capsys):
    source, error = verified_error(tmp_path, capsys, """
        # %%
        x = 1
        quit()
        print("after quit")
    """)
    assert error["exception"] == "ExitCalled"
    assert error["line"] == line_of(source, "quit()")


def test_a_port_taken_at_start_is_retried(tmp_path, monkeypatch):
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    made = []
    original = KernelSession._manager

    def manager(self):
        km = original(self)
        if not made:  # the first kernel finds its shell port taken, as in a race
            km.cache_ports = False  # else the provisioner picks fresh ports itself
            km.shell_port = busy.getsockname()[1]
        made.append(km)
        return km

    monkeypatch.setattr(KernelSession, "_manager", manager)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")])
    log = tmp_path / "kernel.log"

    async def run():
        async with KernelSession(nb, env=kernel_env("none", 1), cwd=tmp_path,
                                 log=log) as session:
            return await session.run(nb.cells[0], 0)

    try:
        result = asyncio.run(run())
    finally:
        busy.close()
    assert len(made) == 2
    assert "Address already in use" in log.read_text()
    assert result.error is None and result.cell.outputs[0]["text"] == "42\n"
