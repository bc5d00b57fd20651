"""`dpt demo`: its script is true to itself (every test run goes red or green as written), and
the whole demo, run through the real CLI, records its day through the capture points into
its own data home and summarizes it, leaving the user's data home alone."""

from __future__ import annotations

import asyncio
import re
import shlex
import sys
import time
import types
import unittest
from datetime import date, datetime
from pathlib import Path

import pytest

from dptelemetry.demo import kata
from dptelemetry.demo.day import DAY, Commit, Run, Stuck, TypeInEditor
from dptelemetry.demo.recorder import DayRecorder
from dptelemetry.store import open_store
from tests.conftest import RunDpt


def failing_tests(folder: Path, step: Run) -> tuple[str, ...]:
    """Run the step's code with unittest in this process; the kata names of failing tests."""
    (folder / "bowling.py").write_text(kata.GAMES[step.game])
    game = types.ModuleType("bowling")
    exec(compile(kata.GAMES[step.game], str(folder / "bowling.py"), "exec"), game.__dict__)
    module = types.ModuleType("test_bowling")
    sys.modules["bowling"] = game
    try:
        exec(compile(kata.tests(*step.tests), "test_bowling.py", "exec"), module.__dict__)
    finally:
        del sys.modules["bowling"]
    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromModule(module).run(result)
    methods = {t.id().rsplit(".", 1)[1] for t, _ in [*result.failures, *result.errors]}
    return tuple(name for name in step.tests
                 if any(f"def {m}(" in kata.TESTS[name] for m in methods))


@pytest.mark.parametrize("step", [s for s in DAY if isinstance(s, Run)],
                         ids=lambda s: f"{s.at}-{s.game}")
def test_each_scripted_run_fails_exactly_as_written(step: Run, tmp_path: Path) -> None:
    assert failing_tests(tmp_path, step) == step.failing


def test_the_editor_types_into_the_documents_the_day_names() -> None:
    editor = [s for s in DAY if isinstance(s, TypeInEditor)]
    assert len(editor) == 3 and all(s.text for s in editor)


def test_a_folder_in_use_is_refused(run_dpt: RunDpt, tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    result = run_dpt("demo", "--dir", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"dpt: error: {tmp_path} is not empty: give a new or empty folder"]
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_dpt_demo_records_a_day_and_summarizes_it(run_dpt: RunDpt, tmp_path: Path,
                                                  dpt_home: Path) -> None:
    folder = tmp_path / "demo"
    began = time.monotonic()
    result = run_dpt("demo", "--dir", str(folder), timeout=600)
    took = time.monotonic() - began
    assert result.returncode == 0, result.stderr
    print(f"dpt demo took {took:.1f} s")  # recorded in benchmarks/README.md, not asserted
    out = result.stdout
    runs = sum(1 for s in DAY if isinstance(s, Run))
    red = sum(1 for s in DAY if isinstance(s, Run) and s.failing)
    commits = sum(1 for s in DAY if isinstance(s, Commit))
    assert re.search(rf"active in 3 sessions · mostly \w+ zone · {runs} test runs, {red} red",
                     out)
    assert re.search(r"^1\s+09:00-09:4\d .* learning$", out, re.M)
    assert re.search(r"^2\s+13:30-14:0\d .* panic$", out, re.M)
    assert re.search(r"^3\s+16:0\d-16:0\d .* comfort$", out, re.M)
    assert "bonus rolls in the tenth frame" in out and "Next session" in out
    assert f"Recorded {runs} test runs (pytest), {commits} commits" in out
    page = Path(re.search(r"^HTML report: (.+)$", out, re.M)[1])  # type: ignore[index]
    assert page.parent == folder and page.read_text().count("<svg") == 4
    assert "warning" not in result.stderr

    with open_store(folder / "data") as store:
        events = list(store.iter_events())
    by_kind: dict[str, list[str]] = {}
    for event in events:
        by_kind.setdefault(event.kind, []).append(event.source)
    assert by_kind["test_run"] == ["pytest"] * runs
    assert len(by_kind["commit"]) == commits
    tagged = [e for e in events if e.kind == "commit" and e.payload.get("goal")]
    assert len(tagged) == commits - 1  # the late-afternoon commit had no goal
    assert by_kind["lsp_start"] == ["lsp"] * 3
    assert {"lsp", "demo"} <= set(by_kind["edit"])
    assert len(by_kind["stuck"]) == sum(1 for s in DAY if isinstance(s, Stuck))
    day = {date.fromtimestamp(e.ts) for e in events if e.kind in ("test_run", "commit")}
    assert len(day) == 1
    # The user's own data home saw nothing.
    assert not dpt_home.exists() or not any(dpt_home.iterdir())

    # The closing hint leads to the demo day (yesterday), not to an empty today.
    hint = re.search(r"^  (DPT_HOME=.+ dpt summary --date \S+)$", out, re.M)
    assert hint is not None, out
    assignment, _dpt, *args = shlex.split(hint[1])
    explored = run_dpt(*args, env={"DPT_HOME": assignment.removeprefix("DPT_HOME=")})
    assert explored.returncode == 0, explored.stderr
    assert re.search(rf"active in 3 sessions · mostly \w+ zone · {runs} test runs",
                     explored.stdout)


def test_the_unittest_runner_records_through_dpt_run(tmp_path: Path) -> None:
    from dptelemetry.demo.recorder import DayRecorder

    steps = tuple(s for s in DAY if isinstance(s, Run))[:2]  # red, then green
    recorder = DayRecorder(tmp_path / "demo", date(2024, 5, 6), "unittest")
    progress = asyncio.run(recorder.play(steps))
    assert progress.missing == []
    with open_store(recorder.home) as store:
        runs = store.events_between(recorder.start, recorder.end, kinds=("test_run",))
    assert [(r.source, r.payload["runner"], r.payload["outcome"]) for r in runs] == [
        ("run", "unittest", "red"), ("run", "unittest", "green")]
    assert [r.ts - recorder.start for r in runs] == pytest.approx([9 * 3600 + 180,
                                                                   9 * 3600 + 300], abs=30)


def test_demo_clock_times_are_wall_clock_times_on_a_dst_day(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Europe/Berlin skipped 02:00-03:00 on 2025-03-30: 09:00 is still 09:00 there."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        recorder = DayRecorder(tmp_path, date(2025, 3, 30), "unittest")
        assert datetime.fromtimestamp(recorder.at("09:00")) == datetime(2025, 3, 30, 9, 0)
        assert recorder.at("09:20:30") - recorder.at("09:00") == 20 * 60 + 30
    finally:
        monkeypatch.undo()
        time.tzset()
