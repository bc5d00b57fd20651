"""The cohort report (`dpt cohort report`): one row per learner, the flags a coach acts on,
and a page per learner with their days; as a document (text, markdown, HTML) and as JSON."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from dptelemetry.analysis.cohort import Cohort, Learner, LearnerDay
from dptelemetry.durations import format_minutes, whole_minutes
from dptelemetry.render.blocks import (
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
from dptelemetry.render.json import SCHEMA_VERSION

NOTE = ("Minutes are the shared summaries' active time; zone minutes are the sessions' time by "
        "zone (comfort / learning / panic); whole minutes, cut down (<1: under one). Flags: "
        "panic-heavy from 30% of at least 30 practice minutes, no practice for 7 days, three "
        "ratings in a row each lower.")


def _zones(zone_seconds: dict[str, float]) -> str:
    return "/".join(format_minutes(zone_seconds[z]) for z in ("comfort", "learning", "panic"))


def _ratings(learner: Learner) -> str:
    ratings = learner.period_ratings()
    return ", ".join(map(str, ratings)) if ratings else NOTHING


def _strongest(learner: Learner) -> str:
    top = learner.strongest(1)
    return f"{top[0].name} ({top[0].severity:.2f})" if top else NOTHING


def _practice_row(learner: Learner) -> tuple[str, ...]:
    drills, attempts = learner.drills()
    return (learner.name, format_minutes(learner.active_seconds), str(learner.sessions),
            _zones(learner.zone_seconds()), f"{drills}/{attempts}", _ratings(learner))


def _strain_row(learner: Learner) -> tuple[str, ...]:
    return (learner.name, _strongest(learner),
            f"{learner.stuck_logged}/{learner.stuck_detected}",
            learner.last_active.isoformat() if learner.last_active else NOTHING,
            str(len(learner.flags)))


def _day_row(day: LearnerDay) -> tuple[str, ...]:
    return (day.day.isoformat(), format_minutes(day.active_seconds), str(day.sessions),
            day.zone or NOTHING, _zones(day.zone_seconds), f"{day.red_runs}/{day.runs}",
            f"{day.stuck_logged}/{day.stuck_detected}",
            " ".join(dict.fromkeys(s.name for s in day.signals)) or NOTHING)


def _learner_section(learner: Learner) -> Section:
    blocks: list[Paragraph | Bullets | Table] = []
    for flag in learner.flags:
        blocks.append(Paragraph(f"Flag: {flag}", "panic"))
    strongest = learner.strongest()
    if strongest:
        blocks.append(Bullets(tuple(
            f"{s.name} (severity {number(round(s.severity, 2))}, {s.day.isoformat()}). Try: "
            f"{s.suggestion}" for s in strongest)))
    goals = learner.period_goals().values()
    if goals:
        blocks.append(Table(("Goal", "Drill", "Rating", "Ended"), tuple(
            (str(g.get("title")), str(g.get("drill") or NOTHING),
             NOTHING if g.get("rating") is None else str(g["rating"]),
             str(g.get("ended") or NOTHING)[:16].replace("T", " ")) for g in goals)))
    if learner.days:
        blocks.append(Table(("Day", "Min", "Sessions", "Zone", "C/L/P", "Red/runs", "Stuck",
                             "Signals"),
                            tuple(_day_row(d) for d in learner.days)))
    else:
        blocks.append(Paragraph("No days shared in this period."))
    return Section(f"learner-{learner.name}", learner.name, tuple(blocks))


def cohort_document(cohort: Cohort, pages: Collection[str] | None = None) -> Document:
    """The report; a page for each learner in `pages` (every learner when None)."""
    days = (cohort.end - cohort.start).days + 1
    title = (f"Cohort · {long_date(cohort.start)} to {long_date(cohort.end)} "
             f"({plural(days, 'day')})")
    flagged = [learner for learner in cohort.learners if learner.flags]
    headline = (f"{plural(len(cohort.learners), 'learner')}, "
                f"{whole_minutes(sum(x.active_seconds for x in cohort.learners))} practice "
                f"minutes; "
                f"{len(flagged)} flagged")
    learners = cohort.learners
    overview = Section("learners", "Learners", (
        Table(("Learner", "Minutes", "Sessions", "C/L/P min", "Drills/attempts", "Ratings"),
              tuple(map(_practice_row, learners))),
        Table(("Learner", "Strongest signal", "Stuck logged/detected", "Last active", "Flags"),
              tuple(map(_strain_row, learners)))), NOTE)
    flags = Section("flags", "Flags", (Bullets(tuple(
        f"{learner.name}: {flag}" for learner in flagged for flag in learner.flags)),)
        if flagged else (Paragraph("Nothing flagged.", "good"),))
    paged = [x for x in learners if pages is None or x.name in pages]
    return Document(title, headline, (overview, flags, *map(_learner_section, paged)),
                    (f"From the summaries learners shared in {cohort.source}. These are "
                     "signals, not diagnoses: compare each learner with their own earlier "
                     "weeks, never with each other.",))


def _learner_data(learner: Learner) -> dict[str, Any]:
    drills, attempts = learner.drills()
    return {
        "name": learner.name,
        "practice_seconds": learner.active_seconds,
        "sessions": learner.sessions,
        "zone_seconds": learner.zone_seconds(),
        "drills": drills,
        "attempts": attempts,
        "ratings": learner.period_ratings(),
        "median_rating": learner.median_rating(),
        "strongest_signals": [{"name": s.name, "severity": s.severity, "date": s.day.isoformat(),
                               "lever": s.lever, "suggestion": s.suggestion}
                              for s in learner.strongest()],
        "stuck_moments": {"logged": learner.stuck_logged, "detected": learner.stuck_detected},
        "last_active": learner.last_active.isoformat() if learner.last_active else None,
        "flags": learner.flags,
        "days": [{"date": d.day.isoformat(), "active_seconds": d.active_seconds,
                  "sessions": d.sessions, "zone": d.zone, "zone_seconds": d.zone_seconds,
                  "runs": d.runs, "red_runs": d.red_runs,
                  "stuck_moments": {"logged": d.stuck_logged, "detected": d.stuck_detected},
                  "signals": [s.name for s in d.signals]} for d in learner.days],
    }


def cohort_data(cohort: Cohort, only: Collection[str] | None = None) -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, "kind": "cohort", "source": cohort.source,
            "start": cohort.start.isoformat(), "end": cohort.end.isoformat(),
            "learners": [_learner_data(x) for x in cohort.learners
                         if only is None or x.name in only]}
