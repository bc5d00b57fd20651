"""What an event may hold: its envelope, and one payload schema per kind (types, ranges, sizes).

Checked wherever an event enters the store, by every capture point and by `dpt import`
alike (`Store.append` and the import both build their rows with `stored_payload`), so no
report ever meets a value it cannot read: a count that is text, a note that is a number, a
goal id that would add lines to `active-goal`, a 10 MB payload, a year past 9999.

Each kind's known fields are a msgspec Struct, checked in C as the payload is encoded, which
is cheaper than the `json.dumps` it replaces. Every field is optional (older versions wrote
fewer). A field a kind does not declare is allowed (newer versions and plugins add fields)
within generic caps: text up to MAX_EXTRA_TEXT, nesting up to MAX_EXTRA_DEPTH, integers up
to MAX_INT, finite numbers, and the payload's size. A kind that is not declared is refused
(`events.EventKind` names the kinds). To declare a field, add it to its kind's Struct; to
declare a kind, add it to EventKind and a Struct to PAYLOADS (docs/events.md lists them all).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone
from typing import Annotated, Any, Literal

import msgspec

from dptelemetry.capture.testrun_limits import MAX_FAILURES, MAX_TEST_ID
from dptelemetry.drills import CONSTRAINTS_MAX, LEVERS, NAME_MAX
from dptelemetry.events import EVENT_ID, KINDS, Event, EventFormatError, json_utf8_safe
from dptelemetry.limits import (
    GOAL_NOTE,
    GOAL_TARGET,
    GOAL_TITLE,
    GOAL_WEAKNESS,
    MAX_EXTRA_DEPTH,
    MAX_EXTRA_TEXT,
    MAX_INT,
    MAX_NAME,
    MAX_PATH,
    MAX_PAYLOAD_BYTES,
    MAX_TEST_RUN_PAYLOAD_BYTES,
    MAX_TIMEBOX_S,
    STUCK_TEXT,
    TextLimit,
    TextTooLongError,
    check_text,
)

FIRST_MS = 0
"""1970-01-01T00:00:00Z: nothing was practised before."""
END_MS = round(datetime(9999, 1, 1, tzinfo=timezone.utc).timestamp() * 1000)
"""9999-01-01T00:00:00Z, exclusive: a year later still shows as a local date anywhere."""

Count = Annotated[int, msgspec.Meta(ge=0, le=MAX_INT)]
Integer = Annotated[int, msgspec.Meta(ge=-MAX_INT, le=MAX_INT)]
Seconds = Annotated[float, msgspec.Meta(ge=0, le=MAX_INT)]
Name = Annotated[str, msgspec.Meta(max_length=MAX_NAME)]
Sha = Annotated[str, msgspec.Meta(pattern="^[0-9a-f]{4,64}$")]
Text = str
"""A text a user gives; its length is checked against its TextLimit (see TEXTS) to say so in
the limit's own words."""


class _Payload(msgspec.Struct, gc=False):
    pass


class EditPayload(_Payload):
    language: Name = ""
    inserted: Count = 0
    deleted: Count = 0
    line: Count | None = None
    lines: Count = 1
    assisted: bool = False


class OpenPayload(_Payload):
    language: Name = ""
    lines: Count = 0


class LspStartPayload(_Payload):
    client: Name | None = None
    server_version: Name = ""


class LspStopPayload(_Payload):
    reason: Name = ""


class CommitPayload(_Payload):
    sha: Sha | None = None
    branch: Name | None = None
    goal: Text | None = None
    files: Count = 0
    insertions: Count = 0
    deletions: Count = 0
    rewritten_from: Sha | None = None
    merge: bool = False


TestId = Annotated[str, msgspec.Meta(max_length=MAX_TEST_ID)]
ExceptionType = Annotated[str, msgspec.Meta(max_length=MAX_NAME)]


class TestRunPayload(_Payload):
    __test__ = False  # not a pytest test class, despite the name

    runner: Name = ""
    outcome: Literal["green", "red", "other"] = "other"
    exit_code: Integer | None = None
    duration_s: Seconds = 0.0
    passed: Count | None = None
    failed: Count | None = None
    errors: Count | None = None
    skipped: Count | None = None
    xfailed: Count | None = None
    xpassed: Count | None = None
    failures: Annotated[list[tuple[TestId, ExceptionType | None]],
                        msgspec.Meta(max_length=MAX_FAILURES)] | None = None


DrillText = Annotated[str, msgspec.Meta(max_length=NAME_MAX)]
"""A drill's name, a change's text or a constraint (dptelemetry/drills.py)."""


class ChangeRecord(msgspec.Struct, forbid_unknown_fields=True):
    """What an attempt changed since the previous one: one lever and what was done."""

    lever: Literal["difficulty", "feedback", "timebox", "constraint"]
    text: DrillText


class GoalStartPayload(_Payload):
    title: Text = ""
    target: Text | None = None
    weakness: Text | None = None
    timebox_s: Annotated[float, msgspec.Meta(gt=0, le=MAX_TIMEBOX_S)] | None = None
    drill: DrillText | None = None
    changes: Annotated[list[ChangeRecord], msgspec.Meta(max_length=len(LEVERS))] | None = None
    constraints: Annotated[list[DrillText],
                           msgspec.Meta(max_length=CONSTRAINTS_MAX)] | None = None


class DrillRenamePayload(_Payload):
    from_: DrillText = msgspec.field(name="from", default="")
    to: DrillText = ""


class GoalEndPayload(_Payload):
    rating: Annotated[int, msgspec.Meta(ge=1, le=10)] | None = None
    note: Text | None = None
    reason: Name = ""


class StuckPayload(_Payload):
    text: Text = ""
    impulse: Literal["search", "ask", "switch", "other"] | None = None


class NudgePayload(_Payload):
    signal: Name = ""
    moment: Literal["red_stretch", "stuck"] | None = None
    observed_s: Seconds = 0.0
    limit_s: Seconds = 0.0


class PayloadSchema:
    """One kind's payload: its declared fields, its size cap, and which fields hold a text a
    user gives (checked against that text's limit)."""

    def __init__(self, struct: type[_Payload], max_bytes: int = MAX_PAYLOAD_BYTES,
                 texts: Mapping[str, TextLimit] | None = None) -> None:
        self.struct = struct
        self.fields = frozenset(struct.__struct_fields__)
        self.decode: Callable[[bytes], _Payload] = msgspec.json.Decoder(struct).decode
        self.max_bytes = max_bytes
        self.texts = dict(texts or {})


PAYLOADS: dict[str, PayloadSchema] = {
    "edit": PayloadSchema(EditPayload),
    "open": PayloadSchema(OpenPayload),
    "save": PayloadSchema(_Payload),
    "close": PayloadSchema(_Payload),
    "lsp_start": PayloadSchema(LspStartPayload),
    "lsp_stop": PayloadSchema(LspStopPayload),
    "commit": PayloadSchema(CommitPayload, texts={"goal": GOAL_TITLE}),
    "test_run": PayloadSchema(TestRunPayload, max_bytes=MAX_TEST_RUN_PAYLOAD_BYTES),
    "goal_start": PayloadSchema(GoalStartPayload, texts={
        "title": GOAL_TITLE, "target": GOAL_TARGET, "weakness": GOAL_WEAKNESS}),
    "goal_end": PayloadSchema(GoalEndPayload, texts={"note": GOAL_NOTE}),
    "stuck": PayloadSchema(StuckPayload, texts={"text": STUCK_TEXT}),
    "nudge": PayloadSchema(NudgePayload),
    "drill_rename": PayloadSchema(DrillRenamePayload),
}
"""The declared payload of each kind, one for every `EventKind`."""

_encode = msgspec.json.Encoder().encode


def check_envelope(event: Event) -> None:
    """Everything but the payload: kind, time, ids, source, repository and path."""
    if event.kind not in KINDS:
        raise EventFormatError(f"unknown event kind {event.kind!r}")
    if not FIRST_MS <= event.ts * 1000 < END_MS:  # also refuses NaN and infinities
        raise EventFormatError("'ts' is not between 1970 and 9999 (UTC)")
    if not isinstance(event.id, str) or not EVENT_ID.fullmatch(event.id):
        raise EventFormatError("'id' must be 32 lowercase hex digits")
    if event.goal_id is not None and (not isinstance(event.goal_id, str)
                                      or not EVENT_ID.fullmatch(event.goal_id)):
        raise EventFormatError("'goal_id' must be 32 lowercase hex digits or null")
    if not isinstance(event.source, str) or not 0 < len(event.source) <= MAX_NAME:
        raise EventFormatError(f"'source' must be a name of 1 to {MAX_NAME} characters")
    for name, value in (("repo", event.repo), ("path", event.path)):
        if value is not None and (not isinstance(value, str) or len(value) > MAX_PATH):
            raise EventFormatError(f"'{name}' must be a path of at most {MAX_PATH} characters")


def valid_events(events: Iterable[Event]) -> tuple[list[Event], list[str]]:
    """The events that follow the schema, and what is wrong with each of the others: for
    capture, where one bad event must not cost the batch around it."""
    valid, problems = [], []
    for event in events:
        try:
            check_envelope(event)
            stored_payload(event.kind, event.payload)
        except EventFormatError as exc:
            problems.append(f"{event.kind} event: {exc}")
        else:
            valid.append(event)
    return valid, problems


def stored_payload(kind: str, payload: Mapping[str, Any]) -> str:
    """The payload's JSON text as the store keeps it, once it follows its kind's schema;
    EventFormatError says what does not."""
    schema = PAYLOADS.get(kind)
    if schema is None:
        raise EventFormatError(f"unknown event kind {kind!r}")
    data, exact = _json(payload)
    if len(data) > schema.max_bytes:
        raise EventFormatError(f"the payload has {len(data):,} bytes; a {kind} event's may "
                               f"have at most {schema.max_bytes:,}")
    try:
        decoded = schema.decode(data) if exact else msgspec.convert(payload, schema.struct)
    except msgspec.ValidationError as exc:
        raise EventFormatError(_where(str(exc))) from None
    if schema.texts:
        for name, limit in schema.texts.items():
            value = getattr(decoded, name)
            if value is not None:
                _check_text(name, limit, value)
    if not payload.keys() <= schema.fields:
        for name in payload.keys() - schema.fields:
            _check_undeclared(f"payload.{name}", payload[name], 0)
    return data.decode("utf-8")


def _json(payload: Mapping[str, Any]) -> tuple[bytes, bool]:
    """The payload's JSON, and whether it reads back as the very same values (msgspec
    refuses the `\\udcxx` escapes an undecodable name keeps, so those are checked as
    Python values instead)."""
    try:
        try:
            return _encode(payload if isinstance(payload, dict) else dict(payload)), True
        except UnicodeEncodeError:  # surrogate escapes of an undecodable name: keep them
            text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"),
                              allow_nan=False)
            return json_utf8_safe(text).encode("utf-8"), False
    except RecursionError:
        raise EventFormatError("the payload is nested too deeply") from None
    except (TypeError, ValueError, OverflowError) as exc:
        raise EventFormatError(f"the payload is not JSON: {exc}") from None


def _where(message: str) -> str:
    """msgspec's "Expected `int` >= 0 - at `$.passed`" as "payload.passed: expected ..."."""
    text, _, at = message.rpartition(" - at `$")
    if not _:
        return f"payload: {message}"
    return f"payload{at.rstrip('`')}: {text[:1].lower()}{text[1:]}"


def _check_text(name: str, limit: TextLimit, value: str) -> None:
    try:
        check_text(limit, value)
    except TextTooLongError as exc:
        raise EventFormatError(f"payload.{name}: {exc}") from None


def _check_undeclared(where: str, value: Any, depth: int) -> None:
    if isinstance(value, str):
        if len(value) > MAX_EXTRA_TEXT:
            raise EventFormatError(f"{where}: a text of at most {MAX_EXTRA_TEXT:,} characters")
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int):
        if not -MAX_INT <= value <= MAX_INT:
            raise EventFormatError(f"{where}: an integer beyond ±{MAX_INT:,}")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise EventFormatError(f"{where}: not a finite number")
    elif isinstance(value, (list, tuple, dict)):
        if depth >= MAX_EXTRA_DEPTH:
            raise EventFormatError(f"{where}: nested more than {MAX_EXTRA_DEPTH} deep")
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            _check_undeclared(f"{where}.{key}" if isinstance(value, dict) else f"{where}[{key}]",
                              item, depth + 1)
    else:
        raise EventFormatError(f"{where}: {type(value).__name__} is not a JSON value")
