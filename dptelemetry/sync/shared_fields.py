"""What of a daily summary may reach a mentor: an allow-list, so a field added to the summary
later stays home until someone decides it may leave (docs/sharing.md lists the same fields).

Free text written by dptelemetry or its plugins (a signal's suggestion, a zone's reason) may
name a file or a test ("line 12 of src/app.py", "tests/test_x.py::test_y failed ..."): every
path, repository and test id of the day is replaced by a placeholder before anything leaves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

Shape = Mapping[str, Any]
ALL = True
"""The whole value: numbers and names only, nothing private inside."""

SIGNAL: Shape = {
    "name": ALL, "severity": ALL, "start": ALL, "end": ALL, "summary": ALL,
    "threshold": {"metric": ALL, "value": ALL, "observed": ALL, "basis": ALL},
    "suggestion": {"lever": ALL, "text": ALL}, "struggle": ALL, "plugin": ALL,
}
DAY: Shape = {
    "schema_version": ALL, "kind": ALL, "date": ALL, "start": ALL, "end": ALL,
    "thresholds": ALL, "active_seconds": ALL,
    "sessions": [{
        "index": ALL, "start": ALL, "end": ALL, "active_seconds": ALL, "bursts": ALL,
        "runs": ALL, "red_runs": ALL, "signals": ALL,
        "zone": {"zone": ALL, "reason": ALL, "numbers": ALL, "by": ALL},
    }],
    "bursts": {"count": ALL, "edits": ALL, "inserted": ALL, "deleted": ALL, "median_s": ALL},
    "pauses": {"count": ALL, "median_s": ALL, "p90_s": ALL, "max_s": ALL, "bins": ALL,
               "long": [{"start": ALL, "end": ALL, "bin": ALL, "seconds": ALL}]},
    "test_runs": {"total": ALL, "failed": ALL, "green": ALL, "other": ALL,
                  "longest_red_streak": ALL, "median_time_to_green_s": ALL,
                  "error_quotient": ALL, "repeated_error_density": ALL},
    "commits": {"total": ALL, "tagged": ALL},
    "goals": [{"id": ALL, "title": ALL, "active_seconds": ALL, "commits": ALL,
               "started": ALL, "ended": ALL, "timebox_s": ALL, "rating": ALL, "drill": ALL,
               "attempt": ALL}],
    "stuck_moments": [{"start": ALL, "end": ALL, "seconds": ALL, "detected": ALL,
                       "text": ALL, "impulse": ALL}],
    "signals": [SIGNAL],
    "zone": ALL,
    "assisted": {"count": ALL, "inserted": ALL, "share": ALL},
    "baseline_days": ALL,
    "next_session": {"lever": ALL, "text": ALL, "because": ALL, "source": ALL},
}
"""Left out: the files beside the longest pauses, the day's timeline (commit shas, runners),
plugin sections and failures, the plugin list."""

DRILL: Shape = {
    "schema_version": ALL, "kind": ALL, "name": ALL, "measures": ALL, "min_side": ALL,
    "attempts": [{
        "attempt": ALL, "goal_id": ALL, "title": ALL, "target": ALL, "weakness": ALL,
        "started": ALL, "ended": ALL, "status": ALL, "timebox_s": ALL, "active_seconds": ALL,
        "rating": ALL, "note": ALL, "changes": ALL, "constraints": ALL, "test_runs": ALL,
        "first_green_s": ALL, "stuck": ALL, "zone_seconds": ALL, "commits": ALL,
        "signals": [{"name": ALL, "severity": ALL, "start": ALL, "end": ALL, "lever": ALL}],
    }],
    "first_vs_latest": ALL,
    "changes": [{"attempt": ALL, "lever": ALL, "text": ALL, "later_changes": ALL,
                 "comparisons": ALL}],
}
"""A drill as `dpt drill show --format json` gives it: every field of it is numbers, names
of signals and measures, and what the learner typed (titles, notes, changes, constraints)."""


def allowed(value: Any, shape: Any) -> Any:
    """`value` with only the keys `shape` allows (recursively; a one-item list is the shape
    of every item)."""
    if shape is ALL or value is None:
        return value
    if isinstance(shape, list):
        return [allowed(item, shape[0]) for item in value] if isinstance(value, list) else None
    if not isinstance(value, dict):
        return None
    return {key: allowed(value[key], sub) for key, sub in shape.items() if key in value}


class Redactor:
    """Replaces the day's paths, repositories and test ids inside free text."""

    def __init__(self, names: Iterable[tuple[str, str]]) -> None:
        """`names`: (private text, placeholder), e.g. ("src/app.py", "[file]")."""
        table = {text: mark for text, mark in names if text and len(text.strip()) > 1}
        self._marks = table
        words = sorted(table, key=len, reverse=True)
        self._pattern = (re.compile("|".join(rf"(?<![\w/.\\-]){re.escape(w)}(?![\w/\\-])"
                                             for w in words)) if words else None)

    def text(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: self._marks[m.group(0)], text)

    def __call__(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self(item) for item in value]
        if isinstance(value, dict):
            return {key: self(item) for key, item in value.items()}
        return value
