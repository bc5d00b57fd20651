"""Name privacy: with `privacy.hash_paths`, every name taken from your files is stored hashed.

That is the repository and the file path of every event, and the names inside payloads that
come from your code: a failed test's id (`pkg/test_ledger.py::test_refund[eur]`) and its
exception type, and a commit's branch. The same name always hashes the same way, so file
switches, churn on one file and repeated failures (EQ, RED) stay measurable while the name
stays private. Texts you type to be recorded (a goal's title, a note, a stuck moment) are
kept as typed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from dptelemetry.events import Event, utf8_safe


def hashed(name: str) -> str:
    """`sha256:` and 16 hex digits of the name's SHA-256: the same name, the same hash."""
    try:
        data = name.encode("utf-8", "surrogateescape")  # an undecodable file name's bytes
    except UnicodeEncodeError:  # a lone surrogate no file name can hold
        data = utf8_safe(name).encode("utf-8")
    return "sha256:" + hashlib.sha256(data).hexdigest()[:16]


def stored_path(path: str | None, hash_paths: bool) -> str | None:
    """The form of `path` the store may keep."""
    if path is None or not hash_paths:
        return path
    return hashed(path)


def _failures(failures: Any) -> Any:
    """[test id, exception type] pairs, each name hashed (a missing type stays null)."""
    if not isinstance(failures, list):
        return failures
    return [[None if name is None else hashed(str(name)) for name in pair]
            if isinstance(pair, (list, tuple)) else pair for pair in failures]


def _name(value: Any) -> Any:
    return hashed(value) if isinstance(value, str) else value


PAYLOAD_NAMES: Mapping[str, Mapping[str, Callable[[Any], Any]]] = {
    "test_run": {"failures": _failures},
    "commit": {"branch": _name},
}
"""Per kind, the payload fields that hold names from your files, and how each is hidden."""


def private_event(event: Event, hash_paths: bool) -> Event:
    """The event as the store may keep it: with `hash_paths`, its repository, its path and
    the names in its payload (PAYLOAD_NAMES) hashed; else the event itself."""
    if not hash_paths:
        return event
    payload = dict(event.payload)
    for field, hide in PAYLOAD_NAMES.get(event.kind, {}).items():
        if field in payload:
            payload[field] = hide(payload[field])
    return replace(event, repo=stored_path(event.repo, True),
                   path=stored_path(event.path, True), payload=payload)
