"""Open a page in headless Chromium over the DevTools pipe (no network, no extra package) and inspect it.

Chromium reads DevTools commands from fd 3 and writes answers and events to fd 4, each message a JSON
object followed by a NUL byte (``--remote-debugging-pipe``).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ANSWER_WITHIN = 60
"""Seconds Chromium may stay silent before the page check gives up (a hung browser fails, never hangs)."""
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--remote-debugging-pipe",
)


@dataclass
class PageReport:
    """What a page showed: console errors, uncaught exceptions, and the result of an expression."""

    errors: list[str] = field(default_factory=list)
    value: Any = None


class Browser:
    """One headless Chromium, driven through its DevTools pipe; use as a context manager."""

    def __init__(self) -> None:
        if CHROMIUM is None:
            raise RuntimeError("chromium is not installed; run `make` (tools/debian-packages.txt installs it)")
        self._profile = tempfile.TemporaryDirectory(prefix="flexctl-chromium-")
        to_child, self._write = os.pipe()
        self._read, from_child = os.pipe()

        def wire_pipes() -> None:  # in the child: fd 3 = commands in, fd 4 = answers out
            commands, answers = (fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_child, from_child))
            os.dup2(commands, 3)
            os.dup2(answers, 4)

        # preexec_fn: the test process starts no threads before this, and the pipes must land on fds 3 and 4.
        self._process = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={self._profile.name}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=wire_pipes, pass_fds=(3, 4),  # noqa: PLW1509
        )
        os.close(to_child)
        os.close(from_child)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *_: object) -> None:
        try:
            self.send("Browser.close")
        except (OSError, RuntimeError):
            self._process.kill()
        self._process.wait(timeout=30)
        os.close(self._write)
        os.close(self._read)
        self._profile.cleanup()

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send one command and return its result, keeping the events that arrive meanwhile."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._receive()
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                result: dict[str, Any] = answer.get("result", {})
                return result
            self.events.append(answer)

    def wait_for(self, method: str, session: str) -> dict[str, Any]:
        """Block until the event ``method`` of ``session`` arrives (events are answers to our own navigation)."""
        while True:
            for event in self.events:
                if event.get("method") == method and event.get("sessionId") == session:
                    self.events.remove(event)
                    return event
            self.events.append(self._receive())

    def _receive(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._read], [], [], ANSWER_WITHIN)
            if not ready:
                raise RuntimeError(f"chromium sent nothing for {ANSWER_WITHIN}s over its DevTools pipe")
            chunk = os.read(self._read, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed its DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        decoded: dict[str, Any] = json.loads(raw)
        return decoded

    def open(self, path: Path, expression: str) -> PageReport:
        """Load ``path``, then evaluate ``expression`` (JSON-serializable result); report console errors too."""
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable", session)
        self.send("Page.navigate", session, url=path.resolve().as_uri())
        self.wait_for("Page.loadEventFired", session)
        value = self.send("Runtime.evaluate", session, expression=expression, returnByValue=True)["result"].get("value")
        report = PageReport(value=value)
        for event in self.events:
            if event.get("sessionId") != session:
                continue
            params = event.get("params", {})
            if event.get("method") == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                report.errors.append(" ".join(str(arg.get("value", arg.get("description"))) for arg in params["args"]))
            elif event.get("method") == "Runtime.exceptionThrown":
                report.errors.append(params["exceptionDetails"].get("text", "exception"))
            elif event.get("method") == "Log.entryAdded" and params["entry"].get("level") == "error":
                report.errors.append(params["entry"].get("text", ""))
        return report

    def screenshot(self, path: Path, png: Path, width: int = 1400, height: int = 900) -> dict[str, Any]:
        """Load ``path`` in a ``width`` x ``height`` window, save the whole page as ``png``; the page's geometry.

        The geometry: ``scrollWidth`` (wider than ``width`` means the page scrolls sideways) and, per diagram
        frame, its client and scroll widths and heights (a scroll size beyond the client size scrolls inside
        the frame, where nothing is cut off).
        """
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.send("Page.enable", session)
        self.send("Emulation.setDeviceMetricsOverride", session, width=width, height=height, deviceScaleFactor=1,
                  mobile=False)
        self.send("Page.navigate", session, url=path.resolve().as_uri())
        self.wait_for("Page.loadEventFired", session)
        geometry = self.send("Runtime.evaluate", session, returnByValue=True, expression=GEOMETRY)["result"]["value"]
        shot = self.send("Page.captureScreenshot", session, format="png", captureBeyondViewport=True)
        png.write_bytes(base64.b64decode(shot["data"]))
        result: dict[str, Any] = geometry
        return result


GEOMETRY = """({
  scrollWidth: document.documentElement.scrollWidth,
  frames: [...document.querySelectorAll('.diagram')].map(frame => ({
    clientWidth: frame.clientWidth, scrollWidth: frame.scrollWidth,
    clientHeight: frame.clientHeight, scrollHeight: frame.scrollHeight,
    svgWidth: frame.querySelector('svg') ? frame.querySelector('svg').getBoundingClientRect().width : 0,
  })),
})"""
