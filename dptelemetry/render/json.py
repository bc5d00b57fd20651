"""The report as JSON: the documented, versioned data contract (docs/summary-json.md, checked
against docs/summary.schema.json). Durations in seconds, instants in ISO 8601 with the
local offset, days as YYYY-MM-DD in the user's time zone."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from dptelemetry.analysis.days import iso
from dptelemetry.analysis.next_session import Recommendation
from dptelemetry.analysis.summary import DaySummary
from dptelemetry.render.document import DayReport

if TYPE_CHECKING:  # a day's JSON without its week, and a drill's, never need the week's module
    from dptelemetry.analysis.week import WeekSummary

SCHEMA_VERSION = 1
"""Raised on any change that removes, renames or retypes a key; added keys keep it."""


def _recommendation(rec: Recommendation | None) -> dict[str, Any] | None:
    if rec is None:
        return None
    return {"lever": rec.lever.value, "text": rec.text, "because": rec.because,
            "source": rec.source}


def _timeline(summary: DaySummary) -> dict[str, Any]:
    """The day's items in time order, for drawing it: bursts, test runs and commits."""
    timeline, tz = summary.timeline, summary.tz
    if timeline is None:
        return {"bursts": [], "runs": [], "commits": []}
    return {
        "bursts": [{"start": iso(b.start, tz), "end": iso(b.end, tz), "seconds": b.seconds,
                    "edits": b.edits, "inserted": b.inserted, "deleted": b.deleted}
                   for b in timeline.bursts],
        "runs": [{"start": iso(r.start, tz), "end": iso(r.end, tz), "outcome": r.outcome,
                  "passed": r.passed, "failed": r.failed, "errors": r.errors,
                  "exit_code": r.exit_code, "runner": r.runner}
                 for r in timeline.runs],
        "commits": [{"ts": iso(c.ts, tz), "sha": c.sha, "goal": c.goal, "goal_id": c.goal_id,
                     "files": c.files, "insertions": c.insertions, "deletions": c.deletions}
                    for c in timeline.commits],
    }


def whole_numbers(value: Any) -> Any:
    """`value` with every whole float as an int: a day read back from the day cache (where a
    number field is a float) and the same day just summarized (where a plugin gave an int)
    print the same JSON."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: whole_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [whole_numbers(item) for item in value]
    return value


def day_data(report: DayReport) -> dict[str, Any]:
    summary = report.summary
    data: dict[str, Any] = whole_numbers(
        {"schema_version": SCHEMA_VERSION, "kind": "day", **summary.to_dict(),
         "timeline": _timeline(summary), "next_session": _recommendation(report.next_session)})
    return data


def week_data(week: WeekSummary) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION, "kind": "week",
        "start": week.start.isoformat(), "end": week.end.isoformat(),
        "active_seconds": week.active_seconds,
        "zone": week.zone.value if week.zone else None,
        "zone_seconds": week.zone_seconds(),
        "days": [{**asdict(d), "date": d.date.isoformat(),
                  "zone": d.zone.value if d.zone else None, "signals": list(d.signals)}
                 for d in week.days],
        "signals": [asdict(t) for t in week.tallies()],
        "next_session": _recommendation(week.next_session()),
    }


def report_data(report: DayReport | WeekSummary) -> dict[str, Any]:
    return day_data(report) if isinstance(report, DayReport) else week_data(report)


def render_json(report: DayReport | WeekSummary) -> str:
    return json_text(report_data(report))


def json_text(data: object) -> str:
    """How every JSON report is written: indented, readable in any language, one newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
