"""`dpt export` / `dpt import`: identical events through a round trip, merges without doubles."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import RunDpt

from dptelemetry.events import Event, EventKind
from dptelemetry.goal_file import read_active_goal_file
from dptelemetry.store import open_store


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
