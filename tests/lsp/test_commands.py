"""The commands an editor binds to keys, through `workspace/executeCommand`."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import RunDpt
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from dptelemetry.goal_file import read_active_goal_file

from .lspclient import change, command, edit, flush, initialize, open_document, stored


async def test_commands_are_advertised(client: LanguageClient) -> None:
    result = await initialize(client)
    provider = result.capabilities.execute_command_provider
    assert provider is not None
    assert set(provider.commands) == {"dpt.goal.start", "dpt.goal.end", "dpt.goal.again",
                                      "dpt.stuck", "dpt.summary", "dpt.flush", "dpt.session"}


async def test_goal_stuck_and_end_from_the_editor_tag_what_follows(
    client: LanguageClient, dpt_home: Path, tmp_path: Path
) -> None:
    await initialize(client)
    uri = (tmp_path / "k.py").as_uri()
    open_document(client, uri, "")
    change(client, uri, edit(0, 0, 0, 0, "a"))
    started = await command(client, "dpt.goal.start",
                            {"title": "Bowling kata", "timebox": "45m", "weakness": "naming"})
    assert started == "Started 'Bowling kata' with a 45m time box."
    change(client, uri, edit(0, 1, 0, 1, "b"))
    assert await command(client, "dpt.stuck", "mocking the clock", "search") == (
        "Stuck moment logged (first impulse: search).")
    ended = await command(client, "dpt.goal.end", 7, "naming is hard")
    assert ended.startswith("Ended 'Bowling kata' after ") and ended.endswith(", rated 7/10.")
    change(client, uri, edit(0, 2, 0, 2, "c"))
    await flush(client)

    [goal_start] = stored(dpt_home, "goal_start")
    assert goal_start.source == "lsp"
    assert goal_start.payload == {"title": "Bowling kata", "weakness": "naming",
                                  "timebox_s": 2700.0}
    assert [e.goal_id for e in stored(dpt_home, "edit")] == [None, goal_start.id, None]
    [stuck] = stored(dpt_home, "stuck")
    assert (stuck.goal_id, stuck.payload) == (
        goal_start.id, {"text": "mocking the clock", "impulse": "search"})
    [goal_end] = stored(dpt_home, "goal_end")
    assert goal_end.payload == {"rating": 7, "note": "naming is hard", "reason": "ended"}
    assert read_active_goal_file(dpt_home) is None


async def test_a_goal_started_in_a_terminal_reaches_the_server_within_a_second_or_so(
    client: LanguageClient, dpt_home: Path, tmp_path: Path, run_dpt: RunDpt
) -> None:
    await initialize(client)
    uri = (tmp_path / "t.py").as_uri()
    open_document(client, uri, "")
    assert run_dpt("goal", "start", "from the terminal").returncode == 0
    time.sleep(2.5)
    change(client, uri, edit(0, 0, 0, 0, "x"))
    await flush(client)
    [goal] = stored(dpt_home, "goal_start")
    [edited] = stored(dpt_home, "edit")
    assert edited.goal_id == goal.id


@pytest.mark.parametrize(("name", "arguments", "message"), [
    ("dpt.goal.end", [], "no active goal to end"),
    ("dpt.goal.start", [{"titel": "typo"}], "unknown argument titel"),
    ("dpt.goal.start", [""], "a goal needs a title"),
    ("dpt.goal.start", ["x", "forever"], "timebox must be a length of time"),
    ("dpt.goal.start", ["x", "90"], "'90' has no unit: say 90m or 90s"),
    ("dpt.goal.start", [{"title": "x", "timebox": 90}], "'90' has no unit: say 90m or 90s"),
    ("dpt.goal.start", ["x", "99999h"], "'99999h' is too long: a time box is 1m to 24h"),
    ("dpt.goal.start", ["a", "1m", "b", "c", "d", None, None, "e"],
     "takes at most 7 arguments"),
    ("dpt.stuck", ["lost", "panic"], "impulse must be one of search, ask, switch, other"),
    ("dpt.stuck", [42], "text must be text"),
    ("dpt.stuck", [" \n "], "say what you were trying to do"),
    ("dpt.goal.start", [" \t "], "a goal needs a title"),
    ("dpt.stuck", ["s" * 1001], "a stuck moment's text is at most 1,000 characters; this one "
                                "has 1,001"),
    ("dpt.goal.start", ["t" * 201], "a goal title is at most 200 characters"),
    ("dpt.goal.start", [{"title": "kata", "weakness": "w" * 501}],
     "a goal's weak spot is at most 500"),
])
async def test_bad_command_arguments_get_one_clear_error_and_change_nothing(
    client: LanguageClient, dpt_home: Path, name: str, arguments: list[object], message: str
) -> None:
    await initialize(client)
    with pytest.raises(JsonRpcException, match=message):
        await command(client, name, *arguments)
    assert await flush(client) == {"written": 1, "spooled": 0}  # lsp_start only
    assert [e.kind for e in stored(dpt_home)] == ["lsp_start"]


async def test_a_rating_out_of_range_is_refused(client: LanguageClient, dpt_home: Path) -> None:
    await initialize(client)
    await command(client, "dpt.goal.start", "rated")
    with pytest.raises(JsonRpcException, match="a rating is 1 to 10, not 11"):
        await command(client, "dpt.goal.end", 11)
    with pytest.raises(JsonRpcException, match="rating must be a whole number"):
        await command(client, "dpt.goal.end", {"rating": "high"})
    assert stored(dpt_home, "goal_end") == []


async def test_summary_is_todays_summary_as_text(
    client: LanguageClient, tmp_path: Path
) -> None:
    await initialize(client)
    uri = (tmp_path / "s.py").as_uri()
    open_document(client, uri, "")
    for column in range(3):
        change(client, uri, edit(0, column, 0, column, "s"))
    text = await command(client, "dpt.summary")
    assert text.startswith("Practice summary · ")
    assert "active in 1 session" in text and "1 edit burst of 3 typed edits" in text


async def test_drill_attempts_from_the_editor(client: LanguageClient, dpt_home: Path) -> None:
    """dpt.goal.start takes drill, change and constraints; dpt.goal.again starts the next
    attempt; dpt.goal.end on an attempt rated at or below 6 names the one variable to
    change and the command for next time, as `dpt goal end` does."""
    await initialize(client)
    first = await command(client, "dpt.goal.start",
                          {"title": "Bowling kata", "timebox": "30m", "drill": "bowling",
                           "constraints": ["no debugger"]})
    assert first.splitlines() == ["Started 'Bowling kata' with a 30m time box.",
                                  "Attempt 1 of drill 'bowling'.", "Constraint: no debugger"]
    ended = await command(client, "dpt.goal.end", 3)
    assert ended.splitlines()[1] == ("Rated 3, at or below 6 (drills.retune_rating): change "
                                     "one variable next time.")
    assert ended.splitlines()[-1].startswith("Next time: dpt goal again bowling --change ")
    again = await command(client, "dpt.goal.again",
                          {"change": [{"lever": "difficulty", "text": "spares"},
                                      {"lever": "feedback", "text": "one test"}]})
    assert again.splitlines()[:4] == [
        "Started 'Bowling kata' with a 30m time box.", "Attempt 2 of drill 'bowling'.",
        "Changed: difficulty: spares", "Changed: feedback: one test"]
    assert again.splitlines()[-1].startswith("Warning: 2 changes at once")
    await flush(client)
    starts = stored(dpt_home, "goal_start")
    assert [e.source for e in starts] == ["lsp", "lsp"]
    assert starts[1].payload == {
        "title": "Bowling kata", "timebox_s": 1800.0, "drill": "bowling",
        "changes": [{"lever": "difficulty", "text": "spares"},
                    {"lever": "feedback", "text": "one test"}],
        "constraints": ["no debugger"]}
    mirrored = read_active_goal_file(dpt_home)
    assert mirrored is not None
    assert (mirrored.title, mirrored.goal_id) == ("Bowling kata", starts[1].id)
    with pytest.raises(JsonRpcException, match="change must be"):
        await command(client, "dpt.goal.again", {"change": "harder"})
    with pytest.raises(JsonRpcException, match="no drill named 'nope'"):
        await command(client, "dpt.goal.again", "nope")
    with pytest.raises(JsonRpcException, match="a change's lever is one of"):
        await command(client, "dpt.goal.again", {"change": {"lever": "mood", "text": "x"}})
