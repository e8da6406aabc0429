"""``serve`` on a port another program holds: one clear line and exit 2 (issue 23)."""

from __future__ import annotations

import socket

from conftest import lesson_source, make_course
from coursekit import cli


def test_serve_on_a_busy_port_says_so_in_one_line(tmp_path, capsys):
    root = make_course(tmp_path / "course", {"01_tiny": lesson_source("# %%\nx = 1\n")})
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    port = busy.getsockname()[1]
    try:
        code = cli.main(["--root", str(root), "serve", "--port", str(port)])
    finally:
        busy.close()
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip() == (f"error: cannot serve on 127.0.0.1:{port}: Address already in "
                           "use. stop what listens there, or choose another port with --port")
