"""`dpt export` / `dpt import`: identical events through a round trip, merges without doubles."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from conftest import RunDpt

from dptelemetry.events import Event, EventKind, new_event_id
from dptelemetry.goal_file import read_active_goal_file
from dptelemetry.store import open_store, store_path


def _seed(home: Path) -> list[Event]:
    events = [
        Event(kind=EventKind.EDIT.value, ts=1_700_000_000.5 + i, source="lsp",
              repo="/home/dev/kata", path=f"src/módulo_{i}.py",
              payload={"language": "python", "inserted": i, "deleted": 1, "line": i,
                       "lines": 1, "assisted": False})
        for i in range(40)
    ]
    events.append(Event(kind=EventKind.TEST_RUN.value, ts=1_700_000_100.0, source="pytest",
                        payload={"outcome": "red", "failed": 1,
                                 "failures": [["tests/test_a.py::test_x", "AssertionError"]]}))
    with open_store(home) as store:
        store.append(events)
    return events


def test_export_then_import_into_a_fresh_store_gives_identical_events(
    run_dpt: RunDpt, dpt_home: Path, tmp_path: Path
) -> None:
    events = _seed(dpt_home)
    assert run_dpt("goal", "start", "merge practice").returncode == 0
    exported = run_dpt("export", "--format", "jsonl")
    assert exported.returncode == 0, exported.stderr
    lines = exported.stdout.splitlines()
    assert len(lines) == len(events) + 1
    first = json.loads(lines[0])
    assert first["ts"] == "2023-11-14T22:13:20.500+00:00"

    dump = tmp_path / "events.jsonl"
    dump.write_text(exported.stdout, encoding="utf-8")
    other = tmp_path / "other-machine"
    imported = run_dpt("import", str(dump), env={"DPT_HOME": str(other)})
    assert imported.returncode == 0, imported.stderr
    assert f"Imported {len(lines)} events (0 already present)" in imported.stdout
    with open_store(dpt_home) as a, open_store(other) as b:
        assert list(a.iter_events()) == list(b.iter_events())
    assert read_active_goal_file(other) == read_active_goal_file(dpt_home)

    again = run_dpt("import", str(dump), env={"DPT_HOME": str(other)})
    assert f"Imported 0 events ({len(lines)} already present)" in again.stdout
    with open_store(other) as b:
        assert b.count() == len(lines)


def test_export_to_a_file_and_import_from_stdin(run_dpt: RunDpt, dpt_home: Path,
                                                tmp_path: Path) -> None:
    _seed(dpt_home)
    out = tmp_path / "dump.jsonl"
    result = run_dpt("export", "--output", str(out))
    assert "Exported 41 events" in result.stderr
    merged = run_dpt("import", "-", input=out.read_text(),
                     env={"DPT_HOME": str(tmp_path / "fresh")})
    assert "Imported 41 events" in merged.stdout


def test_a_bad_line_imports_nothing_and_names_the_line(run_dpt: RunDpt, dpt_home: Path,
                                                       tmp_path: Path) -> None:
    _seed(dpt_home)
    lines = run_dpt("export").stdout.splitlines()
    broken = [*lines[:5], '{"id": "x", "kind": "edit"}', *lines[5:]]
    dump = tmp_path / "broken.jsonl"
    dump.write_text("\n".join(broken) + "\n")
    target = tmp_path / "target"
    result = run_dpt("import", str(dump), env={"DPT_HOME": str(target)})
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"dpt: error: {dump} line 6: 'id' must be 32 lowercase hex digits; nothing imported")
    with open_store(target) as store:
        assert store.count() == 0

    dump.write_text(lines[0] + "\n{truncated\n")
    result = run_dpt("import", str(dump), env={"DPT_HOME": str(target)})
    assert "line 2: not JSON" in result.stderr


def test_an_unknown_kind_or_naive_timestamp_is_rejected(run_dpt: RunDpt, tmp_path: Path) -> None:
    base = {"id": "0" * 32, "ts": "2026-01-01T10:00:00+00:00", "kind": "edit",
            "source": "lsp", "payload": {}}
    for change, message in (({"kind": "keystroke"}, "unknown event kind 'keystroke'"),
                            ({"ts": "2026-01-01T10:00:00"}, "has no UTC offset"),
                            ({"payload": [1]}, "'payload' must be a JSON object")):
        dump = tmp_path / "one.jsonl"
        dump.write_text(json.dumps({**base, **change}) + "\n")
        result = run_dpt("import", str(dump))
        assert result.returncode == 1
        assert message in result.stderr


def _good(i: int) -> dict[str, Any]:
    return {"id": new_event_id(1_700_000_000 + i), "ts": f"2023-11-14T22:{i // 60:02d}:"
            f"{i % 60:02d}.000+00:00", "kind": "save", "source": "lsp", "payload": {}}


DEEP = '{"deep": ' + "[" * 10_000 + "]" * 10_000 + "}"
BAD_EVENTS = [  # (what changes in a test_run or goal event, what the error says)
    ({"kind": "test_run", "payload": {"passed": "many"}},
     "payload.passed: expected `int | null`, got `str`"),
    ({"kind": "test_run", "payload": {"passed": -5}}, "payload.passed: expected `int` >= 0"),
    ({"kind": "test_run", "payload": {"outcome": "purple"}},
     "payload.outcome: invalid enum value 'purple'"),
    ({"kind": "test_run", "payload": {"stdout": "x" * 10_000_000}}, "longer than"),
    ({"kind": "test_run", "payload": {"failures": [["t::x", "E"]] * 201}},
     "payload.failures: expected `array` of length <= 200"),
    ({"ts": "9999-12-31T23:59:59-05:00"}, "is not between 1970 and 9999"),
    ({"kind": "goal_end", "payload": {"note": 5}},
     "payload.note: expected `str | null`, got `int`"),
    ({"kind": "goal_end", "goal_id": "0" * 32 + "\nSigned-off-by: x"},
     "'goal_id' must be 32 lowercase hex digits"),
    ({"kind": "goal_start", "payload": {"title": "t" * 10_000}},
     "payload.title: a goal title is at most 200 characters; this one has 10,000"),
    ({"kind": "stuck", "payload": {"text": "s" * 1001}}, "a stuck moment's text is at most"),
    ({"kind": "edit", "payload": {"inserted": "BIG"}}, "Integer value out of range"),
    ({"kind": "edit", "payload": {"inserted": 2**60}}, "payload.inserted: expected `int` <="),
    ({"kind": "edit", "payload": {"extra": 10**30}}, "payload.extra: an integer beyond"),
    ({"kind": "edit", "payload": {"extra": [[[["four deep"]]]]}},
     "payload.extra[0][0][0]: nested more than 3 deep"),
    ({"kind": "save", "payload": "DEEP"}, "not JSON (nested too deeply)"),
]


@pytest.mark.parametrize(("change", "message"), BAD_EVENTS,
                         ids=[m.split(":")[0][:30] for _, m in BAD_EVENTS])
def test_a_payload_that_breaks_its_kinds_schema_rejects_the_file_and_names_the_line(
        run_dpt: RunDpt, dpt_home: Path, tmp_path: Path, change: dict[str, Any],
        message: str) -> None:
    lines = [json.dumps(_good(i)) for i in range(30)]
    bad = {**_good(30), **change}
    text = json.dumps(bad).replace('"DEEP"', DEEP).replace('"BIG"', "1" * 5000)
    dump = tmp_path / "bad.jsonl"
    dump.write_text("\n".join([*lines, text, json.dumps(_good(31))]) + "\n")

    result = run_dpt("import", str(dump))

    assert result.returncode == 1, result.stderr
    line = result.stderr.strip()
    assert line.startswith(f"dpt: error: {dump} line 31: ") and "\n" not in line
    assert message in line and line.endswith("; nothing imported")
    with open_store(dpt_home) as store:
        assert store.count() == 0
    for command in (["export"], ["goal", "list"], ["summary", "--format", "json"]):
        assert run_dpt(*command).returncode == 0


def test_fields_a_kind_does_not_declare_are_kept_within_the_caps(
        run_dpt: RunDpt, dpt_home: Path, tmp_path: Path) -> None:
    # a newer version's goal_start (a drill, its attempt, the change tried, constraints)
    newer = {**_good(0), "kind": "goal_start", "source": "cli", "payload": {
        "title": "kata", "drill": "bowling", "attempt": 3,
        "change": {"lever": "difficulty", "text": "no mouse"}, "constraints": ["tdd"]}}
    newer["goal_id"] = newer["id"]
    dump = tmp_path / "newer.jsonl"
    dump.write_text(json.dumps(newer) + "\n")
    assert run_dpt("import", str(dump)).returncode == 0
    with open_store(dpt_home) as store:
        (stored,) = store.iter_events()
    assert stored.payload == newer["payload"]


def _count(home: Path) -> int:
    """Committed events, read by another connection as any reader would."""
    with closing(sqlite3.connect(store_path(home), timeout=10)) as conn:
        return int(conn.execute("SELECT count(*) FROM events").fetchone()[0])


def _read_position(pid: int, path: Path) -> int | None:
    """How far process `pid` has read the file at `path` (from /proc), None if not open."""
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if fd.readlink() == path:
                fields = Path(f"/proc/{pid}/fdinfo/{fd.name}").read_text().split()
                return int(fields[fields.index("pos:") + 1])
        except (OSError, ValueError):
            continue
    return None


@pytest.mark.skipif(not Path("/proc/self/fdinfo").is_dir(), reason="needs Linux /proc")
def test_an_import_is_all_or_nothing_even_under_kill_9(run_dpt: RunDpt, dpt_home: Path,
                                                        tmp_path: Path) -> None:
    n = 40_000
    dump = tmp_path / "big.jsonl"
    with dump.open("w") as out:
        out.writelines(json.dumps({**_good(0), "id": new_event_id(1_700_000_000 + i),
                                   "ts": f"2023-11-{1 + i // 3000:02d}T10:00:00+00:00"}) + "\n"
                       for i in range(n))
    assert run_dpt("goal", "start", "before the import").returncode == 0
    before = _count(dpt_home)
    command = [sys.executable, "-m", "dptelemetry", "import", str(dump)]

    # Watched by a reader the whole way: no count between before and after is ever seen.
    importer = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    seen = set()
    while importer.poll() is None:
        seen.add(_count(dpt_home))
    assert importer.returncode == 0
    assert seen | {_count(dpt_home)} <= {before, before + n}, sorted(seen)
    assert _count(dpt_home) == before + n

    # Killed halfway through reading the file: nothing of it is in the store.
    other = tmp_path / "other-home"
    env = {**os.environ, "DPT_HOME": str(other)}
    assert subprocess.run([*command[:3], "goal", "start", "x"], env=env,
                          check=False).returncode == 0
    before = _count(other)
    importer = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    while (position := _read_position(importer.pid, dump)) is None or \
            position < dump.stat().st_size // 2:
        assert importer.poll() is None, "the import ended before it was halfway"
    importer.kill()
    assert importer.wait() == -signal.SIGKILL
    assert _count(other) == before
    again = run_dpt("import", str(dump), env={"DPT_HOME": str(other)})
    assert again.returncode == 0, again.stderr
    assert _count(other) == before + n
