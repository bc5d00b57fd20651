"""The CLI says the same thing the same way everywhere: empty text is refused alike, counts
take their plural, errors say what they expect, times have one ISO 8601 form."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import click
import pytest
from conftest import RunDpt
from testrun_helpers import recorded_runs

from dptelemetry.store import open_store

ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")


@pytest.mark.parametrize("text", ["", "   ", " \n\t "])
@pytest.mark.parametrize("command", [["stuck"], ["goal", "start"]])
def test_empty_text_is_refused_by_stuck_as_by_goal_start(
        run_dpt: RunDpt, dpt_home: Path, command: list[str], text: str) -> None:
    result = run_dpt(*command, text)
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line in ("dpt: error: a stuck moment needs text: say what you were trying to do",
                    "dpt: error: a goal needs a title")
    assert recorded_runs(dpt_home) == []
    with open_store(dpt_home) as store:
        assert list(store.iter_events()) == []


def test_one_event_is_one_event(run_dpt: RunDpt, tmp_path: Path) -> None:
    assert run_dpt("stuck", "lost in the parser").returncode == 0
    exported = run_dpt("export", "-o", str(tmp_path / "one.jsonl"))
    assert exported.stderr == f"Exported 1 event to {tmp_path / 'one.jsonl'}.\n"
    line = (tmp_path / "one.jsonl").read_text()
    other = tmp_path / "other-home"
    result = run_dpt("import", "-", input=line, env={"DPT_HOME": str(other)})
    assert result.stdout == "Imported 1 event (0 already present).\n"


@pytest.mark.parametrize(("args", "expected"), [
    (["goal", "end", "--rating", "abc"], "'abc' is not a whole number: give one from 1 to 10"),
    (["goal", "end", "--rating", "7.5"], "'7.5' is not a whole number: give one from 1 to 10"),
    (["friction", "--days", "a week"],
     "'a week' is not a whole number: give one from 1 to 366"),
])
def test_a_number_that_is_none_says_what_is_expected(run_dpt: RunDpt, args: list[str],
                                                      expected: str) -> None:
    result = run_dpt(*args)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert expected in line and "integer range" not in line


@pytest.mark.parametrize("tz, offset", [("UTC", r"\+00:00"), ("Asia/Kolkata", r"\+05:30"),
                                        ("America/St_Johns", r"-0[23]:30")])
def test_goal_json_times_are_iso_8601_as_in_every_other_output(
        run_dpt: RunDpt, tmp_path: Path, tz: str, offset: str) -> None:
    env = {"TZ": tz}
    assert run_dpt("goal", "start", "kata", "--timebox", "45m", env=env).returncode == 0
    assert run_dpt("goal", "end", "--rating", "6", env=env).returncode == 0
    [goal] = json.loads(run_dpt("goal", "list", "--format", "json", env=env).stdout)
    for key in ("started", "ended"):
        assert ISO.fullmatch(goal[key]) and re.search(offset + "$", goal[key]), goal[key]
    run_dpt("export", "-o", str(tmp_path / "all.jsonl"))
    start = json.loads((tmp_path / "all.jsonl").read_text().splitlines()[0])
    assert start["ts"].endswith("+00:00")  # export's form: the same "+HH:MM" offset
    exported = datetime.fromisoformat(start["ts"]).timestamp()
    assert abs(datetime.fromisoformat(goal["started"]).timestamp() - exported) < 1


def test_only_a_running_goal_has_time_left(run_dpt: RunDpt) -> None:
    assert run_dpt("goal", "start", "first", "--timebox", "45m").returncode == 0
    running = json.loads(run_dpt("goal", "status", "--format", "json").stdout)
    assert 2400 < running["time_left_s"] <= 2700  # two processes' start-up on a busy machine
    assert run_dpt("goal", "start", "second").returncode == 0  # ends "first"
    second, first = json.loads(run_dpt("goal", "list", "--format", "json").stdout)
    assert "time_left_s" not in first and first["ended"] is not None
    assert second["time_left_s"] is None  # running, no box
    assert list(first) == [k for k in second if k != "time_left_s"]


def test_every_command_in_the_help_has_a_whole_short_line(run_dpt: RunDpt) -> None:
    out = run_dpt("--help").stdout
    commands = out[out.index("Commands:"):].splitlines()[1:]
    lines = {line.split()[0]: line.split(maxsplit=1)[1] for line in commands if line.strip()}
    assert lines["run"] == "Run COMMAND and record it as a test run."
    for name, line in lines.items():
        assert not line.endswith(("e.g.", "i.e.", "e.g", "i.e")), name
        assert line.endswith("."), name  # a sentence, or click's "..." when it is long


def _commands(command: click.Command, ctx: click.Context) -> list[click.Command]:
    """`command` and every subcommand under it."""
    found = [command]
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None
            found += _commands(sub, click.Context(sub, parent=ctx, info_name=name))
    return found


def test_every_doc_a_help_text_names_exists() -> None:
    from dptelemetry.cli import dpt

    root = Path(__file__).resolve().parent.parent
    named: set[str] = set()
    for command in _commands(dpt, click.Context(dpt, info_name="dpt")):
        texts = [command.help or ""] + [getattr(p, "help", None) or "" for p in command.params]
        named.update(m for text in texts for m in re.findall(r"docs/[\w./-]+\.\w+", text))
    assert "docs/drills-json.md" in named
    assert [n for n in sorted(named) if not (root / n).is_file()] == []
