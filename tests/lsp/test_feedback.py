"""Live feedback through a real client over stdio: the goal's time box as work-done progress,
the box-over message, strain nudges, `dpt.session`.

Goals are started and ended with the real CLI as a subprocess, red runs are real pytest
sessions (the plugin records them from its own process). Times stay short: a time box of a
few seconds, a clock offset for a box that ran out before the server started, and thresholds
of a few seconds in the config for stuck moments; the minute-scale rules (one report a
minute, the nudge interval) are tested with a controlled clock in test_feedback_units.py.
"""

from __future__ import annotations

import asyncio
import json
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

from .lspclient import command, flush, initialize, stored

WITHIN = 5.0
"""Goals started or ended anywhere show within this many seconds (the issue's promise)."""


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


async def cli(run_dpt: RunDpt, *args: str, **env: str) -> None:
    result = await asyncio.to_thread(run_dpt, *args, env=env)
    assert result.returncode == 0, result.stderr


async def test_a_goal_from_the_terminal_shows_as_progress_and_ends_with_it(
    client: LanguageClient, run_dpt: RunDpt
) -> None:
    await initialize(client)  # Neovim's capabilities: window.workDoneProgress
    await cli(run_dpt, "goal", "start", "Bowling kata", "--timebox", "30m")
    started = time.monotonic()
    [begin] = await until(lambda: begun(client))
    assert time.monotonic() - started < WITHIN
    assert (begin.title, begin.message, begin.percentage) == ("Bowling kata", "30m left", 0)
    assert begin.cancellable is False
    [token] = client.progress_reports

    await cli(run_dpt, "goal", "end", "--rating", "6")
    ended = time.monotonic()
    await until(lambda: kinds(client)[token][-1] == "end")
    assert time.monotonic() - ended < WITHIN
    assert kinds(client) == {token: ["begin", "end"]}
    assert client.messages == []  # the box did not run out: nothing to say


async def test_a_goal_switched_from_the_terminal_shows_within_five_seconds(
    client: LanguageClient, run_dpt: RunDpt
) -> None:
    await initialize(client)
    await cli(run_dpt, "goal", "start", "first")
    await until(lambda: begun(client))
    await cli(run_dpt, "goal", "start", "second", "--timebox", "1h")
    switched = time.monotonic()
    await until(lambda: len(begun(client)) == 2)
    assert time.monotonic() - switched < WITHIN
    first, second = client.progress_reports
    assert kinds(client) == {first: ["begin", "end"], second: ["begin"]}
    assert [b.title for b in begun(client)] == ["first", "second"]
    assert begun(client)[0].message.endswith("s")  # no box: the time so far
    assert begun(client)[1].message == "1h00m left"


async def test_a_client_without_work_done_progress_gets_none_and_no_error(
    client: LanguageClient, run_dpt: RunDpt
) -> None:
    await client.initialize_session(types.InitializeParams(
        capabilities=types.ClientCapabilities()))
    await cli(run_dpt, "goal", "start", "quiet", "--timebox", "30m")
    await asyncio.sleep(3)  # three ticks of the feedback thread
    assert await flush(client) == {"written": 1, "spooled": 0}  # lsp_start: still recording
    assert client.progress_reports == {}
    assert client.messages == [] and client.log_messages == []


async def test_the_box_running_out_is_said_once_naming_goal_box_and_how_to_end(
    client: LanguageClient, run_dpt: RunDpt
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
    await asyncio.sleep(3)
    assert len(client.messages) == 1  # once per goal and editor session
    assert begun(client)[0].message in ("3s left", "2s left", "1s left")


@pytest.fixture
def goal_over_before_the_server(run_dpt: RunDpt) -> None:
    """A 30-minute goal started an hour ago (by the clock), before the server starts."""
    result = run_dpt("goal", "start", "Old kata", "--timebox", "30m",
                     env={"DPT_CLOCK_OFFSET": "-3600"})
    assert result.returncode == 0, result.stderr


async def test_a_server_started_after_the_box_ran_out_says_it_once_at_start(
    goal_over_before_the_server: None, client: LanguageClient
) -> None:
    await initialize(client)
    [message] = await until(lambda: client.messages)
    assert "'Old kata' has run 1h00m of its 30m box" in message.message
    [begin] = begun(client)
    assert (begin.message, begin.percentage) == ("30m over", 100)
    await asyncio.sleep(2.5)
    assert len(client.messages) == 1


@pytest.mark.parametrize("where", ["config", "initializationOptions"])
async def test_feedback_turned_off_leaves_the_editor_as_quiet_as_before(
    goal_over_before_the_server: None, client: LanguageClient, dpt_home: Path,
    tmp_path: Path, where: str
) -> None:
    off = {"progress": False, "timebox_message": False, "nudges": False}
    if where == "config":
        (tmp_path / "dpt-config.toml").write_text(
            "[feedback]\n" + "".join(f"{k} = false\n" for k in off))
    await initialize(client, options={"feedback": off} if where != "config" else None)
    await asyncio.sleep(3)
    assert client.progress_reports == {} and client.messages == []
    assert await command(client, "dpt.goal.end") == "Ended 'Old kata' after 1h00m."


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


async def test_silence_after_a_red_run_gets_one_nudge_with_the_summarys_suggestion(
    client: LanguageClient, dpt_home: Path, tmp_path: Path, run_dpt: RunDpt
) -> None:
    (tmp_path / "dpt-config.toml").write_text(FAST_THRESHOLDS)
    await initialize(client)
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
    await asyncio.sleep(6)
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
    client: LanguageClient, dpt_home: Path, tmp_path: Path
) -> None:
    (tmp_path / "dpt-config.toml").write_text(FAST_THRESHOLDS + "[feedback]\nnudges = false\n")
    await initialize(client)
    await asyncio.to_thread(red_pytest_run, tmp_path / "kata", dpt_home)
    await asyncio.sleep(6)
    assert client.messages == []
    await flush(client)
    assert stored(dpt_home, "nudge") == []
