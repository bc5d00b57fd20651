"""Reports read from a store, ready for any renderer: a day's (with its week when a renderer
draws the trend) or a week's. Shared by `dpt summary`, `dpt demo` and the language server's
`dpt.summary` command."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from dptelemetry.analysis.day_cache import DayCache
from dptelemetry.analysis.days import local_date
from dptelemetry.analysis.next_session import next_session
from dptelemetry.analysis.week import WeekSummary, summarize_week
from dptelemetry.config import Config, load_config
from dptelemetry.plugins import StrainPluginManager, get_plugin_manager
from dptelemetry.render.document import DayReport, day_document
from dptelemetry.render.text import plain_text
from dptelemetry.store import Store, open_store


def read_day(store: Store, day: date, config: Config, manager: StrainPluginManager,
             with_week: bool = False) -> DayReport:
    summary = DayCache(store, config, manager=manager).summary(day)
    week = (summarize_week(store, day, config, manager=manager, known=summary)
            if with_week and summary.sessions else None)
    return DayReport(summary, next_session(summary), week)


def read_week(store: Store, day: date, config: Config,
              manager: StrainPluginManager) -> WeekSummary:
    return summarize_week(store, day, config, manager=manager)


def summary_text(home: Path, now: float, width: int = 80) -> str:
    """Today's summary as plain text, for places that show text (an editor's message)."""
    config = load_config()
    with open_store(home) as store:
        report = read_day(store, local_date(now), config, get_plugin_manager(config))
    return plain_text(day_document(report), width)
