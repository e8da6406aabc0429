"""One Jupyter kernel per verified run: its environment, its start, its cells, its end.

Cells run through nbclient one at a time (the contract probes run between the solution's
cells, in the same kernel). The kernel's own stdout/stderr, where TensorFlow's C++ logs go,
is a log file under build/: with ``capture_fd_output`` off, ipykernel forwards only
Python-level output to the notebook.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from ipykernel.compiler import get_tmp_hash_seed, murmur2_x86
from jupyter_client.kernelspec import NoSuchKernel
from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode

from ..errors import CourseError
from .backends import NO_BACKEND
from .figures import SETUP as FIGURE_SETUP
from .output_cap import CELL_LIMIT_KB, CappedClient, OutputBudget

KERNEL_NAME = "python3"
CELL_TIMEOUT_S = 1800  # per cell; the full profile trains for minutes, never for hours
# after the interrupt at the limit, how long the cell may take to stop before it is
# abandoned (code in C may not see the interrupt)
INTERRUPT_GRACE_S = 10
# jupyter_client picks free ports, then the kernel binds them: a kernel started at the same
# moment can take one in between (once in ~60 concurrent starts); then start again
START_ATTEMPTS = 3
PORT_TAKEN = "Address already in use"
# quit() / exit() in a cell would end the kernel and the run would look finished: make
# them an error whose traceback names the line (run once at start, in no notebook)
NO_QUIT = """\
def __ck_no_quit():
    class ExitCalled(Exception):
        pass
    class Refuse:
        def __repr__(self):
            return "quit() / exit() stop the kernel: not in a lesson"
        def __call__(self, *args, **kwargs):
            raise ExitCalled("quit() / exit() would stop the kernel before the notebook "
                             "ends; a lesson runs to its last cell")
    shell = get_ipython()
    shell.user_ns["exit"] = shell.user_ns["quit"] = Refuse()
__ck_no_quit()
del __ck_no_quit
# a crash in C (abort, segfault) writes the Python frames to the kernel's log, so that a
# dead kernel's error can name the statement that was running
import faulthandler as __ck_faults, sys as __ck_sys
__ck_faults.enable(__ck_sys.__stderr__)
del __ck_faults, __ck_sys"""
# a cell's frame in faulthandler's dump (ipykernel runs each cell from a file of its own)
_CRASH_FRAME = re.compile(r'File "[^"]*ipykernel_\d+[/\\]([^"]*)", line (\d+)')
# jupyter_client swaps these for sys.executable, so the kernel is this environment's Python
_PYTHON_ALIASES = {"python", f"python{sys.version_info[0]}",
                   f"python{sys.version_info[0]}.{sys.version_info[1]}", sys.executable}
QUIET = {
    "TF_CPP_MIN_LOG_LEVEL": "3",   # TensorFlow's C++ logging (oneDNN, CUDA probing, ...)
    "GRPC_VERBOSITY": "ERROR",
    "GLOG_minloglevel": "3",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # debugpy's frozen-modules warning
}
THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
               "TF_NUM_INTRAOP_THREADS")


def kernel_env(backend: str, threads: int) -> dict[str, str]:
    """The kernel's environment: the build's, plus backend, quiet logs and a thread share."""
    env = dict(os.environ)
    # ipykernel only selects the inline (notebook) plots when MPLBACKEND is unset
    env.pop("MPLBACKEND", None)
    env.update(QUIET)
    env["KERAS_BACKEND"] = backend
    if backend == NO_BACKEND:  # a course without Keras: the build's own setting stays out
        del env["KERAS_BACKEND"]
    env.update({name: str(threads) for name in THREAD_VARS})
    env["TF_NUM_INTEROP_THREADS"] = "1" if threads == 1 else "2"
    if threads == 1:  # XLA (JAX's CPU backend) has no thread-count variable, only this
        env["XLA_FLAGS"] = (env.get("XLA_FLAGS", "") + " --xla_cpu_multi_thread_eigen=false"
                            " intra_op_parallelism_threads=1").strip()
    return env


def check_kernel() -> None:
    """Fail early unless the ``python3`` kernel would run this very interpreter."""
    try:
        argv = AsyncKernelManager(kernel_name=KERNEL_NAME).kernel_spec.argv
    except NoSuchKernel:
        raise CourseError(f"no Jupyter kernel named '{KERNEL_NAME}'",
                          hint="install ipykernel in this environment "
                               "(pip install -r requirements.txt)") from None
    if argv[0] not in _PYTHON_ALIASES:
        raise CourseError(f"the '{KERNEL_NAME}' kernel runs {argv[0]}, not {sys.executable}",
                          hint=f"run `{sys.executable} -m ipykernel install --sys-prefix`")


@dataclass
class CellRun:
    cell: NotebookNode          # the executed cell, outputs included
    error: dict | None = None   # its error output, or a stand-in for a timeout / dead kernel
    fatal: bool = False         # the kernel cannot go on (timed out or died)


class KernelSession:
    """``async with KernelSession(...) as session: await session.run(cell, index)``."""

    def __init__(self, nb: NotebookNode, *, env: dict, cwd: Path, log: Path,
                 timeout: int = CELL_TIMEOUT_S, output_kb: int = CELL_LIMIT_KB):
        self.nb, self.env, self.cwd, self.log_path, self.timeout = nb, env, cwd, log, timeout
        self.budget = OutputBudget(output_kb)
        self.km: AsyncKernelManager | None = None
        self.client: CappedClient | None = None
        self._log = None
        self.count = 0  # the kernel's last execution count

    async def __aenter__(self) -> KernelSession:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        for attempt in range(1, START_ATTEMPTS + 1):
            logged = self.log_path.stat().st_size if attempt > 1 else 0
            self._log = open(self.log_path, "ab" if attempt > 1 else "wb")
            try:
                await self._start()
                return self
            except Exception as exc:
                await self.close()
                if attempt < START_ATTEMPTS and _port_taken(exc, self.log_path, logged):
                    continue  # another kernel took a port between its pick and our bind
                raise CourseError(f"the '{KERNEL_NAME}' kernel did not start: {exc}",
                                  path=self.log_path, hint="its log says why") from None
            except BaseException:  # Ctrl-C while starting: stop the kernel, keep unwinding
                await self.close()
                raise
        raise AssertionError("unreachable")  # the last attempt returns or raises

    def _manager(self) -> AsyncKernelManager:
        """A fresh manager per attempt: it picks new ports."""
        return AsyncKernelManager(kernel_name=KERNEL_NAME)

    async def _start(self) -> None:
        self.km = self._manager()
        await self.km.start_kernel(
            extra_arguments=["--IPKernelApp.capture_fd_output=False"], env=self.env,
            cwd=str(self.cwd), stdout=self._log, stderr=self._log)
        # nbclient's own limit is the last resort: run() interrupts the cell at
        # self.timeout, so that its traceback says which statement was running
        self.client = CappedClient(self.nb, km=self.km, kernel_name=KERNEL_NAME,
                                   timeout=self.timeout + INTERRUPT_GRACE_S,
                                   allow_errors=True, record_timing=False, budget=self.budget)
        await self.client.async_start_new_kernel_client()
        await self.evaluate(NO_QUIT)
        await self.evaluate(FIGURE_SETUP)  # slide-sized fonts, each figure measured

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def close(self) -> None:
        if self.client is not None and self.client.kc is not None:
            self.client.kc.stop_channels()
        if self.km is not None and self.km.has_kernel:
            await self.km.shutdown_kernel(now=True)
        if self._log is not None:
            self._log.close()
        self.km = self.client = self._log = None

    async def run(self, cell: NotebookNode, index: int, *, probe: bool = False) -> CellRun:
        """Execute ``cell`` as cell ``index`` of the notebook.

        ``probe``: the cell is a variant (a stub, a re-run) whose outputs must not replace
        the notebook's own cell, which nbclient otherwise does.
        """
        original = self.nb.cells[index]
        counted = self.budget.start(index)
        logged = self.log_path.stat().st_size
        alarm = asyncio.ensure_future(self._interrupt_after(self.timeout))
        try:
            await self.client.async_execute_cell(cell, index)
        except CellTimeoutError:  # the interrupt did not stop it (stuck in C code)
            return CellRun(cell, _stand_in("TimeoutError",
                                           f"the cell ran longer than {self.timeout} s"), True)
        except DeadKernelError:
            # nbclient turns a cancellation (Ctrl-C) into DeadKernelError: undo that
            if asyncio.current_task().cancelling():
                raise asyncio.CancelledError() from None
            return self._died(cell, logged)
        finally:
            alarm.cancel()
            if probe:
                self.nb.cells[index] = original
                self.budget.undo(index, counted)
        self.count = cell.get("execution_count") or self.count
        error = next((o for o in cell.get("outputs", []) if o.output_type == "error"), None)
        if error is not None and alarm.done() and not alarm.cancelled():
            # interrupted at the limit: the KeyboardInterrupt's frames name the statement
            return CellRun(cell, {**error, "ename": "TimeoutError", "evalue":
                                  f"the cell ran longer than {self.timeout} s (the "
                                  "lesson's timeout: or verify --timeout)"}, True)
        return CellRun(cell, error)

    def _died(self, cell: NotebookNode, logged: int) -> CellRun:
        """The stand-in error of a cell whose kernel died, with the frame it was in."""
        # nbclient stops reading the kernel's messages when it sees it dead, at times
        # before the one that numbers the cell: the kernel numbers each cell it runs
        cell.execution_count = cell.get("execution_count") or self.count + 1
        died = _stand_in("DeadKernelError", "the kernel died (out of memory, or a crash "
                         f"in C code?); see {self.log_path}")
        return CellRun(cell, {**died, "traceback": self._crash_frames(cell, logged)}, True)

    def _crash_frames(self, cell: NotebookNode, logged: int) -> list[str]:
        """Where the cell was when its kernel crashed, as IPython names a frame (what
        tracebacks.locate reads), from faulthandler's dump in the log; none after a kill."""
        with open(self.log_path, "rb") as log:
            log.seek(logged)
            dump = log.read().decode("utf-8", errors="replace")
        # ipykernel runs each cell from a file named by a hash of its source; the
        # innermost frame may be in a function an earlier cell defined: take this cell's
        own = f"{murmur2_x86(cell.source, get_tmp_hash_seed())}.py"
        lines = [line for name, line in _CRASH_FRAME.findall(dump) if name == own]
        return [f"Cell In[{cell.execution_count}], line {lines[0]}"] if lines else []

    async def _interrupt_after(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
        await self.km.interrupt_kernel()

    async def evaluate(self, code: str, timeout: int = 120) -> str:
        """Run ``code`` outside the notebook (no cell, no history); what it printed."""
        printed: list[str] = []

        def hook(message: dict) -> None:
            if message["msg_type"] == "stream":
                printed.append(message["content"]["text"])
        await self.client.kc.execute_interactive(code, store_history=False, output_hook=hook,
                                                 timeout=timeout)
        return "".join(printed)


def _port_taken(exc: Exception, log: Path, since: int) -> bool:
    """Did the start fail because a port was taken (by a kernel started at that moment)?"""
    with open(log, "rb") as text:
        text.seek(since)
        logged = text.read().decode("utf-8", "replace")
    return any(PORT_TAKEN in text for text in (str(exc), logged))


def _stand_in(ename: str, evalue: str) -> dict:
    return {"output_type": "error", "ename": ename, "evalue": evalue, "traceback": []}
