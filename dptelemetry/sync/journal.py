"""The practice journal: one git repository that a person's machines sync their events through.

Layout of the journal: `dpt-journal.json` (its format) and `events/<machine>/<YYYY-MM>.jsonl`,
the `dpt export` format, one file per machine and UTC month. A machine appends only to its
own files and never rewrites what it pushed, so two machines never touch the same file: a
rebase cannot conflict, and a lost push race is won by pulling and pushing again. Importing
is idempotent by event id, so reading a line twice costs nothing.

What a machine has sent is found without rereading its history: the store counts its events
per hour, so the hours whose count moved since the last sync are the only ones that can hold
new events, and an index of the ids already in the journal (`journal-ids.sqlite3`, derived
data) tells which of them are new.

A line of a kind this version does not know (a newer version's: the journal's format stays
the same when a kind is added) is skipped, counted in the report, and remembered: the first
sync by a version that knows the kind reads that file again from there.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from dptelemetry.errors import DptError
from dptelemetry.events import (
    KINDS,
    Event,
    EventFormatError,
    UnknownKindError,
    from_json,
    to_jsonl,
)
from dptelemetry.private_files import private_dir
from dptelemetry.schema import valid_events
from dptelemetry.store.db import Store
from dptelemetry.sync import gitrepo
from dptelemetry.sync.known_ids import KnownIds
from dptelemetry.sync.state import load_state, save_state

FORMAT = 1
"""The journal layout this dptelemetry writes; a journal with a higher one is refused."""
FORMAT_FILE = "dpt-journal.json"
EVENTS_DIR = "events"
SYNC_DIR = "sync"
KNOWN_IDS_FILE = "journal-ids.sqlite3"
_HOURS_PER_READ = 24
_BATCH = 5000


class JournalError(DptError):
    pass


@dataclass
class JournalState:
    """What this machine remembers between syncs (`sync/state.json` in the data home)."""

    remote: str
    machine: str
    last_sync: float | None = None
    hours: dict[str, int] = field(default_factory=dict)
    """Events per hour in the store when we last looked for new ones."""
    offsets: dict[str, int] = field(default_factory=dict)
    """Bytes of each journal file already imported (files only grow)."""
    skipped: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per journal file with lines of kinds this version does not know: `from`, the offset
    of the first such line, and `kinds`."""

    def save(self, folder: Path) -> None:
        save_state(folder, self.__dict__)

    @classmethod
    def load(cls, folder: Path) -> JournalState:
        return load_state(folder, cls, JournalError, init="dpt sync init URL",
                          missing="no practice journal is set up here: run "
                                  "`dpt sync init URL` first")


@dataclass(frozen=True)
class SyncReport:
    sent: int
    received: int
    from_machines: int
    pushed: bool
    problem: str = ""
    unpushed_commits: int = 0
    """Commits still waiting for the journal after this run."""
    earlier_commits: int = 0
    """Commits an earlier run made offline, which this run found waiting."""
    skipped: tuple[tuple[str, int], ...] = ()
    """Events not imported, being of a kind this version does not know: (kind, count)."""
    refused: int = 0
    """Events not imported because they do not follow the event schema (written by a
    version that did not check it): they stay in the journal, and are not read again."""

    def sentence(self) -> str:
        if not (self.sent or self.received or self.earlier_commits or self.skipped
                or self.refused) and self.pushed:
            return "Nothing new to sync."
        text = (f"Sent {_count(self.sent, 'event')}, received {_count(self.received, 'event')} "
                f"from {_count(self.from_machines, 'machine')}.")
        if self.pushed and self.earlier_commits:
            text += f" Pushed {_count(self.earlier_commits, 'commit')} made while offline."
        if not self.pushed:
            text += (f" The journal could not be reached ({self.problem}): "
                     f"{self.unpushed_commits} commit(s) wait here and go out at the next "
                     "`dpt sync`.")
        if self.skipped:
            kinds = ", ".join(kind for kind, _ in self.skipped)
            which = "a kind" if len(self.skipped) == 1 else "kinds"
            text += (f" Skipped {_count(sum(n for _, n in self.skipped), 'event')} of {which} "
                     f"this dptelemetry does not know ({kinds}), from a newer version: "
                     "upgrade dptelemetry here, and the next `dpt sync` imports them.")
        if self.refused:
            text += (f" Left out {_count(self.refused, 'event')} the event schema refuses "
                     "(docs/events.md); they stay in the journal as they are.")
        return text


REFUSED = ""
"""The key under which `_receive` counts events the schema refuses (no kind is empty)."""


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"




def sync_folder(home: Path) -> Path:
    return home / SYNC_DIR


def clone_folder(home: Path) -> Path:
    return sync_folder(home) / "journal"


@contextmanager
def _exclusive(folder: Path) -> Iterator[None]:
    """One sync at a time on this machine."""
    private_dir(folder.parent, folder.name)
    fd = os.open(folder / "lock", os.O_CREAT | os.O_WRONLY, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise JournalError("another `dpt sync` is running on this machine") from None
        yield
    finally:
        os.close(fd)


def init(home: Path, url: str) -> JournalState:
    """Set up (or point elsewhere) this machine's practice journal at `url`."""
    folder = sync_folder(home)
    with _exclusive(folder):
        try:
            machine = JournalState.load(folder).machine
        except JournalError:
            machine = secrets.token_hex(8)  # random, never the host name
        target = clone_folder(home)
        (folder / KNOWN_IDS_FILE).unlink(missing_ok=True)
        gitrepo.clone(url, target, machine)
        _check_format(target, url)
        state = JournalState(remote=url, machine=machine)
        state.save(folder)
        return state


def _check_format(clone: Path, url: str) -> None:
    try:
        data = json.loads((clone / FORMAT_FILE).read_text(encoding="utf-8"))
        found = int(data["format"])
    except FileNotFoundError:
        return
    except (ValueError, KeyError, TypeError) as exc:
        raise JournalError(f"{url}: {FORMAT_FILE} is not a dptelemetry journal ({exc})") from None
    if found > FORMAT:
        raise JournalError(f"the journal at {url} was written by a newer dptelemetry (format "
                           f"{found}, this one knows up to {FORMAT}); upgrade dptelemetry "
                           "on this machine to sync with it")


def _changed_spans(now: dict[int, int], before: dict[str, int]) -> list[tuple[int, int]]:
    """Runs of consecutive changed hours, each at most a day long: [first, last + 1)."""
    hours = sorted(h for h, n in now.items() if before.get(str(h)) != n)
    spans: list[tuple[int, int]] = []
    for hour in hours:
        if spans and spans[-1][1] == hour and hour - spans[-1][0] < _HOURS_PER_READ:
            spans[-1] = (spans[-1][0], hour + 1)
        else:
            spans.append((hour, hour + 1))
    return spans


def _month(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m")


class _Appender:
    """Appends events to this machine's month files, one open file at a time."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.touched: set[Path] = set()
        self._month = ""
        self._file: IO[str] | None = None

    def write(self, event: Event) -> None:
        month = _month(event.ts)
        if month != self._month or self._file is None:
            self.close()
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / f"{month}.jsonl"
            self._file = path.open("a", encoding="utf-8")
            self._month = month
            self.touched.add(path)
        self._file.write(to_jsonl(event) + "\n")

    def close(self) -> None:
        if self._file is not None:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            self._file = None


def _append_new(store: Store, state: JournalState, clone: Path,
                known: KnownIds) -> tuple[int, set[Path]]:
    """Append the store's events that the journal lacks to this machine's files."""
    counts = store.hour_counts()
    appender = _Appender(clone / EVENTS_DIR / state.machine)
    sent = 0
    check = not known.is_empty()  # an empty journal needs no look-ups
    try:
        for first, last in _changed_spans(counts, state.hours):
            events = store.events_between(first * 3600, last * 3600)
            new = known.unknown(events) if check else events
            for event in new:
                appender.write(event)
            known.add(e.id for e in new)
            sent += len(new)
    finally:
        appender.close()
    state.hours = {str(h): n for h, n in counts.items()}
    return sent, appender.touched


@dataclass
class _Lines:
    """What a journal file holds after an offset."""

    events: list[Event]
    end: int
    """The offset after the last complete line."""
    skipped: Counter[str]
    """Lines of kinds this version does not know, per kind."""
    skipped_from: int = 0
    """The offset of the first of them."""


def _new_events(path: Path, name: str, offset: int) -> _Lines:
    """The events on the complete lines after `offset`; lines of unknown kinds are left
    out and counted."""
    with path.open("rb") as fh:
        size = fh.seek(0, os.SEEK_END)
        if size < offset:  # rewritten against the rules: read it again, ids keep it harmless
            offset = 0
        fh.seek(offset)
        data = fh.read()
    end = data.rfind(b"\n") + 1
    found = _Lines([], offset + end, Counter())
    position = 0
    for line in data[:end].splitlines(keepends=True):
        at, position = position, position + len(line)
        if not line.strip():
            continue
        try:
            found.events.append(from_json(json.loads(line)))
        except UnknownKindError as exc:
            if not found.skipped:
                found.skipped_from = offset + at
            found.skipped[exc.kind] += 1
        except (ValueError, RecursionError) as exc:  # EventFormatError is a ValueError
            number = _line_number(path, offset + at)
            raise JournalError(
                f"{name} line {number}: {exc}; the rest of that file was not imported (was it "
                "written by a newer dptelemetry? then upgrade this one)") from None
    return found


def _remember_skipped(state: JournalState, name: str, lines: _Lines) -> None:
    entry = state.skipped.get(name)
    if entry is None:
        state.skipped[name] = {"from": lines.skipped_from, "kinds": sorted(lines.skipped)}
    else:
        entry["from"] = min(entry["from"], lines.skipped_from)
        entry["kinds"] = sorted(set(entry["kinds"]) | set(lines.skipped))


def _read_known_again(state: JournalState) -> None:
    """Files with lines skipped for a kind that this version knows are read again from the
    first of them (importing what is already here costs nothing)."""
    for name, entry in list(state.skipped.items()):
        if set(entry.get("kinds", ())) & KINDS:
            state.offsets[name] = min(state.offsets.get(name, 0), int(entry.get("from", 0)))
            del state.skipped[name]


def _line_number(path: Path, position: int) -> int:
    with path.open("rb") as fh:
        return fh.read(position).count(b"\n") + 1


def _receive(store: Store, state: JournalState, clone: Path, known: KnownIds,
             skipped: Counter[str]) -> tuple[int, set[str]]:
    """Import what other machines appended since the last sync; (events new here, the
    machines they came from). Lines of unknown kinds are counted in `skipped`, events the
    schema refuses in `skipped[REFUSED]`."""
    received = 0
    machines: set[str] = set()
    for path in sorted((clone / EVENTS_DIR).glob("*/*.jsonl")):
        name = path.relative_to(clone).as_posix()
        lines = _new_events(path, name, state.offsets.get(name, 0))
        events = lines.events
        for start in range(0, len(events), _BATCH):
            batch = events[start:start + _BATCH]
            try:
                added = store.append(batch)
            except EventFormatError:  # a line an unchecking version wrote: leave it out
                batch, problems = valid_events(batch)
                skipped[REFUSED] += len(problems)
                added = store.append(batch)
            known.add(e.id for e in batch)
            received += added
            if added and path.parent.name != state.machine:
                machines.add(path.parent.name)
        if lines.skipped:
            _remember_skipped(state, name, lines)
            skipped.update(lines.skipped)
        state.offsets[name] = lines.end
    return received, machines


def sync(home: Path, store: Store, now: float) -> SyncReport:
    """Receive what other machines pushed, send this machine's new events, push; see the
    module docstring. Offline, the events are committed here and pushed next time."""
    folder = sync_folder(home)
    with _exclusive(folder):
        state = JournalState.load(folder)
        clone = clone_folder(home)
        with KnownIds(folder / KNOWN_IDS_FILE) as known, \
                gitrepo.open_clone(clone) as repo:
            if known.is_empty():
                state.offsets = {}  # the index is rebuilt from the journal as it is read
            _read_known_again(state)
            skipped: Counter[str] = Counter()
            gitrepo.discard_uncommitted(repo, f"{EVENTS_DIR}/{state.machine}")
            fetched = gitrepo.pull(repo)
            earlier = gitrepo.unpushed(repo) if fetched.pushed else 0
            _check_format(clone, state.remote)
            received, machines = _receive(store, state, clone, known, skipped)
            state.save(folder)
            with known.pending():
                sent, touched = _append_new(store, state, clone, known)
                paths = [p.relative_to(clone).as_posix() for p in sorted(touched)]
                if not (clone / FORMAT_FILE).exists():
                    (clone / FORMAT_FILE).write_text(json.dumps({"format": FORMAT}) + "\n")
                    paths.append(FORMAT_FILE)
                if paths:
                    gitrepo.commit(repo, paths,
                                   f"dpt sync: {state.machine} sent {_count(sent, 'event')}")
            _mark_own_files(state, clone, touched)
            state.save(folder)
            pushed = gitrepo.push(repo) if fetched.pushed else fetched
            late, late_machines = _receive(store, state, clone, known,  # a race's winners
                                           skipped)
            state.last_sync = now
            state.save(folder)
            refused = skipped.pop(REFUSED, 0)
            return SyncReport(sent, received + late, len(machines | late_machines),
                              pushed.pushed, pushed.problem, gitrepo.unpushed(repo), earlier,
                              tuple(sorted(skipped.items())), refused)


def _mark_own_files(state: JournalState, clone: Path, touched: set[Path]) -> None:
    """Our own lines need no import: skip them when reading the journal."""
    for path in touched:
        state.offsets[path.relative_to(clone).as_posix()] = path.stat().st_size


@dataclass(frozen=True)
class MachineFiles:
    machine: str
    files: int
    events: int
    last_month: str


def status(home: Path) -> tuple[JournalState, list[MachineFiles], int]:
    """The state, the machines the local clone has seen, and commits not yet pushed."""
    folder = sync_folder(home)
    state = JournalState.load(folder)
    clone = clone_folder(home)
    machines = []
    for machine_dir in sorted(p for p in (clone / EVENTS_DIR).glob("*") if p.is_dir()):
        files = sorted(machine_dir.glob("*.jsonl"))
        events = 0
        for path in files:
            with path.open("rb") as fh:
                events += sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
        machines.append(MachineFiles(machine_dir.name, len(files), events,
                                     files[-1].stem if files else ""))
    with gitrepo.open_clone(clone) as repo:
        waiting = gitrepo.unpushed(repo)
    return state, machines, waiting
