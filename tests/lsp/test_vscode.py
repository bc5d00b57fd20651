"""A real VS Code (code-server, in headless Chromium) with the extension from editors/vscode,
built into a .vsix and installed as a user would: it starts `dpt lsp`, records what is typed,
runs the palette commands, restarts a server that dies and says when `dpt` is missing."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from tests.summary.browser import Chromium

from .codeserver import (
    CodeServer,
    Workbench,
    build_vsix,
    code_server_entry,
    step,
    wait_until,
)
from .editors import EACH_CHANGE, EDITED, TEXT, edit_counts
from .lspclient import stored

NOTIFICATIONS = ".notifications-toasts"
STATUS_PROGRESS = "#status\\.progress"
GOAL = "Bowling kata in VS Code"


def test_vscode_extension_records_typing_and_runs_the_palette_commands(
        dpt_home: Path, tmp_path: Path) -> None:
    entry = code_server_entry()
    repo = tmp_path / "kata"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    source = repo / "kata.py"
    source.write_text(TEXT)
    vsix = build_vsix(tmp_path)
    # VS Code takes PATH from a login shell, so the `dpt` installed with the tests' Python
    # is named in the setting the README suggests for that case.
    dpt = Path(sys.executable).parent / "dpt"
    server = CodeServer(entry, tmp_path / "code-server", env={"DPT_HOME": str(dpt_home)},
                        machine_settings={"dpt.path": str(dpt)})
    server.install(vsix)
    shots = tmp_path / "screenshots"
    shots.mkdir()
    print(f"VS Code screenshots: {shots}; code-server's log: {server.log}")
    browser = Chromium(tmp_path / "chromium-profile")
    try:
        with server.serving(repo) as url:
            page = Workbench(browser, url)
            try:
                run_session(page, server, source, dpt_home, shots)
            except AssertionError:  # StepFailed too
                page.screenshot(shots / "failed.png")
                raise
    finally:
        browser.close()


def run_session(page: Workbench, server: CodeServer, source: Path, home: Path,
                shots: Path) -> None:
    wait_until("the extension starts dpt lsp", lambda: stored(home, "lsp_start"), 90)
    page.wait_for("the workbench shows the folder", ".monaco-workbench", "KATA")
    with step("open, type, delete and save kata.py"):
        edit_and_save(page, source, home)
    with step("the goal commands"):
        goal_commands(page, home, shots)
    with step("open today's summary"):  # its tab takes the keyboard: no typing after it
        open_the_summary(page, server)
    with step("restart a dead server, then miss dpt"):
        restart_and_missing_dpt(page, server, home)


def edit_and_save(page: Workbench, source: Path, home: Path) -> None:
    """Open, type " typed" at the end of line 1, delete "second " on line 2, delete line 1,
    save: what the other editors' sessions do (tests/lsp/editors.py)."""
    page.press("Control+P")
    page.answer("open kata.py", "", "kata.py", pick=True)
    page.wait_for("kata.py is open in an editor", ".monaco-editor .view-lines", "second line")
    wait_until("the server records the open", lambda: stored(home, "open"), 30)
    page.press("Control+Home")
    page.press("End")
    page.type(" typed")
    page.press("ArrowDown")
    page.press("Home")
    for _ in "second ":
        page.press("Shift+ArrowRight")
    page.press("Delete")
    page.press("Control+Home")
    page.press("Control+Shift+K")
    page.press("Control+S")
    wait_until("the file is saved", lambda: source.read_text() == EDITED, 30,
               lambda: repr(source.read_text()))
    wait_until("the server records the save", lambda: stored(home, "save"), 30)

    [start] = stored(home, "lsp_start")
    assert start.payload["client"] == "code-server"
    [opened] = stored(home, "open")
    assert (opened.repo, opened.path) == (str(source.parent), "kata.py")
    assert opened.payload == {"language": "python", "lines": 4}
    assert edit_counts(stored(home, "edit")) == EACH_CHANGE
    [saved] = stored(home, "save")
    assert (saved.repo, saved.path) == (opened.repo, opened.path)


def goal_commands(page: Workbench, home: Path, shots: Path) -> None:
    """Start a goal, see it in the status bar, show the session, log a stuck moment, end the
    goal, ask for the next attempt of a drill: each through the palette and its prompts."""
    page.palette("start a goal", "dptelemetry: Start a practice goal")
    page.answer("start a goal", "What will you practise?", GOAL)
    page.answer("start a goal", "Time box", "25m")
    page.wait_for("start a goal: the server's answer shows", NOTIFICATIONS,
                  f"Started '{GOAL}' with a 25m time box.")
    [goal] = stored(home, "goal_start")
    assert (goal.source, goal.payload) == ("lsp", {"title": GOAL, "timebox_s": 1500.0})
    status_bar_shows_the_goal(page, shots)
    show_the_session(page)

    page.palette("log a stuck moment", "dptelemetry: Log a stuck moment")
    page.answer("log a stuck moment", "What were you trying to do?", "mock the clock")
    page.answer("log a stuck moment", "first impulse", "search", pick=True)
    page.wait_for("log a stuck moment: the answer shows", NOTIFICATIONS,
                  "Stuck moment logged (first impulse: search).")
    [stuck] = stored(home, "stuck")
    assert (stuck.goal_id, stuck.payload) == (goal.id, {"text": "mock the clock",
                                                        "impulse": "search"})

    page.palette("end the goal", "dptelemetry: End the practice goal")
    page.answer("end the goal", "how did it go?", "7", pick=True)
    page.answer("end the goal", "A note for later", "clock mocked")
    page.wait_for("end the goal: the answer shows", NOTIFICATIONS, ", rated 7/10.")
    [ended] = stored(home, "goal_end")
    assert (ended.goal_id, ended.payload) == (goal.id, {"rating": 7, "note": "clock mocked",
                                                        "reason": "ended"})

    # a drill attempt made in a terminal, then the next one from the palette
    env = {**os.environ, "DPT_HOME": str(home)}
    for args in (["goal", "start", "Roman numerals", "--drill", "roman", "--timebox", "30m"],
                 ["goal", "end", "--rating", "8"]):
        subprocess.run([sys.executable, "-m", "dptelemetry", *args], env=env, check=True,
                       capture_output=True)
    page.palette("next attempt of a drill", "dptelemetry: Start the next attempt of a drill")
    page.answer("next attempt of a drill", "Drill name", "roman")
    page.wait_for("next attempt of a drill: the server's answer shows", NOTIFICATIONS,
                  "Attempt 2 of drill 'roman'.")
    attempt = stored(home, "goal_start")[-1]
    assert (attempt.source, attempt.payload["drill"], attempt.payload["title"]) == (
        "lsp", "roman", "Roman numerals")


def status_bar_shows_the_goal(page: Workbench, shots: Path) -> None:
    """The server's work-done progress, drawn by the language client in the status bar as
    "TITLE: 25m left"."""
    page.wait_for("the status bar shows the goal and its time left", STATUS_PROGRESS,
                  f"{GOAL}: ")
    assert re.search(rf"{re.escape(GOAL)}: 2[45]m left", page.text(STATUS_PROGRESS))
    page.screenshot(shots / "status-bar.png")


def show_the_session(page: Workbench) -> None:
    page.palette("show the session", "dptelemetry: Show the session so far")
    page.wait_for("show the session: the server's answer shows", ".monaco-dialog-box", GOAL)
    page.press("Escape")


def open_the_summary(page: Workbench, server: CodeServer) -> None:
    page.palette("open today's summary", "dptelemetry: Open today's summary")
    page.wait_for("open today's summary: its tab opens", ".tabs-container", "Today's practice")
    report = (server.user_data / "User" / "globalStorage" / "dptelemetry.dptelemetry"
              / "summary.html")
    assert GOAL in report.read_text()


def restart_and_missing_dpt(page: Workbench, server: CodeServer, home: Path) -> None:
    """A server that dies is started again; a `dpt.path` that names nothing is said."""
    [pid] = server.descendants(server.machine_settings["dpt.path"], "lsp")
    os.kill(pid, signal.SIGKILL)
    wait_until("a killed dpt lsp is restarted", lambda: len(stored(home, "lsp_start")) == 2,
               60)
    wait_until("the restarted server is told of the open file",
               lambda: len(stored(home, "open")) == 2, 30)

    server.configure(**{"dpt.path": "/nowhere/dpt"})
    page.wait_for("a dpt.path that names nothing is said", NOTIFICATIONS,
                  'cannot find the program dpt at "/nowhere/dpt"')
    wait_until("the old server is stopped", lambda: stored(home, "lsp_stop"), 30)
