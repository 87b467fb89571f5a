"""Running one command and measuring it: wall time, CPU time, peak memory of its process tree.

Wall time is what a person waits for, but on a shared machine it also counts other people's
work; the CPU time of the command and all its descendants (getrusage of waited-for children)
is the figure to compare when the machine is busy. Memory is measured two ways: the largest
single process (ru_maxrss, what the kernel records) and the whole tree at once, sampled from
/proc: the sum of every descendant's RSS (shared pages, such as Python's and TeX's libraries,
counted once per process: an upper bound) and of its PSS (each shared page divided among the
processes that map it, from /proc/PID/smaps_rollup: what the tree holds; a process whose PSS
cannot be read counts with its RSS).
"""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
SAMPLE_SECONDS = 0.2


@dataclass
class Run:
    """What one command cost."""

    command: list[str]
    returncode: int
    wall: float                # seconds, start to exit
    cpu: float                 # seconds of user + system time, the command and its descendants
    peak_tree_rss: int         # bytes, the most the whole process tree held at one sample (RSS)
    log: str = ""              # where its output went
    extra: dict[str, Any] = field(default_factory=dict)  # what each measurement adds (statuses, steps)
    peak_tree_pss: int = 0     # bytes, the same by PSS

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def as_dict(self) -> dict[str, object]:
        return {"command": self.command, "returncode": self.returncode, "wall_s": round(self.wall, 3),
                "cpu_s": round(self.cpu, 3), "peak_tree_rss_mib": round(self.peak_tree_rss / 2**20, 1),
                "peak_tree_pss_mib": round(self.peak_tree_pss / 2**20, 1), "log": self.log, **self.extra}


def _process_table() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, resident bytes) for every process we can read."""
    table: dict[int, tuple[int, int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                raw = handle.read()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: the fields start after the last ')'.
        fields = raw[raw.rfind(b")") + 2:].split()
        try:
            table[int(name)] = (int(fields[1]), int(fields[21]) * PAGE_SIZE)
        except (IndexError, ValueError):
            continue
    return table


def _pss(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def tree_memory(root: int) -> tuple[int, int]:
    """(RSS, PSS) in bytes of `root` and all its descendants right now."""
    table = _process_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    rss = pss = 0
    todo = [root]
    while todo:
        pid = todo.pop()
        if pid in table:
            rss += table[pid][1]
            proportional = _pss(pid)
            pss += table[pid][1] if proportional is None else proportional
        todo.extend(children.get(pid, ()))
    return rss, pss


class _Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = self.peak_pss = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            rss, pss = tree_memory(self.pid)
            self.peak, self.peak_pss = max(self.peak, rss), max(self.peak_pss, pss)
            self.stop.wait(SAMPLE_SECONDS)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def max_rss_bytes() -> dict[str, int]:
    """ru_maxrss of this process and of its largest waited-for descendant (Linux: KiB)."""
    return {"self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
            "children": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024}


def run(command: Sequence[str], *, cwd: Path, env: Mapping[str, str], log: Path,
        timeout: float | None = None) -> Run:
    """Run `command` to its end, output to `log`, and measure it."""
    log.parent.mkdir(parents=True, exist_ok=True)
    cpu_before = children_cpu()
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(list(command), cwd=cwd, env=dict(env), stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
        sampler = _Sampler(process.pid)
        sampler.start()
        try:
            returncode = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            returncode = process.wait()
            out.write(f"\n[benchmark] killed after {timeout:g} s\n".encode())
        finally:
            sampler.stop.set()
            sampler.join()
    wall = time.perf_counter() - started
    return Run(command=list(command), returncode=returncode, wall=wall, cpu=children_cpu() - cpu_before,
               peak_tree_rss=sampler.peak, peak_tree_pss=sampler.peak_pss, log=str(log),
               extra={"load_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)]})


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]
