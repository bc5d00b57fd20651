"""A real VS Code for the tests: code-server (VS Code served to a browser) with the extension
from editors/vscode installed, driven in headless Chromium over the DevTools protocol.

editors/vscode/ci/install-code-server.sh installs code-server into a cache folder outside the
repository and the extension's build tools into editors/vscode/node_modules; without them the
tests skip and say so, unless DPT_REQUIRE_VSCODE=1 (as in .ci/run), where they fail.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.summary.browser import Chromium

VERSION = "4.99.4"
EXTENSION = Path(__file__).parents[2] / "editors" / "vscode"
INSTALL = "editors/vscode/ci/install-code-server.sh"
SETTINGS = {
    "security.workspace.trust.enabled": False,
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": False,
    "extensions.ignoreRecommendations": True,
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "editor.quickSuggestions": {"other": "off", "comments": "off", "strings": "off"},
    "editor.wordBasedSuggestions": "off",
    "editor.autoClosingBrackets": "never",
    "editor.autoClosingQuotes": "never",
    "files.autoSave": "off",
}
"""User settings that keep VS Code quiet and predictable for a scripted session."""


class StepFailed(AssertionError):
    """A step of the VS Code session did not happen; the message names it."""


@contextlib.contextmanager
def step(name: str) -> Iterator[None]:
    """Name the step in any failure inside it."""
    try:
        yield
    except StepFailed:
        raise
    except AssertionError as exc:
        raise StepFailed(f"{name}: {exc}") from exc


def code_server_entry() -> Path:
    """code-server's entry script; skips (or fails under DPT_REQUIRE_VSCODE=1) without it."""
    cache = Path(os.environ.get("DPT_CI_CACHE")
                 or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dpt-ci")
    entry = cache / f"code-server-{VERSION}" / "node_modules" / "code-server" / "out" / "node"
    missing = [what for what, there in (
        ("node", shutil.which("node") is not None),
        (f"code-server {VERSION} in {entry.parents[3]}", (entry.parents[3] / ".complete").exists()),
        ("the extension's build tools (editors/vscode/node_modules)",
         (EXTENSION / "node_modules" / ".bin" / "vsce").exists()),
    ) if not there]
    if missing:
        reason = f"VS Code test needs {', '.join(missing)}: run {INSTALL}"
        if os.environ.get("DPT_REQUIRE_VSCODE") == "1":
            pytest.fail(reason + " (DPT_REQUIRE_VSCODE=1)")
        pytest.skip(reason)
    return entry / "entry.js"


def build_vsix(out: Path) -> Path:
    """Package the extension as a user would (`vsce package`, which type-checks it first)."""
    vsix = out / "dptelemetry.vsix"
    result = subprocess.run([str(EXTENSION / "node_modules" / ".bin" / "vsce"), "package",
                             "--out", str(vsix)], cwd=EXTENSION, capture_output=True,
                            text=True, timeout=300, check=False)
    if result.returncode != 0:
        raise StepFailed(f"build the .vsix: {result.stdout}{result.stderr}")
    return vsix


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class CodeServer:
    """A code-server with its own throw-away user data, extensions and config."""

    entry: Path
    root: Path
    env: Mapping[str, str]
    machine_settings: Mapping[str, Any]
    """Settings of the machine code-server runs on ("Remote" settings in VS Code's words),
    where machine-scoped settings such as `dpt.path` belong."""

    def __post_init__(self) -> None:
        self.user_data = self.root / "user-data"
        self.extensions = self.root / "extensions"
        for scope in ("User", "Machine"):
            (self.user_data / scope).mkdir(parents=True, exist_ok=True)
        (self.user_data / "User" / "settings.json").write_text(json.dumps(SETTINGS, indent=2))
        self.configure(**self.machine_settings)
        (self.root / "config.yaml").write_text("")
        self.full_env = {**os.environ, "XDG_CONFIG_HOME": str(self.root / "xdg-config"),
                         "XDG_DATA_HOME": str(self.root / "xdg-data"), **self.env}
        self.process: subprocess.Popen[bytes] | None = None
        self.log = self.root / "code-server.log"

    def configure(self, **settings: Any) -> None:
        """Write the machine settings (VS Code applies a change while it runs)."""
        (self.user_data / "Machine" / "settings.json").write_text(json.dumps(settings))

    def _argv(self, *args: str) -> list[str]:
        return ["node", str(self.entry), "--config", str(self.root / "config.yaml"),
                "--user-data-dir", str(self.user_data), "--extensions-dir",
                str(self.extensions), *args]

    def install(self, vsix: Path) -> None:
        result = subprocess.run(self._argv("--install-extension", str(vsix)), env=self.full_env,
                                capture_output=True, text=True, timeout=120, check=False)
        if result.returncode != 0 or "successfully installed" not in result.stdout:
            raise StepFailed(f"install the .vsix: {result.stdout}{result.stderr}")

    @contextlib.contextmanager
    def serving(self, folder: Path) -> Iterator[str]:
        """Serve `folder` on 127.0.0.1 with no auth; yields the URL that opens it."""
        port = _free_port()
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                self._argv("--auth", "none", "--bind-addr", f"127.0.0.1:{port}",
                           "--disable-telemetry", "--disable-update-check",
                           "--disable-workspace-trust", "--disable-getting-started-override",
                           str(folder)),
                env=self.full_env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        try:
            url = f"http://127.0.0.1:{port}/"
            wait_until("code-server answers", lambda: _answers(url + "healthz"), 60,
                       lambda: self.log.read_text(errors="replace")[-2000:])
            yield url + "?folder=" + folder.as_posix()
        finally:
            os.killpg(self.process.pid, 15)  # code-server and what it started: its own group
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait()

    def descendants(self, *argv_tail: str) -> list[int]:
        """Process ids of code-server's descendants whose command line ends with
        `argv_tail` (a script run through its #! interpreter has that in front)."""
        assert self.process is not None
        found: list[int] = []
        todo = [self.process.pid]
        while todo:
            pid = todo.pop()
            for task in Path(f"/proc/{pid}/task").glob("*"):
                with contextlib.suppress(OSError):
                    todo += [int(c) for c in (task / "children").read_text().split()]
            with contextlib.suppress(OSError):
                argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
                if argv.split("\0")[:-1][-len(argv_tail):] == list(argv_tail):
                    found.append(pid)
        return found


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def wait_until(step: str, check: Any, timeout: float, detail: Any = None) -> Any:
    """Poll `check()` until it returns something true; otherwise fail naming the step."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise StepFailed(f"{step}: not seen within {timeout:.0f} s"
                             + (f"\n{detail()}" if detail else ""))
        time.sleep(0.2)


# (key, code, Windows virtual key code) for the keys the session presses
_KEYS = {"Enter": ("Enter", "Enter", 13), "Escape": ("Escape", "Escape", 27),
         "Delete": ("Delete", "Delete", 46), "Home": ("Home", "Home", 36),
         "End": ("End", "End", 35), "ArrowDown": ("ArrowDown", "ArrowDown", 40),
         "ArrowRight": ("ArrowRight", "ArrowRight", 39), "F1": ("F1", "F1", 112)}
_MODIFIERS = {"Alt": 1, "Control": 2, "Meta": 4, "Shift": 8}


class Workbench:
    """One VS Code window in a Chromium tab."""

    def __init__(self, browser: Chromium, url: str, width: int = 1280,
                 height: int = 800) -> None:
        self.browser = browser
        target = browser.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = browser.call("Target.attachToTarget", targetId=target,
                                    flatten=True)["sessionId"]
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=False)
        self.call("Page.navigate", url=url)

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        return self.browser.call(method, self.session, **params)

    def evaluate(self, expression: str) -> Any:
        reply = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return reply.get("result", {}).get("value")

    def text(self, selector: str) -> str:
        """The visible text of every element matching `selector`, one per line (the
        editor's no-break spaces read as spaces)."""
        return str(self.evaluate(
            f"[...document.querySelectorAll({selector!r})].map(e => e.innerText).join('\\n')"
            ".replace(/\\u00a0/g, ' ')"))

    def press(self, chord: str) -> None:
        """Press a key with modifiers, e.g. "Control+Shift+K" or "End"."""
        *held, name = chord.split("+")
        modifiers = sum(_MODIFIERS[m] for m in held)
        if name in _KEYS:
            key, code, vk = _KEYS[name]
        else:  # a letter
            key, code, vk = name.lower(), f"Key{name.upper()}", ord(name.upper())
        for kind in ("rawKeyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", type=kind, key=key, code=code,
                      windowsVirtualKeyCode=vk, nativeVirtualKeyCode=vk, modifiers=modifiers)
            if kind == "rawKeyDown" and name == "Enter" and not held:
                self.call("Input.dispatchKeyEvent", type="char", text="\r", key="Enter",
                          modifiers=0)
        time.sleep(0.1)

    def type(self, text: str) -> None:
        """Type one character at a time, as a person does."""
        for char in text:
            self.call("Input.insertText", text=char)
            time.sleep(0.08)

    def fill(self, text: str) -> None:
        """Enter `text` at once, as an input method or a paste does."""
        self.call("Input.insertText", text=text)

    def wait_for(self, step: str, selector: str, contains: str, timeout: float = 30) -> str:
        """Wait until the text under `selector` contains `contains`; returns that text."""
        def seen() -> str | None:
            text = self.text(selector)
            return text if contains in text else None
        result: str = wait_until(step, seen, timeout,
                                 lambda: f"text under {selector}: {self.text(selector)!r}")
        return result

    def screenshot(self, path: Path) -> Path:
        shot = self.call("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def input_value(self) -> str | None:
        """What the open input box or pick holds; None while none is open."""
        value = self.evaluate("""(() => {
            const widget = document.querySelector('.quick-input-widget');
            if (!widget || widget.style.display === 'none') return null;
            return widget.querySelector('.quick-input-box input').value; })()""")
        return None if value is None else str(value)

    def palette(self, step: str, title: str) -> None:
        """Run a command from the command palette by its title."""
        self.press("F1")
        wait_until(f"{step}: the command palette opens", lambda: self.input_value() == ">", 30)
        self.fill(" " + title)
        self.wait_for(f"{step}: the palette lists '{title}'", ".quick-input-list", title)
        self.press("Enter")

    def answer(self, step: str, prompt: str, value: str, pick: bool = False) -> None:
        """Answer the input box or pick whose title or prompt shows `prompt`; for a pick,
        wait until the list offers `value` before choosing it."""
        self.wait_for(f"{step}: the prompt '{prompt}' shows", ".quick-input-widget", prompt)
        wait_until(f"{step}: the prompt '{prompt}' is empty", lambda: self.input_value() == "",
                   30)
        if value:
            self.fill(value)
        wait_until(f"{step}: the prompt '{prompt}' holds '{value}'",
                   lambda: self.input_value() == value, 30)
        if pick:
            self.wait_for(f"{step}: the list offers '{value}'", ".quick-input-list", value)
        self.press("Enter")
