"""Live feedback through a real client over stdio: the goal's time box as work-done progress,
the box-over message, strain nudges, `dpt.session`.

Goals are started and ended with the real CLI as a subprocess, red runs are real pytest
sessions (the plugin records them from its own process). Times stay short: a time box of a
few seconds, a clock offset for a box that ran out before the server started, and thresholds
of a few seconds in the config for stuck moments; the minute-scale rules (one report a
minute, the nudge interval) and how soon a goal shows (the next tick of the feedback thread,
every second) are tested with a controlled clock in test_feedback_units.py.

Nothing here measures time. Where a test says something did *not* happen, it first waits for
a sign that the feedback thread got that far (`ticks_done`, `seen_by_the_server`): ticks run
one at a time, so a tick seen to start means every earlier one is over.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import RunDpt
from dptelemetry_plugins.stuck_stretches import PAUSE_AFTER_RED_TRY
from lsprotocol import types
from pytest_lsp import LanguageClient

from dptelemetry.goal_file import ACTIVE_GOAL_FILE, read_active_goal_file
from dptelemetry.private_files import write_private_atomic

from .lspclient import change, command, edit, flush, initialize, open_document, stored


async def until(check: Callable[[], Any], timeout: float = 15.0) -> Any:
    """Wait (without blocking the client) until `check()` is truthy; return its value."""
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)
    return found


def kinds(client: LanguageClient) -> dict[str, list[str]]:
    return {token: [v.kind for v in values] for token, values in client.progress_reports.items()}


def begun(client: LanguageClient) -> list[types.WorkDoneProgressBegin]:
    return [v for values in client.progress_reports.values() for v in values
            if isinstance(v, types.WorkDoneProgressBegin)]


async def cli(run_dpt: RunDpt, *args: str, **env: str) -> str:
    result = await asyncio.to_thread(run_dpt, *args, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def progress_values(client: LanguageClient) -> int:
    return sum(len(values) for values in client.progress_reports.values())


async def ticks_done(client: LanguageClient, home: Path) -> None:
    """Wait until a tick of the feedback thread that began after this call has run, and the
    tick before it is over. A tick's sign: a progress report for the active goal, which it
    sends when the goal file changed, here by an edit of the title (the same goal: its time
    box is checked as before). Needs an active goal shown to the client as progress."""
    path = home / ACTIVE_GOAL_FILE
    for _ in range(2):  # the second report: the tick of the first is over
        wanted = progress_values(client) + 1
        lines = path.read_text(encoding="utf-8").splitlines()
        write_private_atomic(path, "\n".join([lines[0] + ".", *lines[1:]]) + "\n")
        await until(lambda: progress_values(client) >= wanted)  # noqa: B023 (awaited here)


async def seen_by_the_server(client: LanguageClient, run_dpt: RunDpt, home: Path, uri: str,
                             *start: str, **env: str) -> str:
    """Start a goal from the terminal (`start`: the arguments of `dpt goal start`) and wait
    until the server has it: a feedback tick read `active-goal`, so what is typed in `uri`
    from then on carries it. Returns what the CLI said."""
    said = await cli(run_dpt, "goal", "start", *start, **env)
    goal = read_active_goal_file(home)
    assert goal is not None
    deadline = time.monotonic() + 15
    while True:
        change(client, uri, edit(0, 0, 0, 0, "x"))
        await flush(client)
        if stored(home, "edit")[-1].goal_id == goal.goal_id:
            return said
        assert time.monotonic() < deadline, "the server never saw the goal"
        await asyncio.sleep(0.05)


async def test_a_goal_from_the_terminal_shows_as_progress_and_ends_with_it(
    client: LanguageClient, run_dpt: RunDpt
) -> None:
    await initialize(client)  # Neovim's capabilities: window.workDoneProgress
    await cli(run_dpt, "goal", "start", "Bowling kata", "--timebox", "30m")
    [begin] = await until(lambda: begun(client))
    assert (begin.title, begin.message, begin.percentage) == ("Bowling kata", "30m left", 0)
    assert begin.cancellable is False
    [token] = client.progress_reports

    await cli(run_dpt, "goal", "end", "--rating", "6")
    await until(lambda: kinds(client)[token][-1] == "end")
    assert kinds(client) == {token: ["begin", "end"]}
    assert client.messages == []  # the box did not run out: nothing to say


async def test_a_goal_switched_from_the_terminal_shows(
    client: LanguageClient, run_dpt: RunDpt
) -> None:
    await initialize(client)
    await cli(run_dpt, "goal", "start", "first")
    await until(lambda: begun(client))
    await cli(run_dpt, "goal", "start", "second", "--timebox", "1h")
    await until(lambda: len(begun(client)) == 2)
    first, second = client.progress_reports
    assert kinds(client) == {first: ["begin", "end"], second: ["begin"]}
    assert [b.title for b in begun(client)] == ["first", "second"]
    assert begun(client)[0].message.endswith("s")  # no box: the time so far
    assert begun(client)[1].message == "1h00m left"


async def test_a_client_without_work_done_progress_gets_none_and_no_error(
    client: LanguageClient, run_dpt: RunDpt, dpt_home: Path, tmp_path: Path
) -> None:
    await client.initialize_session(types.InitializeParams(
        capabilities=types.ClientCapabilities()))
    uri = (tmp_path / "quiet.py").as_uri()
    open_document(client, uri, "\n")
    await seen_by_the_server(client, run_dpt, dpt_home, uri, "quiet", "--timebox", "30m")
    await seen_by_the_server(client, run_dpt, dpt_home, uri, "quieter")  # "quiet"'s tick is over
    assert (await flush(client))["spooled"] == 0  # still recording
    assert client.progress_reports == {}
    assert client.messages == [] and client.log_messages == []


async def test_the_box_running_out_is_said_once_naming_goal_box_and_how_to_end(
    client: LanguageClient, run_dpt: RunDpt, dpt_home: Path
) -> None:
    await initialize(client)
    # a 1-minute box (the shortest) started 58 s ago by the clock: it runs out in 2 s
    await cli(run_dpt, "goal", "start", "Bowling kata", "--timebox", "1m",
              DPT_CLOCK_OFFSET="-58")
    [message] = await until(lambda: client.messages)
    assert message.type == types.MessageType.Info
    assert message.message.startswith("Time box over: 'Bowling kata' has run ")
    assert "of its 1m box" in message.message
    assert "`dpt goal end --rating 1-10`" in message.message and "dpt.goal.end" in message.message
    await ticks_done(client, dpt_home)
    assert len(client.messages) == 1  # once per goal and editor session
    assert re.fullmatch(r"\d+s (left|over)", begun(client)[0].message)  # the box in seconds


@pytest.fixture
def goal_over_before_the_server(run_dpt: RunDpt) -> None:
    """A 30-minute goal started an hour ago (by the clock), before the server starts."""
    result = run_dpt("goal", "start", "Old kata", "--timebox", "30m",
                     env={"DPT_CLOCK_OFFSET": "-3600"})
    assert result.returncode == 0, result.stderr


async def test_a_server_started_after_the_box_ran_out_says_it_once_at_start(
    goal_over_before_the_server: None, client: LanguageClient, dpt_home: Path
) -> None:
    await initialize(client)
    [message] = await until(lambda: client.messages)
    assert "'Old kata' has run 1h00m of its 30m box" in message.message
    [begin] = begun(client)
    assert (begin.message, begin.percentage) == ("30m over", 100)
    await ticks_done(client, dpt_home)
    assert len(client.messages) == 1


@pytest.mark.parametrize("where", ["config", "initializationOptions"])
async def test_feedback_turned_off_leaves_the_editor_as_quiet_as_before(
    client: LanguageClient, run_dpt: RunDpt, dpt_home: Path, tmp_path: Path, where: str
) -> None:
    off = {"progress": False, "timebox_message": False, "nudges": False}
    if where == "config":
        (tmp_path / "dpt-config.toml").write_text(
            "[feedback]\n" + "".join(f"{k} = false\n" for k in off))
    await initialize(client, options={"feedback": off} if where != "config" else None)
    uri = (tmp_path / "kata.py").as_uri()
    open_document(client, uri, "\n")
    await flush(client)  # `initialized` is handled: the feedback would speak from now on
    # a 30-minute box started an hour ago (by the clock): said at once, were feedback on
    await seen_by_the_server(client, run_dpt, dpt_home, uri, "Old kata", "--timebox", "30m",
                             DPT_CLOCK_OFFSET="-3600")
    said = await seen_by_the_server(client, run_dpt, dpt_home, uri, "Next kata")
    assert "Ended 'Old kata' after 1h00m (unrated)." in said  # its tick is over
    assert client.progress_reports == {} and client.messages == []
    assert (await command(client, "dpt.goal.end")).startswith("Ended 'Next kata' after ")


RED_TEST = "def test_bowling():\n    assert 1 + 1 == 3\n"
FAST_THRESHOLDS = ('[thresholds]\nburst_gap = "0.1s"\nmedium_pause = "0.5s"\n'
                   'long_pause = "2s"\nidle_timeout = "2m"\n')


def red_pytest_run(project: Path, home: Path) -> None:
    """A real pytest session that fails, recorded by the plugin's own recorder process."""
    project.mkdir(exist_ok=True)
    (project / "test_kata.py").write_text(RED_TEST)
    before = len(stored(home, "test_run"))
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                            cwd=project, capture_output=True, text=True, timeout=120,
                            check=False)
    assert result.returncode == 1, result.stdout
    deadline = time.monotonic() + 30
    while len(stored(home, "test_run")) == before:
        assert time.monotonic() < deadline, "the pytest plugin recorded nothing"
        time.sleep(0.1)


async def started_and_shown(client: LanguageClient, run_dpt: RunDpt, title: str) -> None:
    """A goal started from the terminal, once the client shows it (`ticks_done` needs one)."""
    before = len(begun(client))
    await cli(run_dpt, "goal", "start", title)
    await until(lambda: len(begun(client)) > before)


STUCK_DUE = 5.0
"""Seconds after a red run by which a stuck nudge is due: the 2 s of silence the test's
thresholds ask, plus the 2 s between the server's reads of test runs, plus a tick."""


async def test_silence_after_a_red_run_gets_one_nudge_with_the_summarys_suggestion(
    client: LanguageClient, dpt_home: Path, tmp_path: Path, run_dpt: RunDpt
) -> None:
    (tmp_path / "dpt-config.toml").write_text(FAST_THRESHOLDS)
    await initialize(client)
    await started_and_shown(client, run_dpt, "Bowling kata")
    await asyncio.to_thread(red_pytest_run, tmp_path / "kata", dpt_home)
    [nudge] = await until(lambda: client.messages, timeout=30)
    assert nudge.type == types.MessageType.Info
    assert "of silence right after a red run (1 failing)." in nudge.message
    assert nudge.message.endswith(PAUSE_AFTER_RED_TRY.line())

    await flush(client)  # the nudge event is in the store
    session = await command(client, "dpt.session")
    assert "test runs: 0 green, 1 red." in session
    assert "Red stretch: since " in session and "red runs: 1, failing now: 1." in session
    assert "nudges shown: 1." in session

    await asyncio.to_thread(red_pytest_run, tmp_path / "kata", dpt_home)  # stuck again...
    await asyncio.sleep(STUCK_DUE)  # a rule of silence: time has to pass
    await ticks_done(client, dpt_home)  # ...and the server has looked since
    assert len(client.messages) == 1  # ...but inside the 20-minute nudge interval

    await flush(client)
    [event] = stored(dpt_home, "nudge")
    assert event.source == "lsp"
    assert event.payload["signal"] == "pause_after_red"
    assert event.payload["moment"] == "stuck"
    assert event.payload["limit_s"] == 2.0 and event.payload["observed_s"] >= 2.0
    summary = await asyncio.to_thread(run_dpt, "summary", "--format", "json")
    [shown] = json.loads(summary.stdout)["nudges"]
    assert shown["signal"] == "pause_after_red" and shown["green_after_s"] is None
    assert shown["green_within_10m"] is False


async def test_nudges_off_gives_none(
    client: LanguageClient, dpt_home: Path, tmp_path: Path, run_dpt: RunDpt
) -> None:
    (tmp_path / "dpt-config.toml").write_text(FAST_THRESHOLDS + "[feedback]\nnudges = false\n")
    await initialize(client)
    await started_and_shown(client, run_dpt, "Bowling kata")
    await asyncio.to_thread(red_pytest_run, tmp_path / "kata", dpt_home)
    await asyncio.sleep(STUCK_DUE)  # a rule of silence: time has to pass
    await ticks_done(client, dpt_home)  # and the server has looked since
    assert client.messages == []
    await flush(client)
    assert stored(dpt_home, "nudge") == []
