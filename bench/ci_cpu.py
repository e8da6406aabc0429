"""Where a CI run's CPU goes: every process's CPU time, sampled each second, by kind.

    python bench/ci_cpu.py sample OUT.jsonl &     # then run `bash .ci/run`; kill it after
    python bench/ci_cpu.py report OUT.jsonl       # the kinds, per minute and in total

Each second it writes the machine's idle share and each live process's CPU seconds (own,
not children's); a process is labelled once, by its command line and two variables of its
environment (KERAS_BACKEND names a kernel's backend, PYTEST_XDIST_WORKER a test worker's
children). Start it before the run: a process already running counts with all its CPU in
its first minute. Processes that live under a second are missed, so the total is a little
under what `time` reports. Linux only (/proc); run as the user who runs CI, to read environments.
"""

from __future__ import annotations

import collections
import json
import os
import sys
import time
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
KINDS = ("kernel tensorflow", "kernel jax", "kernel torch", "kernel other", "chromium",
         "xdist worker", "installer", "other")


def label(pid: str) -> list[str] | None:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        env = dict(item.split(b"=", 1) for item in
                   Path(f"/proc/{pid}/environ").read_bytes().split(b"\0") if b"=" in item)
    except OSError:
        return None
    return [command[:300], env.get(b"KERAS_BACKEND", b"").decode()]


def cpu_seconds(pid: str) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def busy_and_total() -> tuple[int, int]:
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(values) - values[3] - values[4], sum(values)  # less idle and iowait


def sample(out: Path) -> None:
    seen: set[str] = set()
    before = busy_and_total()
    with out.open("w") as log:
        while True:
            time.sleep(1)
            now = busy_and_total()
            busy = (now[0] - before[0]) / max(1, now[1] - before[1])
            before, cpu = now, {}
            for pid in filter(str.isdigit, os.listdir("/proc")):
                try:
                    seconds = cpu_seconds(pid)
                except OSError:
                    continue
                if seconds and pid not in seen and (found := label(pid)):
                    seen.add(pid)
                    log.write(json.dumps({"pid": pid, "label": found}) + "\n")
                if pid in seen:
                    cpu[pid] = seconds
            log.write(json.dumps({"t": time.time(), "busy": busy, "cpu": cpu}) + "\n")
            log.flush()


def kind(command: str, backend: str) -> str:
    if "ipykernel" in command:
        return f"kernel {backend}" if backend in ("tensorflow", "jax", "torch") else "kernel other"
    if "chrom" in command:
        return "chromium"
    if "exec(eval(sys.stdin" in command:  # execnet: pytest-xdist's workers
        return "xdist worker"
    if " pip " in command or "/uv " in command or "npm" in command:
        return "installer"
    return "other"


def report(path: Path) -> None:
    labels, last, minutes, busy = {}, {}, collections.defaultdict(collections.Counter), []
    start = None
    for line in path.read_text().splitlines():
        row = json.loads(line)
        if "pid" in row:
            labels[row["pid"]] = kind(*row["label"])
            continue
        start = start or row["t"]
        busy.append(row["busy"])
        for pid, seconds in row["cpu"].items():
            minutes[int((row["t"] - start) // 60)][labels[pid]] += seconds - last.get(pid, 0)
            last[pid] = seconds
    print("minute " + " ".join(f"{k:>17}" for k in KINDS))
    for minute in sorted(minutes):
        print(f"{minute:6} " + " ".join(f"{minutes[minute][k]:17.1f}" for k in KINDS))
    totals = sum(minutes.values(), collections.Counter())
    print("total  " + " ".join(f"{totals[k]:17.1f}" for k in KINDS))
    print(f"{len(busy)} s sampled, cores busy {100 * sum(busy) / len(busy):.0f} % on average")


if __name__ == "__main__":
    {"sample": sample, "report": report}[sys.argv[1]](Path(sys.argv[2]))
