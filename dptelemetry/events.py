"""The event: one immutable fact, and the only thing capture writes.

An event never holds document text, diff text, test output or a commit message body: its
payload is a small JSON object of counts, names and flags (DESIGN: Privacy).
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from typing import Any


class EventKind(str, Enum):
    EDIT = "edit"
    OPEN = "open"
    SAVE = "save"
    CLOSE = "close"
    TEST_RUN = "test_run"
    COMMIT = "commit"
    GOAL_START = "goal_start"
    GOAL_END = "goal_end"
    STUCK = "stuck"
    LSP_START = "lsp_start"
    LSP_STOP = "lsp_stop"
    NUDGE = "nudge"
    DRILL_RENAME = "drill_rename"


KINDS = frozenset(k.value for k in EventKind)
EVENT_ID = re.compile("[0-9a-f]{32}")
"""An event id, and so a goal id: 32 lowercase hex digits (a UUIDv7)."""
NOT_ACTIVITY = frozenset({EventKind.LSP_START.value, EventKind.LSP_STOP.value,
                          EventKind.NUDGE.value, EventKind.DRILL_RENAME.value})
"""The editor's own doings, not the developer's: they neither start nor extend a session."""

_random = random.SystemRandom()
_RAND_BITS = 74
_last_unkeyed = [0, 0]  # (ms, random bits) of the last id made without a key
_last_unkeyed_lock = threading.Lock()


def new_event_id(ts: float, key: str | None = None) -> str:
    """A UUIDv7 (RFC 9562) as 32 hex digits: unique, and sorted by the time it carries.

    Time-ordered ids keep the store's id index append-mostly, like its time index, and break
    ties between events of the same millisecond: within one process, ids made in the same
    millisecond count up from a random start (RFC 9562 6.2, method 2), so two keystrokes
    one millisecond apart read back in the order they were typed. With a `key`, the
    "random" bits come from its hash: the same fact recorded twice (one commit seen by two
    hooks) gets the same id, and the store keeps it once.
    """
    ms = int(ts * 1000) & ((1 << 48) - 1)
    if key is None:
        rand = _next_random(ms)
    else:
        rand = int.from_bytes(hashlib.sha256(key.encode("utf-8", "surrogateescape")).digest()[:10],
                              "big") >> 6
    rand_a, rand_b = rand >> 62, rand & ((1 << 62) - 1)
    value = (ms << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b
    return f"{value:032x}"


def _next_random(ms: int) -> int:
    """Fresh random bits, or the last ones plus one when the millisecond is the same."""
    with _last_unkeyed_lock:
        last_ms, last_rand = _last_unkeyed
        if ms == last_ms and last_rand + 1 < 1 << _RAND_BITS:
            rand = last_rand + 1
        else:
            rand = _random.getrandbits(_RAND_BITS - 1)  # headroom for counting up
        _last_unkeyed[:] = [ms, rand]
        return rand


@dataclass(frozen=True, slots=True)
class Event:
    kind: str
    ts: float
    """Seconds since the epoch, UTC; stored to the millisecond."""
    source: str
    """The capture point that wrote it: lsp, git, pytest, run, cli."""
    payload: Mapping[str, Any] = field(default_factory=dict)
    goal_id: str | None = None
    repo: str | None = None
    path: str | None = None
    id: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            object.__setattr__(self, "id", new_event_id(self.ts))

    @property
    def time(self) -> datetime:
        return datetime.fromtimestamp(self.ts, tz=timezone.utc)


class EventFormatError(ValueError):
    """A serialised event that does not follow the export format."""


class UnknownKindError(EventFormatError):
    """An event of a kind this version does not know: a newer version's, most likely."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"unknown event kind {kind!r}")
        self.kind = kind


def to_json(event: Event) -> dict[str, Any]:
    """The export form: one JSON object per event, timestamps ISO 8601 with offset."""
    return {
        "id": event.id,
        "ts": datetime.fromtimestamp(round(event.ts, 3), tz=timezone.utc).isoformat(
            timespec="milliseconds"
        ),
        "kind": event.kind,
        "source": event.source,
        "goal_id": event.goal_id,
        "repo": event.repo,
        "path": event.path,
        "payload": dict(event.payload),
    }


def utf8_safe(text: str) -> str:
    """`text` if it encodes as UTF-8; else the bytes it was decoded from (undecodable file
    names, say, arrive as surrogate escapes) with the invalid ones as visible `\\xNN`, so
    one odd string never costs a batch of events, and a name reads the same whichever
    capture point recorded it."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that no byte decoded to
        raw = text.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "backslashreplace")


def json_utf8_safe(json_text: str) -> str:
    """JSON text as valid UTF-8: a lone surrogate becomes the `\\udcxx` escape, which JSON
    reads back as the same character (a `\\xNN` would not be JSON)."""
    try:
        json_text.encode("utf-8")
    except UnicodeEncodeError:
        return json_text.encode("utf-8", "backslashreplace").decode("utf-8")
    return json_text


def to_jsonl(event: Event) -> str:
    return json_utf8_safe(json.dumps(to_json(event), ensure_ascii=False, separators=(",", ":")))


def _optional_str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise EventFormatError(f"{key!r} must be a string or null")
    return value


def from_json(data: Any) -> Event:
    """Parse and validate one exported event; EventFormatError says what is wrong."""
    if not isinstance(data, dict):
        raise EventFormatError("an event must be a JSON object")
    event_id = data.get("id")
    if not isinstance(event_id, str) or not EVENT_ID.fullmatch(event_id):
        raise EventFormatError("'id' must be 32 lowercase hex digits")
    kind = data.get("kind")
    if kind not in KINDS:
        raise (UnknownKindError(kind) if isinstance(kind, str) and kind
               else EventFormatError(f"unknown event kind {kind!r}"))
    source = data.get("source")
    if not isinstance(source, str) or not source:
        raise EventFormatError("'source' must be a non-empty string")
    ts_text = data.get("ts")
    try:
        stamp = datetime.fromisoformat(str(ts_text).replace("Z", "+00:00"))
    except ValueError:
        raise EventFormatError(f"'ts' is not an ISO 8601 timestamp: {ts_text!r}") from None
    if stamp.tzinfo is None:
        raise EventFormatError(f"'ts' has no UTC offset: {ts_text!r}")
    payload = data.get("payload", {})
    if not isinstance(payload, dict):
        raise EventFormatError("'payload' must be a JSON object")
    return Event(
        kind=kind,
        ts=stamp.timestamp(),
        source=source,
        payload=payload,
        goal_id=_optional_str(data, "goal_id"),
        repo=_optional_str(data, "repo"),
        path=_optional_str(data, "path"),
        id=event_id,
    )

