"""Bad input through the real CLI: one clear line, a non-zero exit, nothing stored changed."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from conftest import RunDpt

from dptelemetry.store import store_path


def _one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["frobnicate"], 2, "No such command 'frobnicate'"),
        (["goal", "end", "--rating", "11"], 2, "11 is not in the range 1<=x<=10"),
        (["goal", "end", "--rating", "0"], 2, "0 is not in the range"),
        (["goal", "start", "kata", "--timebox", "45 minutes"], 2, "not a duration"),
        (["goal", "start", "kata", "--timebox", "0m"], 2, "longer than zero"),
        (["goal", "start", " \n "], 1, "a goal needs a title"),
        (["goal", "end"], 1, "no active goal to end"),
        (["stuck", "x", "--impulse", "panic"], 2, "'panic' is not one of"),
        (["import", "/nonexistent/events.jsonl"], 1, "cannot read /nonexistent/events.jsonl"),
    ],
)
def test_bad_input_gets_one_clear_line(run_dpt: RunDpt, args: list[str], code: int,
                                       message: str) -> None:
    result = run_dpt(*args)
    assert result.returncode == code
    assert message in _one_line(result.stderr)


def _stored_bytes(home: Path) -> bytes:
    return store_path(home).read_bytes()


@pytest.mark.parametrize(
    "args",
    [["goal", "status"], ["goal", "start", "x"], ["goal", "end"], ["goal", "list"],
     ["stuck", "x"], ["export"]],
)
def test_a_corrupt_store_is_reported_and_untouched(run_dpt: RunDpt, dpt_home: Path,
                                                   args: list[str]) -> None:
    dpt_home.mkdir(parents=True)
    store_path(dpt_home).write_bytes(b"\x00garbage, not SQLite" * 500)
    result = run_dpt(*args)
    assert result.returncode == 1
    line = _one_line(result.stderr)
    assert "is damaged" in line and "left untouched" in line
    assert _stored_bytes(dpt_home) == b"\x00garbage, not SQLite" * 500


def test_a_store_from_a_newer_version_is_refused_and_untouched(run_dpt: RunDpt,
                                                               dpt_home: Path) -> None:
    assert run_dpt("goal", "start", "kata").returncode == 0
    with closing(sqlite3.connect(store_path(dpt_home))) as conn:
        conn.execute("PRAGMA user_version = 42")
    before = _stored_bytes(dpt_home)
    result = run_dpt("goal", "end", "--rating", "5")
    assert result.returncode == 1
    assert "newer dptelemetry (schema 42" in _one_line(result.stderr)
    assert _stored_bytes(dpt_home) == before


@pytest.mark.parametrize(("args", "reads_config"), [
    (["config"], True), (["summary"], True), (["plugins"], True),
    (["goal", "start", "kata"], False), (["export", "--format", "jsonl"], False),
])
def test_an_unparsable_config_file_is_one_warning_and_the_defaults(
        run_dpt: RunDpt, tmp_path: Path, args: list[str], reads_config: bool) -> None:
    config = tmp_path / "dpt-config.toml"
    config.write_text("[thresholds]\nburst_gap = \"4s\"\nx = = [\n")
    result = run_dpt(*args)
    assert result.returncode == 0, result.stderr
    if not reads_config:
        assert result.stderr == ""
        return
    assert _one_line(result.stderr) == (
        f"dpt: warning: config file {config} is not valid TOML: Invalid value (at line 3, "
        "column 5); using the defaults, with paths stored hashed until it is fixed")
    if args == ["config"]:
        assert "thresholds.burst_gap" in result.stdout and '"5s"' in result.stdout


def test_dpt_config_shows_values_sources_and_warnings(run_dpt: RunDpt, tmp_path: Path) -> None:
    config = tmp_path / "dpt-config.toml"
    config.write_text('[thresholds]\nidle_timeout = "30m"\nburst_gap = "later"\n')
    result = run_dpt("config")
    assert result.returncode == 0
    rows = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines()
            if line.startswith("thresholds.")}
    assert rows["thresholds.idle_timeout"] == ['"30m"', str(config)]
    assert rows["thresholds.burst_gap"] == ['"5s"', "default"]
    assert "thresholds.burst_gap = 'later'" in _one_line(result.stderr)


def test_help_and_version_work_without_a_store(run_dpt: RunDpt, dpt_home: Path) -> None:
    for command in ("goal", "stuck", "export", "import", "config"):
        result = run_dpt(command, "--help")
        assert result.returncode == 0 and "Usage:" in result.stdout, command
    assert run_dpt("--version").stdout.startswith("dpt, version ")
    assert not dpt_home.exists()
