"""Local days: midnight to midnight in the user's zone, including DST days."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from dptelemetry.analysis.days import day_bounds, iso, local_date

BERLIN = ZoneInfo("Europe/Berlin")
HOUR = 3600.0


@pytest.fixture
def berlin_local(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's own local zone set to Berlin, as `TZ=Europe/Berlin dpt ...` would."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("tz", [BERLIN, None], ids=["zoneinfo", "system-local"])
@pytest.mark.parametrize(
    ("day", "hours", "start_utc"),
    [
        (date(2024, 3, 30), 24, datetime(2024, 3, 29, 23, tzinfo=timezone.utc)),
        (date(2024, 3, 31), 23, datetime(2024, 3, 30, 23, tzinfo=timezone.utc)),  # spring
        (date(2024, 10, 27), 25, datetime(2024, 10, 26, 22, tzinfo=timezone.utc)),  # autumn
    ],
)
def test_day_bounds_follow_dst(
    berlin_local: None, tz: ZoneInfo | None, day: date, hours: int, start_utc: datetime
) -> None:
    start, end = day_bounds(day, tz)
    assert start == start_utc.timestamp()
    assert end - start == hours * HOUR
    assert local_date(start, tz) == day
    assert local_date(end - 0.001, tz) == day
    assert local_date(end, tz) != day


def test_a_midnight_that_dst_skips_starts_the_day_at_the_jump() -> None:
    havana = ZoneInfo("America/Havana")  # 2023-03-12: 00:00 jumped to 01:00
    start, end = day_bounds(date(2023, 3, 12), havana)
    assert start == datetime(2023, 3, 12, 5, tzinfo=timezone.utc).timestamp()
    assert end - start == 23 * HOUR


def test_iso_carries_the_offset_in_force_at_that_instant() -> None:
    start, end = day_bounds(date(2024, 10, 27), BERLIN)
    assert iso(start, BERLIN) == "2024-10-27T00:00:00+02:00"
    assert iso(end - 1, BERLIN) == "2024-10-27T23:59:59+01:00"
