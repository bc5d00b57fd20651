"""Drills as documents and JSON: `dpt drill list` and `dpt drill show` (text, markdown, JSON;
the HTML page adds its charts in `drill_html`).

Comparisons are worded modestly: a direction and the attempts behind it, never a claim that a
change caused it (see analysis/drills.py)."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, tzinfo
from pathlib import Path
from typing import Any

from dptelemetry.analysis.days import iso, local_date, local_datetime
from dptelemetry.analysis.drills import (
    LEVER_OF,
    MEASURES,
    MIN_SIDE,
    Attempt,
    ChangeEffect,
    Comparison,
    DrillReport,
    attempt_of,
    retune,
)
from dptelemetry.analysis.stats import median
from dptelemetry.analysis.zones import Zone
from dptelemetry.drills import NAME_MAX
from dptelemetry.durations import format_duration as dur
from dptelemetry.durations import format_minutes
from dptelemetry.goals import Goal
from dptelemetry.render.blocks import (
    Block,
    Bullets,
    Document,
    Paragraph,
    Section,
    Table,
    long_date,
    number,
    plural,
)
from dptelemetry.render.console import NOTHING
from dptelemetry.render.json import SCHEMA_VERSION, json_text

MODESTY = ("A handful of attempts on different days cannot show that a change caused "
           "anything: these are directions to look into, not findings. Compare your "
           "attempts with each other, never with other people.")
LIST_COLUMNS = ("Drill", "Attempts", "First", "Last", "Latest rating", "Trend")
LIST_NOTE = ("Trend: the latest rating against the median of the ratings before it "
             "(attempts ended without a rating are left out). `dpt drill show NAME` "
             "compares the attempts measure by measure.")


def show(unit: str, value: float | None) -> str:
    """A value in `unit` (seconds, ratio, rate, rating or count) as people read it."""
    if value is None:
        return NOTHING
    if unit == "seconds":
        return dur(value)
    if unit == "ratio":
        return f"{value:.2f}"
    if unit == "rate":
        return f"{value:.1f}"
    if unit == "rating":
        return f"{number(value)}/10"
    return number(value)


def direction_word(direction: int, better: int, after: str = "") -> str:
    """higher, lower or the same (each followed by `after`), and whether that reads as
    better where a direction has a meaning."""
    if direction == 0:
        return "the same" + after
    word = ("higher" if direction > 0 else "lower") + after
    if better == 0:
        return word
    return f"{word} (better)" if direction == better else f"{word} (worse)"


def reading(comparison: Comparison) -> str:
    if not comparison.readable:
        return "too few attempts to tell"
    return direction_word(comparison.direction, comparison.measure.better, " after")


@dataclass(frozen=True)
class DrillRow:
    """One drill in `dpt drill list`."""

    name: str
    attempts: int
    first: date
    last: date
    latest_rating: int | None
    trend: str | None
    """up, down or same: the latest rating against the median of those before it."""

    def cells(self) -> tuple[str, ...]:
        return (self.name, str(self.attempts), f"{self.first}", f"{self.last}",
                NOTHING if self.latest_rating is None else f"{self.latest_rating}/10",
                self.trend or NOTHING)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "first": self.first.isoformat(), "last": self.last.isoformat()}


def _trend(ratings: Sequence[int]) -> str | None:
    if len(ratings) < 2:
        return None
    before = median(ratings[:-1])
    assert before is not None
    return "up" if ratings[-1] > before else "down" if ratings[-1] < before else "same"


def drill_rows(goals: Sequence[Goal], tz: tzinfo | None = None) -> list[DrillRow]:
    """Each drill, the one practised last first."""
    drills: dict[str, list[Goal]] = {}
    for goal in goals:
        if goal.drill is not None:
            drills.setdefault(goal.drill, []).append(goal)
    rows = []
    for name, attempts in drills.items():
        ratings = [g.rating for g in attempts if g.rating is not None]
        rows.append(DrillRow(name, len(attempts), local_date(attempts[0].started, tz),
                             local_date(attempts[-1].started, tz),
                             ratings[-1] if ratings else None, _trend(ratings)))
    return sorted(rows, key=lambda r: (r.last, r.name), reverse=True)


def _when(attempt: Attempt, tz: tzinfo | None) -> str:
    return f"{local_datetime(attempt.goal.started, tz):%a %d %b %Y %H:%M}"


def _status(attempt: Attempt) -> str:
    goal = attempt.goal
    return {"open": "running", "rated": f"{goal.rating}/10", "unrated": "ended unrated",
            "replaced": "replaced unrated"}[attempt.status]


def _attempts_table(report: DrillReport, tz: tzinfo | None) -> Table:
    rows = tuple((str(a.number), _when(a, tz),
                  dur(a.goal.timebox) if a.goal.timebox else NOTHING, dur(a.active_seconds),
                  _status(a), ", ".join(c.lever for c in a.goal.changes) or NOTHING)
                 for a in report.attempts)
    return Table(("#", "Started", "Time box", "Active", "Rating", "Changed"), rows)


def _tests_table(report: DrillReport) -> Table:
    rows = []
    for a in report.attempts:
        r = a.runs
        rows.append((str(a.number), f"{r.total} ({r.failed})",
                     NOTHING if a.first_green_s is None else dur(a.first_green_s),
                     str(r.longest_red_streak),
                     NOTHING if r.error_quotient is None else f"{r.error_quotient:.2f}",
                     f"{r.repeated_error_density:.2f}", str(a.commits)))
    return Table(("#", "Runs (red)", "First green", "Longest red", "EQ", "RED", "Commits"),
                 tuple(rows))


def _strain_table(report: DrillReport) -> Table:
    rows = tuple((str(a.number), f"{a.stuck_logged}/{a.stuck_detected}",
                  ", ".join(dict.fromkeys(s.name for s in a.signals)) or NOTHING,
                  "/".join(format_minutes(a.zone_seconds[z.value]) for z in Zone))
                 for a in report.attempts)
    return Table(("#", "Stuck L/D", "Strain signals", "Min C/L/P"), rows)


def _details(report: DrillReport) -> Bullets | None:
    items = []
    for a in report.attempts:
        parts = [f"{c.lever}: {c.text}" for c in a.goal.changes]
        parts += [f"constraint: {c}" for c in a.goal.constraints]
        if a.goal.note:
            parts.append(f"note: {a.goal.note}")
        if parts:
            items.append(f"Attempt {a.number}: " + "; ".join(parts))
    return Bullets(tuple(items)) if items else None


def _first_latest(report: DrillReport) -> Section:
    pair = report.first_and_latest()
    if pair is None:
        return Section("first-latest", "First against latest", (Paragraph(
            "One finished attempt so far: the comparison starts with the second."),))
    first, latest = pair
    rows = []
    for m in MEASURES:
        a, b = m.value(first), m.value(latest)
        word = NOTHING if a is None or b is None else direction_word((b > a) - (b < a),
                                                                       m.better)
        rows.append((m.label, show(m.unit, a), show(m.unit, b), word))
    return Section("first-latest", f"First against latest (attempt {first.number} and "
                                   f"{latest.number})",
                   (Table(("Measure", f"#{first.number}", f"#{latest.number}", "Latest is"),
                          tuple(rows)),),
                   "The first and the latest finished attempts. Better and worse only where "
                   "a direction has a meaning (fewer red runs in a row, a higher rating); "
                   "two attempts are two days, not a trend.")


def _span(numbers: Sequence[int]) -> str:
    return ", ".join(f"#{n}" for n in numbers) or "none"


def _effect_blocks(effect: ChangeEffect) -> tuple[Block, ...]:
    rows = tuple((c.measure.label,
                  f"{show(c.measure.unit, c.before.median)} (n={len(c.before.attempts)})",
                  f"{show(c.measure.unit, c.after.median)} (n={len(c.after.attempts)})",
                  reading(c))
                 for c in effect.comparisons
                 if c.before.attempts or c.after.attempts)
    some = next((c for c in effect.comparisons if c.measure.key == "active_seconds"), None)
    sides = "" if some is None else (f" Before: {_span(some.before.attempts)}; from it on: "
                                     f"{_span(some.after.attempts)}.")
    blocks: list[Block] = [Paragraph(f"Attempt {effect.attempt} changed the "
                                     f"{effect.change.lever}: {effect.change.text}.{sides}")]
    if effect.later_changes:
        blocks.append(Paragraph(f"Later attempts changed something too "
                                f"({_span(effect.later_changes)}): the side after this change "
                                f"mixes their changes in."))
    if not any(c.readable for c in effect.comparisons):
        before = max((len(c.before.attempts) for c in effect.comparisons), default=0)
        after = max((len(c.after.attempts) for c in effect.comparisons), default=0)
        blocks.append(Paragraph(f"Too few attempts to tell: {before} before and {after} from "
                                f"it on ({MIN_SIDE} a side needed). The medians so far:"))
        blocks.append(Table(("Measure", "Median before", "Median from it on"),
                            tuple(row[:3] for row in rows)))
    else:
        blocks.append(Table(("Measure", "Median before", "Median from it on", "Reading"),
                            rows))
    return tuple(blocks)


def _changes(report: DrillReport) -> Section:
    if not report.effects:
        return Section("changes", "What each change went with", (Paragraph(
            "No attempt records a change yet. Say what the next attempt changes: "
            "`dpt goal again --change difficulty \"a harder variant\"`."),))
    blocks = tuple(b for e in report.effects for b in _effect_blocks(e))
    return Section("changes", "What each change went with", blocks,
                   f"For each change: the median of each measure over the finished attempts "
                   f"before it and over those from it on (n: attempts with that measure). "
                   f"With fewer than {MIN_SIDE} attempts a side it is not read; a direction "
                   f"read is what happened alongside the change, not what it caused.")


def drill_document(report: DrillReport, tz: tzinfo | None = None) -> Document:
    attempts = report.attempts
    first, last = (local_date(attempts[i].goal.started, tz) for i in (0, -1))
    rated = [a for a in attempts if a.goal.rating is not None]
    headline = (f"{plural(len(attempts), 'attempt')} from {long_date(first)} to "
                f"{long_date(last)}"
                + (f" · latest {rated[-1].goal.rating}/10 (#{rated[-1].number})"
                   if rated else "")
                + f" · {plural(len(report.effects), 'change')}")
    details = _details(report)
    sections = (
        Section("attempts", "Attempts",
                (_attempts_table(report, tz), *((details,) if details else ())),
                "Active: session time inside the attempt, from its start to its end. An "
                "attempt ended without a rating (or replaced by another goal) is shown but "
                "left out of rating comparisons; a running one is left out of comparisons."),
        Section("tests", "Test runs",
                (_tests_table(report),),
                "First green: from the attempt's start to the end of its first green run. "
                "EQ (Jadud) over runs with code changed between them, not computed below "
                "3; RED (Becker) per failure signature. Commits: those tagged with the "
                "attempt (recorded under its goal), as the day's summary counts them."),
        Section("strain", "Stuck moments, strain and zones", (_strain_table(report),),
                "Stuck L/D: logged with `dpt stuck` / detected after a red run. Strain "
                "signals: struggle signals overlapping the attempt, others (fatigue, goal "
                "drift) inside it. Min C/L/P: whole minutes in the comfort, "
                "learning and panic zones (<1: under a minute)."),
        _first_latest(report),
        _changes(report),
    )
    return Document(f"Drill · {report.name}", headline, sections, (MODESTY,))


def _attempt_data(a: Attempt, tz: tzinfo | None) -> dict[str, Any]:
    g = a.goal
    return {
        "attempt": a.number, "goal_id": g.id, "title": g.title, "target": g.target,
        "weakness": g.weakness, "started": iso(g.started, tz),
        "ended": None if g.ended is None else iso(g.ended, tz), "status": a.status,
        "timebox_s": g.timebox, "active_seconds": a.active_seconds, "rating": g.rating,
        "note": g.note, "changes": [asdict(c) for c in g.changes],
        "constraints": list(g.constraints), "test_runs": asdict(a.runs),
        "first_green_s": a.first_green_s,
        "stuck": {"logged": a.stuck_logged, "detected": a.stuck_detected},
        "signals": [{"name": s.name, "severity": s.severity, "start": iso(s.start, tz),
                     "end": iso(s.end, tz), "lever": s.suggestion.lever.value}
                    for s in a.signals],
        "zone_seconds": dict(a.zone_seconds), "commits": a.commits,
    }


def _comparison_data(c: Comparison) -> dict[str, Any]:
    return {"measure": c.measure.key,
            "before": {"attempts": list(c.before.attempts), "median": c.before.median},
            "after": {"attempts": list(c.after.attempts), "median": c.after.median},
            "readable": c.readable, "direction": c.direction, "reading": reading(c)}


def drill_data(report: DrillReport, tz: tzinfo | None = None) -> dict[str, Any]:
    pair = report.first_and_latest()
    return {
        "schema_version": SCHEMA_VERSION, "kind": "drill", "name": report.name,
        "measures": [{"key": m.key, "label": m.label, "better": m.better, "unit": m.unit}
                     for m in MEASURES],
        "attempts": [_attempt_data(a, tz) for a in report.attempts],
        "first_vs_latest": None if pair is None else {
            "first": pair[0].number, "latest": pair[1].number,
            "values": {m.key: [m.value(pair[0]), m.value(pair[1])] for m in MEASURES}},
        "changes": [{"attempt": e.attempt, "lever": e.change.lever, "text": e.change.text,
                     "later_changes": list(e.later_changes),
                     "comparisons": [_comparison_data(c) for c in e.comparisons]}
                    for e in report.effects],
        "min_side": MIN_SIDE,
    }


def render_drill_json(report: DrillReport, tz: tzinfo | None = None) -> str:
    return json_text(drill_data(report, tz))


def _change_text(text: str) -> str:
    """A suggestion as a change's text: whole when it fits, else its first sentence."""
    if len(text) <= NAME_MAX:
        return text
    first = text.split(". ", maxsplit=1)[0].rstrip(".") + "."
    return first if len(first) <= NAME_MAX else first[:NAME_MAX - 1] + "…"


def retune_lines(attempt: Attempt, retune_rating: int) -> list[str]:
    """What ending an attempt says: for a rating at or below `retune_rating`, the one
    variable to change (the summary's lever, from the attempt's strongest signal or its
    zone) and the command that starts the next attempt changing it."""
    goal = attempt.goal
    if goal.rating is None:
        return unrated_lines(goal)
    if goal.rating > retune_rating:
        return []
    lines = [f"Rated {goal.rating}, at or below {retune_rating} (drills.retune_rating): "
             f"change one variable next time."]
    rec = retune(attempt)
    if rec is None:
        lines.append("No activity was recorded during the attempt: nothing to suggest.")
        return lines
    lever = LEVER_OF[rec.lever]
    lines.append(f"The {lever}: {rec.text} (why: {rec.because})")
    command = ["dpt", "goal", "again", goal.drill or "", "--change", lever]
    if rec.timebox is not None:
        command += [f"{dur(rec.timebox)} time block", "--timebox", dur(rec.timebox)]
    else:
        command.append(_change_text(rec.text))
    lines.append("Next time: " + shlex.join(command))
    return lines


def unrated_lines(goal: Goal) -> list[str]:
    return [f"Attempt {goal.attempt} of '{goal.drill}' ended without a rating: drill show "
            "lists it, but rating comparisons leave it out."]


def attempt_ended_lines(home: Path, goal: Goal, now: float) -> list[str]:
    """`retune_lines` for a goal just ended (read from the store in `home`); none for a goal
    that is not a drill attempt. Shared by `dpt goal end` and the editor's `dpt.goal.end`."""
    if goal.drill is None:
        return []
    from dptelemetry.analysis.day_cache import DayCache
    from dptelemetry.config import load_config
    from dptelemetry.goals import load_goals
    from dptelemetry.store import open_reader

    if goal.rating is None:
        return unrated_lines(goal)  # nothing read: what it says needs no day
    config = load_config()
    if goal.rating > config.drills.retune_rating:
        return []  # nothing to say: spare reading the attempt's days
    with open_reader(home) as store:  # only reads: a writer holding the lock does not stop it
        goals = load_goals(store)
        ended = next(g for g in goals if g.id == goal.id)
        attempt = attempt_of(ended, DayCache(store, config, now=now, goals=goals))
    return retune_lines(attempt, config.drills.retune_rating)
