"""No process outlives the CLI: what the Pulumi CLI started ends within a second of the CLI going away.

The CLI starts the language host, which runs the program, and a dynamic-provider server (through a small
launcher script) per command. Killed with SIGKILL (a CI runner's timeout), the CLI cannot stop them: the
provider server and the launcher stay, and Pulumi's language host notices only at its next health check, five
minutes later. So the first process of this project that the CLI started (the program, or the provider server
of a `refresh`/`destroy`, the ones that import ``components``) starts one small watcher for that CLI: it notes
every process the CLI started, and when the CLI is gone it ends them all and leaves; when the CLI ends
normally, the watcher ends with it. Linux only (it reads /proc); elsewhere nothing is started.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLI_NAME = "pulumi"
INTERVAL = 0.25  # seconds between looks at the CLI


def _process(pid: int) -> tuple[int, str, str] | None:
    """(parent pid, executable name, start time) of a live process, or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        executable = os.path.basename(os.readlink(f"/proc/{pid}/exe"))
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return int(fields[1]), executable, fields[19]


def _children(pid: int) -> set[int]:
    """The live children of ``pid``, whichever of its threads started them (the CLI is a Go program)."""
    children: set[int] = set()
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                children.update(int(child) for child in (task / "children").read_text().split())
    except OSError:
        pass
    return children


def _descendants(pid: int) -> set[int]:
    """Every process under ``pid``, read while they are still its descendants."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in _children(todo.pop()) - found:
            found.add(child)
            todo.append(child)
    return found


def _the_cli() -> tuple[int, str] | None:
    """The Pulumi CLI among this process's ancestors: (pid, start time), or None."""
    pid = os.getppid()
    for _ in range(4):
        found = _process(pid) if pid > 1 else None
        if found is None:
            return None
        parent, executable, started = found
        if executable == CLI_NAME:
            return pid, started
        pid = parent
    return None


@functools.cache
def follow_the_cli() -> None:
    """If a Pulumi CLI started this process, make sure one watcher ends what it started when it is gone."""
    if not Path("/proc/self/stat").exists():
        return
    cli = _the_cli()
    if cli is None:
        return  # not started by the CLI (tests, flexctl, the Automation API's caller)
    marker = Path(tempfile.gettempdir()) / f"flex-pre-agent-lifeline-{cli[0]}-{cli[1]}"
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return  # another process of this command started it
    subprocess.Popen(
        [sys.executable, __file__, str(cli[0]), cli[1], str(marker)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )


def watch(cli: int, started: str, marker: Path) -> None:
    """Until the CLI is gone: note what it started; then end all of it."""
    started_by_cli: set[int] = set()
    try:
        while True:
            alive = _process(cli)
            if alive is None or alive[2] != started:
                break
            started_by_cli = _descendants(cli) - {os.getpid()}  # this watcher is one of them
            time.sleep(INTERVAL)
        for pid in started_by_cli:
            with contextlib.suppress(OSError):  # ended with the CLI, as it should
                os.kill(pid, signal.SIGKILL)
    finally:
        marker.unlink(missing_ok=True)


if __name__ == "__main__":
    watch(int(sys.argv[1]), sys.argv[2], Path(sys.argv[3]))
