"""Stuck moments the developer logs: what they were trying, and their first impulse.

Noticing the urge to escape difficulty is itself a practice skill; the impulses are the
common escapes (search the web, ask someone, switch task).
"""

from __future__ import annotations

from dptelemetry.errors import DptError
from dptelemetry.events import Event, EventKind
from dptelemetry.goals import active_goal, load_goals
from dptelemetry.limits import STUCK_TEXT, check_text
from dptelemetry.store.db import Store

IMPULSES = ("search", "ask", "switch", "other")


def log_stuck(
    store: Store, text: str, *, now: float, impulse: str | None = None, source: str = "cli"
) -> Event:
    """Store one `stuck` event, linked to the active goal; returns it."""
    if impulse is not None and impulse not in IMPULSES:
        raise ValueError(f"impulse must be one of {', '.join(IMPULSES)}")
    if not text.split():
        raise DptError("a stuck moment needs text: say what you were trying to do")
    payload: dict[str, object] = {"text": check_text(STUCK_TEXT, " ".join(text.split()))}
    if impulse:
        payload["impulse"] = impulse
    goal = active_goal(load_goals(store))
    event = Event(kind=EventKind.STUCK.value, ts=now, source=source, payload=payload,
                  goal_id=goal.id if goal else None)
    store.append([event])
    return event
