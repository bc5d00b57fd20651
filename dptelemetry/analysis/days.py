"""Days as the user lives them: local midnight to local midnight, 23 or 25 hours on DST days.

`tz=None` means the system's local zone (honours `TZ` and `time.tzset()`); otherwise any
`tzinfo`, such as `zoneinfo.ZoneInfo("Europe/Berlin")`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo


def day_bounds(day: date, tz: tzinfo | None = None) -> tuple[float, float]:
    """The day's [start, end) in epoch seconds."""
    return _midnight(day, tz), _midnight(day + timedelta(days=1), tz)


def _midnight(day: date, tz: tzinfo | None) -> float:
    # A naive datetime's timestamp() asks the C library (mktime), which knows the local zone's
    # DST rules; an aware one uses its tzinfo. A midnight skipped by DST resolves to the
    # instant of the jump, which is where that day really starts.
    return datetime.combine(day, time(), tzinfo=tz).timestamp()


def local_datetime(ts: float, tz: tzinfo | None = None) -> datetime:
    """An aware datetime for `ts`, carrying the offset in force at that instant."""
    if tz is None:
        return datetime.fromtimestamp(ts).astimezone()
    return datetime.fromtimestamp(ts, tz)


def local_date(ts: float, tz: tzinfo | None = None) -> date:
    return local_datetime(ts, tz).date()


def iso(ts: float, tz: tzinfo | None = None) -> str:
    """ISO 8601 with the local offset, to the second: how summaries print instants."""
    return local_datetime(ts, tz).isoformat(timespec="seconds")
