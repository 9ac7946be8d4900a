"""Peak memory and CPU time of every process a Pulumi command starts, by role, sampled from /proc while it runs.

Each sample walks the descendants of this process and keeps, per process, the kernel's own peak resident size
(``VmHWM``, so a peak between two samples is not missed, only a process that lives less than one interval) and
the CPU time it has used so far (user + system; what a process uses in its last interval before it exits is
not seen, so CPU times are slightly low).
Roles: ``cli`` (the Go ``pulumi`` binary), ``program`` (the Python program and its language host),
``provider`` (``python -m pulumi.dynamic``, the dynamic providers' server), ``other``.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

INTERVAL = 0.2


def role(cmdline: list[str]) -> str:
    text = " ".join(cmdline)
    if "pulumi.dynamic" in text or "pulumi-resource-pulumi-python" in text:
        return "provider"
    if "language" in text or "__main__" in text or "program" in text:
        return "program"
    if cmdline and Path(cmdline[0]).name == "pulumi":
        return "cli"
    return "other"


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rpartition(")")[2].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    return children


_TICKS = os.sysconf("SC_CLK_TCK")


def _usage(pid: int) -> tuple[int, float, list[str]] | None:
    """The process's peak resident size (KiB), CPU seconds so far and command line, or None when it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()
    cpu = (int(fields[11]) + int(fields[12])) / _TICKS  # utime and stime: fields 14 and 15 of proc(5)
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]), cpu, [part for part in cmdline if part]
    return None


@dataclass
class PeakMemory:
    """A context manager that samples descendants' peak RSS; ``by_role`` holds the largest per role (MiB)."""

    peaks: dict[int, tuple[str, int]] = field(default_factory=dict)
    cpu: dict[int, float] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> PeakMemory:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        me = os.getpid()
        while True:
            self.sample(me)
            if self._stop.wait(INTERVAL):
                return

    def sample(self, root: int) -> None:
        children = _children_map()
        pending = list(children.get(root, []))
        while pending:
            pid = pending.pop()
            pending.extend(children.get(pid, []))
            found = _usage(pid)
            if found is not None:
                kib, cpu, cmdline = found
                previous = self.peaks.get(pid, ("", 0))[1]
                self.peaks[pid] = (role(cmdline), max(kib, previous))
                self.cpu[pid] = cpu

    @property
    def by_role(self) -> dict[str, float]:
        """The largest peak of any one process of each role, in MiB."""
        roles: dict[str, float] = {}
        for name, kib in self.peaks.values():
            roles[name] = max(roles.get(name, 0.0), kib / 1024)
        return roles

    @property
    def cpu_by_role(self) -> dict[str, float]:
        """CPU seconds used by all the processes of each role (a command's whole run, if sampled throughout)."""
        roles: dict[str, float] = {}
        for pid, seconds in self.cpu.items():
            name = self.peaks[pid][0]
            roles[name] = roles.get(name, 0.0) + seconds
        return roles
