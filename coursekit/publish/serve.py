"""``build.py serve``: a live preview that rebuilds when a lesson changes.

mkdocs' own live-reload server, with a builder that first regenerates the docs folder
from content/ (notes pages, decks) and then runs mkdocs. Nothing is executed: a preview
shows the outputs of the last verification, minus those of cells edited since.
"""

from __future__ import annotations

import shutil
import socket
import sys
import tempfile
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.exceptions import MkDocsException
from mkdocs.livereload import LiveReloadServer

from ..config import Project
from ..errors import CourseError
from ..fsutil import read_tree, write_atomic
from ..run.options import RunOptions
from .mkdocs_run import mkdocs_config
from .node_assets import node_modules
from .site import nav, read_inputs, site_sources


def refresh_preview(project: Project, options: RunOptions = RunOptions()):
    """Regenerate ``build/site-src`` from content/ as it is now (read again on each
    change); returns (inputs, the paths whose bytes changed)."""
    inputs = read_inputs(project, options, preview=True)
    files = site_sources(inputs, node_modules(project), mkdocs_yml=project.root / "mkdocs.yml")
    docs = project.site_src
    changed = write_atomic({docs / rel: data for rel, data in files.items()})
    for rel in sorted(set(read_tree(docs)) - set(files)):
        (docs / rel).unlink()  # a page of a lesson that is gone
        changed.append(docs / rel)
    return inputs, changed


def check_port(host: str, port: int) -> None:
    """Fail in one line, before the first build, when the port cannot be ours (mkdocs'
    server binds only once it starts serving, and then dies with a traceback)."""
    probe = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
    try:
        probe.bind((host, port))
    except OSError as exc:
        raise CourseError(f"cannot serve on {host}:{port}: {exc.strerror or exc}",
                          hint="stop what listens there, or choose another port with "
                               "--port") from None
    finally:
        probe.close()


def serve(project: Project, options: RunOptions = RunOptions(),
          host: str = "127.0.0.1", port: int = 8000) -> None:
    """``options``: the profile and backend of the runs shown (None: the last ones)."""
    check_port(host, port)
    site = Path(tempfile.mkdtemp(prefix="coursekit-preview-"))
    url = f"http://{host}:{port}/"

    def rebuild() -> None:
        try:
            inputs, _ = refresh_preview(project, options)
            config = mkdocs_config(project, inputs.course, nav(inputs.lessons),
                                   project.site_src, site, strict=False)
            build(config, serve_url=url)
        except (CourseError, MkDocsException) as err:  # keep serving the last good build
            print(f"error: {err}", file=sys.stderr)

    server = LiveReloadServer(builder=rebuild, host=host, port=port, root=str(site))
    try:
        rebuild()
        for path in (project.content, project.config_path, project.root / "mkdocs.yml",
                     project.build / "report.json"):
            if path.exists():
                server.watch(str(path))
        print(f"previewing {url} (Ctrl+C stops)")
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        shutil.rmtree(site, ignore_errors=True)
