"""`dpt sync`: two data homes as two machines, a bare repository over file:// as the journal."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from dptelemetry.events import to_jsonl
from tests.analysis.builders import DayBuilder
from tests.summary.days import practice_day
from tests.sync.conftest import Home, bare_repo, event_ids, journal_lines


def record(run: Home, tmp_path: Path, builder: DayBuilder) -> int:
    """Store a built day through `dpt import`; returns how many events it has."""
    export = tmp_path / f"day-{builder.day}-{len(builder.events)}.jsonl"
    export.write_text("".join(to_jsonl(e) + "\n" for e in builder.events))
    run("import", str(export))
    return len(builder.events)


def test_events_of_each_machine_reach_the_other_once(home, remote: str, tmp_path: Path) -> None:
    laptop, desktop = home("laptop"), home("desktop")
    first = record(laptop, tmp_path, practice_day())
    june = DayBuilder(day=date(2024, 6, 3))
    june.edits([10 * 3600 + k for k in range(5)], path="b.py")
    june.red(10 * 3600 + 30, "test_b")
    second = record(desktop, tmp_path, june)
    desktop("stuck", "mocking the clock")
    for run in (laptop, desktop):
        run("sync", "init", remote)

    assert laptop("sync").stdout.strip() == (
        f"Sent {first:,} events, received 0 events from 0 machines.")
    assert desktop("sync").stdout.strip() == (
        f"Sent {second + 1:,} events, received {first:,} events from 1 machine.")
    assert laptop("sync").stdout.strip() == (
        f"Sent 0 events, received {second + 1:,} events from 1 machine.")
    for run in (laptop, desktop, laptop, desktop):  # twice each, in any order
        assert run("sync").stdout.strip() == "Nothing new to sync."

    assert sorted(event_ids(laptop)) == sorted(event_ids(desktop))
    lines = journal_lines(remote, tmp_path)
    ids = [json.loads(line)["id"] for line in lines]
    assert len(ids) == len(set(ids)) == first + second + 1  # no event twice in the journal


def test_each_machine_writes_only_its_own_monthly_files(home, remote: str,
                                                        tmp_path: Path) -> None:
    laptop, desktop = home("laptop"), home("desktop")
    record(laptop, tmp_path, practice_day())  # May 2024
    june = DayBuilder(day=date(2024, 6, 3))
    june.edits([3600.0], path="c.py")
    record(laptop, tmp_path, june)
    desktop("stuck", "on the desktop")
    for run in (laptop, desktop):
        run("sync", "init", remote)
        run("sync")
    laptop_id = json.loads((tmp_path / "laptop" / "sync" / "state.json").read_text())["machine"]
    desktop_id = json.loads((tmp_path / "desktop" / "sync" / "state.json").read_text())["machine"]
    clone = tmp_path / "look"
    subprocess.run(["git", "clone", "-q", remote, str(clone)], check=True)
    files = sorted(p.relative_to(clone).as_posix() for p in (clone / "events").rglob("*.jsonl"))
    [stuck] = (e for line in desktop("export").stdout.splitlines()
               if (e := json.loads(line))["payload"].get("text") == "on the desktop")
    this_month = datetime.fromisoformat(stuck["ts"]).astimezone(timezone.utc).strftime("%Y-%m")
    assert files == sorted([f"events/{laptop_id}/2024-05.jsonl",
                            f"events/{laptop_id}/2024-06.jsonl",
                            f"events/{desktop_id}/{this_month}.jsonl"])
    for machine in (laptop_id, desktop_id):
        assert re.fullmatch("[0-9a-f]{16}", machine)
        assert socket.gethostname() not in machine
    log = subprocess.run(["git", "-C", str(clone), "log", "--format=%s", "--name-only"],
                         capture_output=True, text=True, check=True).stdout
    assert f"dpt sync: {desktop_id} sent 1 event" in log


def test_a_push_race_loses_nothing(home, remote: str, tmp_path: Path) -> None:
    machines = [home(f"m{i}") for i in range(3)]
    for i, run in enumerate(machines):
        run("sync", "init", remote)
        for k in range(3):
            run("stuck", f"machine {i} moment {k}")
    # All three push at once, several times; every loser pulls and pushes again.
    for _round in range(2):
        procs = [subprocess.Popen([sys.executable, "-m", "dptelemetry", "sync"],
                                  env={**_env(tmp_path / f"m{i}")}, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
                 for i in range(3)]
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
    for run in machines:
        run("sync")
    for run in machines:
        run("sync")
    expected = sorted(event_ids(machines[0]))
    assert len(expected) == 9
    for run in machines[1:]:
        assert sorted(event_ids(run)) == expected
    assert sorted(json.loads(x)["id"] for x in journal_lines(remote, tmp_path)) == expected


def _env(dpt_home: Path) -> dict[str, str]:
    import os

    return {**os.environ, "DPT_HOME": str(dpt_home), "GIT_TERMINAL_PROMPT": "0"}


def test_a_lost_push_race_is_retried_on_top_of_the_winner(home, remote: str,
                                                          tmp_path: Path) -> None:
    """The race made deterministic: the loser's clone is behind when it pushes."""
    from dptelemetry.sync import gitrepo

    winner, loser = home("winner"), home("loser")
    for run in (winner, loser):
        run("sync", "init", remote)
    loser("stuck", "first")
    loser("sync")
    winner("stuck", "the winner's moment")
    winner("sync")  # the remote moves on; the loser's clone does not know yet
    clone = tmp_path / "loser" / "sync" / "journal"
    (clone / "events" / "extra.txt").write_text("x\n")
    with gitrepo.open_clone(clone) as repo:
        assert gitrepo.commit(repo, ["events/extra.txt"], "behind the remote")
        assert gitrepo.push(repo).pushed  # rejected once, rebased, pushed
        assert gitrepo.unpushed(repo) == 0
    assert any("winner's moment" in line for line in journal_lines(remote, tmp_path))


def test_offline_the_events_wait_and_go_out_later(home, tmp_path: Path) -> None:
    url = bare_repo(tmp_path / "journal.git")
    laptop, desktop = home("laptop"), home("desktop")
    for run in (laptop, desktop):
        run("sync", "init", url)
    (tmp_path / "journal.git").rename(tmp_path / "away.git")  # the USB disk is unplugged
    laptop("stuck", "on the train")
    offline = laptop("sync")
    assert offline.returncode == 0
    assert "could not be reached" in offline.stdout
    assert "1 commit(s) wait here" in offline.stdout
    status = laptop("sync", "status").stdout
    assert "Commits waiting to be pushed: 1" in status

    (tmp_path / "away.git").rename(tmp_path / "journal.git")
    assert laptop("sync").stdout.strip() == (
        "Sent 0 events, received 0 events from 0 machines. Pushed 1 commit made while offline.")
    assert "Commits waiting to be pushed: 0" in laptop("sync", "status").stdout
    assert desktop("sync").stdout.strip() == "Sent 0 events, received 1 event from 1 machine."
    assert "on the train" in desktop("export").stdout


def test_a_journal_from_a_newer_version_is_refused(home, remote: str, tmp_path: Path) -> None:
    clone = tmp_path / "future"
    subprocess.run(["git", "clone", "-q", remote, str(clone)], check=True, capture_output=True)
    (clone / "dpt-journal.json").write_text(json.dumps({"format": 99}))
    for args in (["add", "."], ["commit", "-qm", "from the future"], ["push", "-q", "origin",
                                                                      "HEAD:main"]):
        subprocess.run(["git", "-C", str(clone), *args], check=True, capture_output=True)
    laptop = home("laptop")
    done = laptop("sync", "init", remote, check=False)
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"dpt: error: the journal at {remote} was written by a newer dptelemetry (format 99, "
        "this one knows up to 1); upgrade dptelemetry on this machine to sync with it")


def test_lines_left_by_a_killed_sync_are_not_sent_twice(home, remote: str,
                                                        tmp_path: Path) -> None:
    laptop = home("laptop")
    laptop("sync", "init", remote)
    laptop("stuck", "one")
    laptop("sync")
    state = json.loads((tmp_path / "laptop" / "sync" / "state.json").read_text())
    month = next((tmp_path / "laptop" / "sync" / "journal" / "events" / state["machine"])
                 .glob("*.jsonl"))
    with month.open("a") as fh:  # a run died after appending, before committing
        fh.write(month.read_text())
    laptop("stuck", "two")
    assert laptop("sync").stdout.startswith("Sent 1 event,")
    ids = [json.loads(x)["id"] for x in journal_lines(remote, tmp_path)]
    assert len(ids) == len(set(ids)) == 2


def test_a_lost_index_is_rebuilt_without_resending(home, remote: str, tmp_path: Path) -> None:
    laptop, desktop = home("laptop"), home("desktop")
    for run, text in ((laptop, "on the laptop"), (desktop, "on the desktop")):
        run("sync", "init", remote)
        run("stuck", text)
        run("sync")
    laptop("sync")
    (tmp_path / "laptop" / "sync" / "journal-ids.sqlite3").unlink()
    assert laptop("sync").stdout.strip() == "Nothing new to sync."
    assert len(journal_lines(remote, tmp_path)) == 2


def test_status_and_usage_errors(home, remote: str) -> None:
    laptop = home("laptop")
    done = laptop("sync", check=False)
    assert done.returncode == 1
    assert done.stderr.strip() == ("dpt: error: no practice journal is set up here: run "
                                   "`dpt sync init URL` first")
    bad = laptop("sync", "init", "file:///nowhere/at/all.git", check=False)
    assert bad.returncode == 1 and bad.stderr.startswith("dpt: error: cannot clone ")
    assert "Traceback" not in bad.stderr
    laptop("sync", "init", remote)
    laptop("stuck", "x")
    laptop("sync")
    status = laptop("sync", "status").stdout
    assert f"Journal: {remote}" in status
    assert "Machines seen (1):" in status and "(this machine): 1 events" in status


@pytest.mark.parametrize("order", [("a", "b"), ("b", "a")])
def test_order_of_first_syncs_does_not_matter(home, remote: str, tmp_path: Path,
                                              order: tuple[str, str]) -> None:
    runs = {name: home(name) for name in order}
    for name, run in runs.items():
        run("stuck", f"from {name}")
        run("sync", "init", remote)
    for name in order:
        runs[name]("sync")
    for name in order:
        runs[name]("sync")
    assert sorted(event_ids(runs["a"])) == sorted(event_ids(runs["b"]))
    assert len(event_ids(runs["a"])) == 2


def another_machine_wrote(home, remote: str, tmp_path: Path, odd: dict[str, Any],
                          after_id: str) -> None:
    """Laptop and desktop joined to `remote`, desktop's stuck moment synced; then a machine
    whose dptelemetry differs appends, after that line, one line changed by `odd` and one
    more stuck moment (`after_id`) to the same file, and pushes."""
    for run in (home("laptop"), home("desktop")):
        run("sync", "init", remote)
    home("desktop")("stuck", "before")
    home("desktop")("sync")
    clone = tmp_path / "other-version"
    subprocess.run(["git", "clone", "-q", remote, str(clone)], check=True, capture_output=True)
    [month] = (clone / "events").glob("*/*.jsonl")
    [before] = month.read_text().splitlines()
    after = {**json.loads(before), "id": after_id, "payload": {"text": "after"}}
    with month.open("a") as fh:
        fh.write(json.dumps({**json.loads(before), **odd}) + "\n" + json.dumps(after) + "\n")
    for args in (["add", "."], ["commit", "-qm", "another version"],
                 ["push", "-q", "origin", "HEAD:main"]):
        subprocess.run(["git", "-C", str(clone), *args], check=True, capture_output=True)


def test_kinds_of_a_newer_version_are_skipped_then_read_after_an_upgrade(
        home, remote: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A newer machine wrote an event of a kind this version does not know (the journal's
    format stays 1 when a kind is added): the sync goes on with the lines after it and says
    how many it skipped; the first sync of a version that knows the kind imports it."""
    from dptelemetry import events, schema
    from dptelemetry.store import open_store
    from dptelemetry.sync import journal

    laptop = home("laptop")
    another_machine_wrote(home, remote, tmp_path, {"id": "1" * 32, "kind": "future_kind",
                                                   "payload": {"x": 1}}, "2" * 32)

    done = laptop("sync")
    assert done.stdout.strip() == (
        "Sent 0 events, received 2 events from 1 machine. Skipped 1 event of a kind this "
        "dptelemetry does not know (future_kind), from a newer version: upgrade dptelemetry "
        "here, and the next `dpt sync` imports them.")
    assert {"1" * 32, "2" * 32} & set(event_ids(laptop)) == {"2" * 32}
    assert laptop("sync").stdout.strip() == "Nothing new to sync."

    for module in (events, schema, journal):  # the upgrade: a version that knows the kind
        monkeypatch.setattr(module, "KINDS", events.KINDS | {"future_kind"})
    monkeypatch.setitem(schema.PAYLOADS, "future_kind", schema.PAYLOADS["save"])  # its schema
    home_dir = tmp_path / "laptop"
    monkeypatch.setenv("DPT_HOME", str(home_dir))
    with open_store(home_dir) as store:
        report = journal.sync(home_dir, store, 0.0)
        assert (report.received, report.skipped) == (1, ())
        assert [e.kind for e in store.iter_events() if e.id == "1" * 32] == ["future_kind"]


def test_a_line_the_schema_refuses_is_left_out_and_the_sync_goes_on(
        home, remote: str, tmp_path: Path) -> None:
    """A machine whose store held an event from before the schema (a goal title that is no
    text) pushed it: the other machines import the lines around it, say how many they left
    out, and do not stop at it on every later sync."""
    laptop = home("laptop")
    another_machine_wrote(home, remote, tmp_path, {"id": "3" * 32, "kind": "goal_start",
                                                   "payload": {"title": 5}}, "4" * 32)

    done = laptop("sync")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "Sent 0 events, received 2 events from 1 machine. Left out 1 event the event schema "
        "refuses (docs/events.md); they stay in the journal as they are.")
    assert {"3" * 32, "4" * 32} & set(event_ids(laptop)) == {"4" * 32}
    assert laptop("sync").stdout.strip() == "Nothing new to sync."
