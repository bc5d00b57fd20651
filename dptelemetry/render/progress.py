"""`dpt progress` as a document (text, markdown), JSON and an HTML page with a chart per
measure across the periods."""

from __future__ import annotations

import dataclasses
from typing import Any

from dptelemetry.analysis.progress import (
    MEASURES,
    MIN_BEFORE,
    Period,
    ProgressReport,
    Trend,
    consistency,
)
from dptelemetry.durations import format_duration as dur
from dptelemetry.render.blocks import Document, Section, Table, long_date, plural
from dptelemetry.render.console import NOTHING
from dptelemetry.render.drills import direction_word, show
from dptelemetry.render.json import SCHEMA_VERSION, json_text

NOTE = ("Compare your periods with your own, never with other people; a trend is a "
        "direction over a few periods, not a verdict.")


def _target_words(report: ProgressReport) -> str:
    low, high = report.target.sessions_per_week
    short, long_ = (f"{seconds / 60:g}" for seconds in report.target.session_length)
    return f"{low}-{high} sessions of {short}-{long_} minutes a week"


def _name(period: Period) -> str:
    return period.label + ("" if period.complete else " (so far)")


def _practice(report: ProgressReport) -> Table:
    rows = tuple((_name(p), dur(p.active_seconds), str(p.active_days), str(p.sessions),
                  f"{p.target_sessions_per_week:.1f} ({consistency(p, report.target)})",
                  dur(p.zone_seconds["learning"]), dur(p.zone_seconds["panic"]))
                 for p in report.periods)
    return Table(("Period", "Practice", "Days", "Sessions", "Target-length a week",
                  "Learning", "Panic"), rows)


def _results(report: ProgressReport) -> Table:
    rows = tuple((_name(p), str(p.drills), str(p.attempts),
                  show("rating", p.median_rating) + (f" (n={len(p.ratings)})"
                                                       if p.ratings else ""),
                  show("seconds", p.median_time_to_green),
                  show("ratio", p.error_quotient))
                 for p in report.periods)
    return Table(("Period", "Drills", "Attempts", "Median rating", "Median to green", "EQ"),
                 rows)


def _trend_row(trend: Trend) -> tuple[str, ...]:
    m = trend.measure
    if trend.latest is None:
        return (m.label, NOTHING, NOTHING, "no finished period has it")
    latest = f"{show(m.unit, m.value(trend.latest))} ({trend.latest.label})"
    before = f"{show(m.unit, trend.before_median)} (n={len(trend.before)})"
    if not trend.readable:
        return (m.label, latest, before, "too few periods to tell")
    return (m.label, latest, before, direction_word(trend.direction, m.better))


def _since(report: ProgressReport) -> str:
    """Why fewer periods are shown than were asked for."""
    if len(report.periods) >= report.asked:
        return ""
    if report.first_recorded is None:
        return f" (of the {report.asked} asked for: nothing is recorded yet)"
    return (f" (of the {report.asked} asked for: your records begin on "
            f"{long_date(report.first_recorded)})")


def progress_document(report: ProgressReport) -> Document:
    periods = report.periods
    total = sum(p.active_seconds for p in periods)
    within = sum(1 for p in periods if p.complete and consistency(p, report.target) == "within")
    complete = sum(1 for p in periods if p.complete)
    grain = report.grain.value
    headline = (f"{dur(total)} of practice over {plural(len(periods), grain)}{_since(report)} · "
                f"{within} of {plural(complete, f'finished {grain}')} within the target "
                f"({_target_words(report)})")
    sections = (
        Section("practice", "Practice and consistency", (_practice(report),),
                f"Practice: active time in sessions. Target-length a week: sessions of at "
                f"least {dur(report.target.session_length[0])} per 7 days of the period, "
                f"against the target of {_target_words(report)} (progress.sessions_per_week "
                f"and progress.session_length in the config). Learning and panic: time in "
                f"sessions of those zones."),
        Section("results", "Drills, ratings and tests", (_results(report),),
                "Drills and attempts started in the period; ratings of the goals started in "
                "it; median time to green over its red streaks that ended green; EQ over "
                "every pair of consecutive runs with code changed between them, on days "
                "with an EQ (pairs never span two days)."),
        Section("trends", "Trends",
                (Table(("Measure", "Latest finished", "Median before", "Latest is"),
                       tuple(_trend_row(t) for t in report.trends())),),
                f"The latest finished {grain} against the median of the finished {grain}s "
                f"before it that have the measure (n); with fewer than {MIN_BEFORE} of those "
                f"it is not read."),
    )
    title = (f"Progress by {grain} · {long_date(periods[0].first)} to "
             f"{long_date(periods[-1].last)}")
    return Document(title, headline, sections, (NOTE,))


def _period_data(p: Period, report: ProgressReport) -> dict[str, Any]:
    data = dataclasses.asdict(p)
    data.update(first=p.first.isoformat(), last=p.last.isoformat(), days=p.days,
                ratings=list(p.ratings), times_to_green=list(p.times_to_green),
                target_sessions_per_week=p.target_sessions_per_week,
                consistency=consistency(p, report.target), median_rating=p.median_rating,
                median_time_to_green_s=p.median_time_to_green,
                error_quotient=p.error_quotient)
    return data


def progress_data(report: ProgressReport) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION, "kind": "progress", "grain": report.grain.value,
        "target": {"sessions_per_week": list(report.target.sessions_per_week),
                   "session_length_s": list(report.target.session_length)},
        "measures": [{"key": m.key, "label": m.label, "better": m.better, "unit": m.unit}
                     for m in MEASURES],
        "periods_asked": report.asked,
        "first_recorded": (None if report.first_recorded is None
                           else report.first_recorded.isoformat()),
        "periods": [_period_data(p, report) for p in report.periods],
        "trends": [{"measure": t.measure.key,
                    "latest": None if t.latest is None else t.latest.label,
                    "latest_value": None if t.latest is None else t.measure.value(t.latest),
                    "before": [p.label for p in t.before], "before_median": t.before_median,
                    "readable": t.readable, "direction": t.direction}
                   for t in report.trends()],
        "min_before": MIN_BEFORE,
    }


def render_progress_json(report: ProgressReport) -> str:
    return json_text(progress_data(report))


ACROSS = ("Each measure period by period; a hollow mark is the period not over yet, no mark: "
          "nothing measured in it.")


def render_progress_html(report: ProgressReport) -> str:
    from dptelemetry.render.trend_charts import Point, across_page

    return across_page(progress_document(report), "Across the periods", ACROSS, MEASURES,
                       report.periods, lambda p, value: Point(p.label, value, not p.complete),
                       lambda m: f"{m.label} by {report.grain.value}")
