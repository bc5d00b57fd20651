"""The friction report (`dpt friction`): the document the text and markdown renderers print,
and its JSON data."""

from __future__ import annotations

from dataclasses import asdict
from datetime import tzinfo
from typing import Any

from dptelemetry.analysis.days import iso, local_datetime
from dptelemetry.analysis.friction import Friction, Tally
from dptelemetry.config import Thresholds
from dptelemetry.durations import format_duration as dur
from dptelemetry.render.blocks import Block, Document, Paragraph, Section, Table, long_date, plural
from dptelemetry.render.console import NOTHING
from dptelemetry.render.document import DISCLAIMER
from dptelemetry.render.json import SCHEMA_VERSION

BAR_LIMIT = 30
"""The longest bar in the hour table, in characters."""


def _bar(count: int, most: int, glyph: str) -> str:
    return glyph * max(1, round(count * BAR_LIMIT / most)) if most > BAR_LIMIT else glyph * count


def _tally_table(title: str, tallies: list[Tally]) -> Table:
    return Table((title, "Moments", "Logged", "Detected"),
                 tuple((t.value, str(t.total), str(t.logged), str(t.detected))
                       for t in tallies))


def friction_document(friction: Friction, thresholds: Thresholds, tz: tzinfo | None,
                      bar: str = "█") -> Document:
    title = (f"Friction · {long_date(friction.days[0])} to {long_date(friction.days[-1])} "
             f"({plural(len(friction.days), 'day')})")
    moments = friction.moments
    logged = sum(1 for m in moments if not m.detected)
    headline = (f"{plural(len(moments), 'stuck moment')}: {logged} logged, "
                f"{len(moments) - logged} detected, on {friction.active_days} of "
                f"{plural(len(friction.days), 'day')}")
    note = (f"Logged: `dpt stuck TEXT --impulse search|ask|switch|other`. Detected: a silence "
            f"of {dur(thresholds.long_pause, exact=True)} (long_pause) up to "
            f"{dur(thresholds.idle_timeout, exact=True)} (idle_timeout) right after a red run.")
    if not moments:
        return Document(title, headline, (Section("empty", "No stuck moments", (Paragraph(
            "None logged or detected in these days. When you next get stuck, log it as it "
            "happens: `dpt stuck \"what you were trying\" --impulse search`."),), note),),
            (DISCLAIMER,))
    hours = friction.by_hour()
    most = max(t.total for t in hours)
    when = Table(("Hour", "Moments", ""),
                 tuple((t.value, str(t.total), _bar(t.total, most, bar)) for t in hours))
    impulses = [t for t in friction.tally("impulse") if t.logged]
    escape: list[Block] = [_tally_table("What came next", friction.tally("next_step"))]
    if impulses:
        escape.insert(0, Table(("First impulse", "Logged moments"),
                               tuple((t.value, str(t.logged)) for t in impulses)))
    rows = tuple((f"{m.day:%a} {m.day.day} {local_datetime(m.start, tz):%H:%M}",
                  f"detected {dur(m.seconds)}" if m.detected else "logged",
                  file or NOTHING, m.goal or NOTHING,
                  (m.text or NOTHING) + (f" ({m.impulse})" if m.impulse else ""), m.next_step)
                 for m, file in zip(moments, friction.files(), strict=True))
    sections = (
        Section("when", "When", (when,), "Local hour of day each moment began in."),
        Section("where", "Where", (_tally_table("File", friction.tally("path")),
                                   _tally_table("Goal", friction.tally("goal"))),
                "File: the last one edited, opened or saved before the moment. Goal: the "
                "practice goal active then."),
        Section("escape", "How you got out", tuple(escape),
                f"First impulse: what you said you would do when you logged it. What came "
                f"next: the first thing recorded after the moment (for a detected one, what "
                f"ended the silence); a break when nothing followed within "
                f"{dur(thresholds.idle_timeout, exact=True)}."),
        Section("moments", "Every moment",
                (Table(("When", "Kind", "File", "Goal", "What you tried (impulse)",
                        "Next"), rows, wrap=("What you tried (impulse)",)),), note),
    )
    return Document(title, headline, sections, (DISCLAIMER,))


def friction_data(friction: Friction, tz: tzinfo | None) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION, "kind": "friction",
        "start": friction.days[0].isoformat(), "end": friction.days[-1].isoformat(),
        "moments": [{**asdict(m), "day": m.day.isoformat(), "start": iso(m.start, tz)}
                    for m in friction.moments],
        "by_hour": [asdict(t) for t in friction.by_hour()],
        "by_file": [asdict(t) for t in friction.tally("path")],
        "by_goal": [asdict(t) for t in friction.tally("goal")],
        "impulses": [asdict(t) for t in friction.tally("impulse")],
        "next_steps": [asdict(t) for t in friction.tally("next_step")],
    }
