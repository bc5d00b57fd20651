"""Bad input through the real CLI: one clear line, a non-zero exit, nothing stored changed."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from conftest import RunDpt
from testrun_helpers import run_in_terminal

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
        (["goal", "start", "kata", "--timebox", "90"], 2, "'90' has no unit: say 90m or 90s"),
        (["goal", "start", "kata", "--timebox", "59s"], 2,
         "'59s' is too short: a time box is 1m to 24h"),
        (["goal", "start", "kata", "--timebox", "99999h"], 2,
         "'99999h' is too long: a time box is 1m to 24h"),
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


def test_plugin_settings_that_take_no_effect_are_named_with_the_reason(
        run_dpt: RunDpt, tmp_path: Path) -> None:
    """A misspelt setting, a quoted number and a plugin that is not there used to be taken
    silently, leaving the defaults in force."""
    config = tmp_path / "dpt-config.toml"
    config.write_text('[plugins.test_error_quotient]\nwarn = 0.9\nmin_runs = "4"\n'
                      '[plugins.churn]\nwindow = 5\n[plugins.nosuch]\nx = 1\n')
    listed = run_dpt("config")
    assert listed.returncode == 0
    rows = {line.split()[0]: " ".join(line.split()[1:]) for line in listed.stdout.splitlines()
            if line.startswith("plugins.")}
    assert rows["plugins.test_error_quotient.warn"] == f"0.9 {config}"
    assert rows["plugins.test_error_quotient.min_runs"] == (
        f'"4" {config} (ignored: "4" is not of the kind of its default 3, which is used)')
    assert rows["plugins.churn.window"].startswith(
        f"5 {config} (ignored: churn has no setting window; its settings: max_net_chars, "
        "min_runs,")
    assert rows["plugins.nosuch.x"] == (
        f"1 {config} (ignored: no plugin named nosuch is loaded (see `dpt plugins`))")
    warned = run_dpt("plugins")
    assert warned.returncode == 0
    assert warned.stderr.splitlines() == [
        f"dpt: warning: plugins.{key} in {config} is ignored: {why}" for key, why in (
            ("churn.window", rows["plugins.churn.window"].split("(ignored: ", 1)[1][:-1]),
            ("nosuch.x", "no plugin named nosuch is loaded (see `dpt plugins`)"),
            ("test_error_quotient.min_runs",
             '"4" is not of the kind of its default 3, which is used'))]


def test_help_and_version_work_without_a_store(run_dpt: RunDpt, dpt_home: Path) -> None:
    for command in ("goal", "stuck", "export", "import", "config"):
        result = run_dpt(command, "--help")
        assert result.returncode == 0 and "Usage:" in result.stdout, command
    assert run_dpt("--version").stdout.startswith("dpt, version ")
    assert not dpt_home.exists()


@pytest.mark.parametrize(("given", "seconds"), [("1m", 60), ("90s", 90), ("24h", 86400)])
def test_a_time_box_from_a_minute_to_a_day_is_taken(run_dpt: RunDpt, given: str,
                                                   seconds: int) -> None:
    assert run_dpt("goal", "start", "kata", "--timebox", given).returncode == 0
    status = json.loads(run_dpt("goal", "status", "--format", "json").stdout)
    assert status["timebox_s"] == seconds


def test_a_refused_time_box_starts_no_goal(run_dpt: RunDpt) -> None:
    assert run_dpt("goal", "start", "kata", "--timebox", "90").returncode == 2
    assert run_dpt("goal", "list", "--format", "json").stdout.strip() == "[]"


OUT_OF_RANGE = "is out of range: give a day from 1970-01-01 to 9998-12-31"


@pytest.mark.parametrize("args", [
    ["summary", "--date", "0001-01-01"],
    ["summary", "--date", "9999-12-31", "--week"],
    ["summary", "--date", "9999-12-31", "--format", "json"],
    ["summary", "--date", "0001-01-08", "--format", "html", "-o", "day.html"],
    ["summary", "--date", "1969-12-31", "--format", "markdown"],
    ["friction", "--date", "0001-01-01"],
    ["friction", "--date", "9999-12-31", "--days", "1"],
])
def test_a_day_at_the_ends_of_the_calendar_is_one_line_and_exit_2(
        run_dpt: RunDpt, tmp_path: Path, args: list[str]) -> None:
    result = run_dpt(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert OUT_OF_RANGE in _one_line(result.stderr)
    assert result.stdout == "" and not (tmp_path / "day.html").exists()


@pytest.mark.parametrize("tz", ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago"])
@pytest.mark.parametrize("args", [
    ["summary", "--date", "1970-01-01", "--week", "--format", "json"],
    ["summary", "--date", "1970-01-01", "--format", "html"],
    ["summary", "--date", "9998-12-31", "--week"],
    ["friction", "--date", "1970-01-01", "--days", "366"],
    ["friction", "--date", "9998-12-31", "--format", "json"],
])
def test_the_first_and_last_days_are_reported(run_dpt: RunDpt, args: list[str],
                                              tz: str) -> None:
    result = run_dpt(*args, env={"TZ": tz})
    assert (result.returncode, result.stderr) == (0, "")


@pytest.mark.parametrize("command", [
    ["export"], ["summary"], ["summary", "--format", "json"], ["summary", "--format", "html"],
    ["friction"], ["friction", "--format", "json"],
])
def test_an_output_file_in_a_missing_folder_is_one_line_and_exit_1(
        run_dpt: RunDpt, tmp_path: Path, command: list[str]) -> None:
    target = tmp_path / "missing" / "out"
    result = run_dpt(*command, "-o", str(target))
    assert result.returncode == 1
    assert _one_line(result.stderr) == (
        f"dpt: error: cannot write {target}: No such file or directory")


@pytest.mark.parametrize("args", [
    ["goal", "start", "kata"], ["goal", "status"], ["goal", "list"], ["stuck", "lost"],
    ["summary"], ["export"], ["friction"], ["import", "-"],
])
def test_a_dpt_home_that_is_a_file_is_said_to_be_one(run_dpt: RunDpt, tmp_path: Path,
                                                     args: list[str]) -> None:
    home = tmp_path / "not-a-folder"
    home.write_text("my notes\n")
    result = run_dpt(*args, env={"DPT_HOME": str(home)}, input="")
    assert result.returncode == 1
    assert _one_line(result.stderr) == f"dpt: error: DPT_HOME is a file, not a folder: {home}"
    assert home.read_text() == "my notes\n"
    under = home / "dpt"
    result = run_dpt(*args, env={"DPT_HOME": str(under)}, input="")
    assert _one_line(result.stderr) == (
        f"dpt: error: DPT_HOME {under} cannot be a folder: {home} is a file")


def test_html_for_a_terminal_with_no_reports_folder_is_one_line(
        dpt_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At a terminal the HTML goes to the data home's reports/ folder: here a file."""
    dpt_home.mkdir(mode=0o700)  # private already: no note about tightening it
    (dpt_home / "reports").write_text("")
    status, output = run_in_terminal([sys.executable, "-m", "dptelemetry", "summary",
                                      "--format", "html"])
    assert status == 1
    assert output.decode().strip() == (
        f"dpt: error: cannot write {dpt_home / 'reports'}: File exists")


def test_a_demo_folder_that_cannot_be_made_is_one_line(run_dpt: RunDpt,
                                                       tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    result = run_dpt("demo", "--dir", str(tmp_path / "a-file" / "demo"))
    assert result.returncode == 1
    assert _one_line(result.stderr) == (
        f"dpt: error: cannot write {tmp_path / 'a-file' / 'demo'}: Not a directory")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("args", [["export"], ["summary"], ["summary", "--format", "json"],
                                  ["friction"]])
def test_a_full_disk_under_stdout_is_one_line(run_dpt: RunDpt, args: list[str]) -> None:
    assert run_dpt("stuck", "lost in the parser").returncode == 0
    with Path("/dev/full").open("w") as full:
        result = subprocess.run([sys.executable, "-m", "dptelemetry", *args], stdout=full,
                                stderr=subprocess.PIPE, text=True, check=False)
    assert result.returncode == 1
    assert _one_line(result.stderr) == (
        "dpt: error: cannot write standard output: No space left on device")
