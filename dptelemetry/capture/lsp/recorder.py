"""What the server records: LSP document notifications in, `Event`s out, never any text.

Every method is called on the event loop, so each does O(1) work for a keystroke (document
shape bookkeeping, one small event, one queue append). Only the first message about a
document (its `didOpen`, normally) looks at the disk, to find the document's repository;
later ones reuse that.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from lsprotocol import types

from dptelemetry import __version__, clock
from dptelemetry.capture.lsp.active_goal import ActiveGoal
from dptelemetry.capture.lsp.edits import DocumentShape, Units, count_changes
from dptelemetry.capture.lsp.locations import NOWHERE, Location, Locator
from dptelemetry.events import Event, EventKind, utf8_safe

SOURCE = "lsp"
_MAX_NAME = 80  # a language id or client name longer than this is cut


class EventSink(Protocol):
    def put(self, event: Event) -> None: ...


@dataclass(slots=True)
class OpenDocument:
    language: str
    location: Location
    shape: DocumentShape | None
    """None for a document whose didOpen the server never saw: counted from ranges only."""


def _name(text: str | None) -> str | None:
    return utf8_safe(text[:_MAX_NAME]) if text else None


class Recorder:
    def __init__(
        self,
        sink: EventSink,
        *,
        locator: Locator,
        goal: ActiveGoal,
        units: Units,
        assisted_edit_chars: int,
    ) -> None:
        self.locator = locator
        self.goal = goal
        self._sink = sink
        self._units = units
        self._assisted = assisted_edit_chars
        self._documents: dict[str, OpenDocument] = {}
        self.stopped: str | None = None
        self.last_activity: float | None = None
        """When the developer last opened, changed, saved or closed a document here."""

    def _emit(self, kind: EventKind, location: Location | None,
              payload: Mapping[str, Any]) -> float:
        where = location or NOWHERE
        ts = clock.now()
        self._sink.put(Event(kind=kind.value, ts=ts, source=SOURCE, payload=payload,
                             goal_id=self.goal.id, repo=where.repo, path=where.path))
        return ts

    def start(self, client: str | None) -> None:
        payload: dict[str, Any] = {"server_version": __version__}
        if client:
            payload["client"] = _name(client)
        self._emit(EventKind.LSP_START, None, payload)

    def stop(self, reason: str) -> None:
        """Record the end of the session once, whichever way it ends first."""
        if self.stopped is None:
            self.stopped = reason
            self._emit(EventKind.LSP_STOP, None, {"reason": reason})

    def open(self, uri: str, language: str, text: str) -> None:
        shape = DocumentShape(text, self._units)
        document = OpenDocument(_name(language) or "unknown", self.locator.locate(uri), shape)
        self._documents[uri] = document
        self.last_activity = self._emit(EventKind.OPEN, document.location,
                   {"language": document.language, "lines": shape.line_count})

    def change(self, uri: str, changes: Iterable[types.TextDocumentContentChangeEvent]) -> None:
        document = self._documents.get(uri)
        if document is None:  # changed before (or without) being opened
            document = OpenDocument("unknown", self.locator.locate(uri), None)
            self._documents[uri] = document
        counts = count_changes(document.shape, changes, self._units)
        if counts is None:  # an empty change is no edit
            return
        self.last_activity = self._emit(EventKind.EDIT, document.location, {
            "language": document.language,
            "inserted": counts.inserted,
            "deleted": counts.deleted,
            "line": counts.line,
            "lines": counts.lines,
            "assisted": counts.largest_insert > self._assisted,
        })

    def save(self, uri: str) -> None:
        self.last_activity = self._emit(EventKind.SAVE, self._location(uri), {})

    def close(self, uri: str) -> None:
        location = self._location(uri)
        self._documents.pop(uri, None)
        self.last_activity = self._emit(EventKind.CLOSE, location, {})

    def _location(self, uri: str) -> Location:
        document = self._documents.get(uri)
        return document.location if document else self.locator.locate(uri)
