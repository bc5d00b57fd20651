"""Reports read from a store, ready for any renderer: a day's (with its week when a renderer
draws the trend) or a week's. Shared by `dpt summary`, `dpt demo` and the language server's
`dpt.summary` command."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from dptelemetry.analysis.day_cache import DayCache
from dptelemetry.analysis.days import local_date
from dptelemetry.analysis.next_session import next_session
from dptelemetry.config import Config, load_config
from dptelemetry.render.document import DayReport, day_document
from dptelemetry.store import Store, open_reader

if TYPE_CHECKING:
    from dptelemetry.plugins import StrainPluginManager


def read_day(store: Store, day: date, config: Config,
             manager: StrainPluginManager | None = None, with_week: bool = False) -> DayReport:
    return day_report(DayCache(store, config, manager=manager), day, with_week)


def day_report(cache: DayCache, day: date, with_week: bool = False) -> DayReport:
    """The day's report from `cache` (its week too, when `with_week`)."""
    summary = cache.summary(day)
    if not (with_week and summary.sessions):
        return DayReport(summary, next_session(summary))
    from dptelemetry.analysis.week import week_ending

    return DayReport(summary, next_session(summary), week_ending(cache, day, known=summary))


def summary_text(home: Path, now: float, width: int = 80) -> str:
    """Today's summary as plain text, for places that show text (an editor's message)."""
    from dptelemetry.render.text import plain_text  # rich, which only text needs

    config = load_config()
    with open_reader(home) as store:
        report = read_day(store, local_date(now), config)
    return plain_text(day_document(report), width)
