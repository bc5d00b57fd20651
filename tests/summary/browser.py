"""Headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`:
the browser reads commands on fd 3 and writes replies and events on fd 4, each message JSON
ended by a NUL byte). Standard library only; it records console messages, uncaught
exceptions, log errors and every network request a page makes."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--remote-debugging-pipe")


def chromium_path() -> str:
    """The chromium executable; skips without it unless DPT_REQUIRE_BROWSER is set."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        reason = "chromium is not installed (Debian package `chromium`)"
        if os.environ.get("DPT_REQUIRE_BROWSER"):
            pytest.fail(reason + " and DPT_REQUIRE_BROWSER is set")
        pytest.skip(reason)
    return found


@dataclass
class PageVisit:
    console: list[tuple[str, str]] = field(default_factory=list)
    """(type, text) of console calls."""
    exceptions: list[str] = field(default_factory=list)
    log_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    screenshot: bytes = b""
    figures: list[dict[str, Any]] = field(default_factory=list)
    """Each chart's section id and its box in page pixels."""

    @property
    def errors(self) -> list[str]:
        return ([f"console.{kind}: {text}" for kind, text in self.console
                 if kind in ("error", "assert", "warning")]
                + self.exceptions + self.log_errors)


class Chromium:
    def __init__(self, profile: Path, timeout: float = 60.0) -> None:
        # The shell hands our pipes to the browser as fds 3 and 4, then points its own
        # stdin and stdout at /dev/null.
        self.process = subprocess.Popen(
            ["/bin/sh", "-c", 'exec "$0" "$@" 3<&0 4>&1 0</dev/null 1>/dev/null',
             chromium_path(), *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert self.process.stdin is not None and self.process.stdout is not None
        self._commands = self.process.stdin.fileno()
        self._replies = self.process.stdout.fileno()
        self.timeout = timeout
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []

    def close(self) -> None:
        with contextlib.suppress(OSError, TimeoutError):
            self.call("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()

    def _read(self) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._replies], [], [], left)[0]:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self._replies, 1 << 20)
            if not chunk:
                raise OSError("chromium closed the pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        data: dict[str, Any] = json.loads(message)
        return data

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        command: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            command["sessionId"] = session
        os.write(self._commands, json.dumps(command).encode() + b"\0")
        while True:
            message = self._read()
            if message.get("id") == self._next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            self._events.append(message)

    def wait_for(self, method: str) -> None:
        while not any(e.get("method") == method for e in self._events):
            self._events.append(self._read())

    def visit(self, url: str, width: int = 1100) -> PageVisit:
        """Load `url`, let it settle, and take a full-page screenshot."""
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session)
        self.call("Emulation.setDeviceMetricsOverride", session, width=width, height=800,
                  deviceScaleFactor=1, mobile=False)
        self._events.clear()
        self.call("Page.navigate", session, url=url)
        self.wait_for("Page.loadEventFired")
        metrics = self.call("Runtime.evaluate", session, returnByValue=True,
                            expression="document.documentElement.scrollHeight")
        height = int(metrics["result"]["value"])
        self.call("Emulation.setDeviceMetricsOverride", session, width=width, height=height,
                  deviceScaleFactor=1, mobile=False)
        figures = self.call("Runtime.evaluate", session, returnByValue=True, expression="""
            JSON.stringify([...document.querySelectorAll('figure svg')].map(svg => {
              const r = svg.getBoundingClientRect();
              return {section: svg.closest('section').id, x: r.x, y: r.y + window.scrollY,
                      width: r.width, height: r.height};
            }))""")
        shot = self.call("Page.captureScreenshot", session, format="png",
                         captureBeyondViewport=True)
        visit = PageVisit(screenshot=base64.b64decode(shot["data"]),
                          figures=json.loads(figures["result"]["value"]))
        for event in self._events:
            params = event.get("params", {})
            method = event.get("method")
            if method == "Runtime.consoleAPICalled":
                text = " ".join(str(a.get("value", a.get("description", "")))
                                for a in params.get("args", []))
                visit.console.append((params.get("type", ""), text))
            elif method == "Runtime.exceptionThrown":
                visit.exceptions.append(str(params.get("exceptionDetails", {}).get("text")))
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                visit.log_errors.append(f"{params['entry'].get('source')}: "
                                        f"{params['entry'].get('text')} "
                                        f"{params['entry'].get('url', '')}")
            elif method == "Network.requestWillBeSent":
                visit.requests.append(params["request"]["url"])
        self.call("Target.closeTarget", targetId=target)
        return visit
