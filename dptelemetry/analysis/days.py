"""Days as the user lives them: local midnight to local midnight, 23 or 25 hours on DST days.

`tz=None` means the system's local zone (honours `TZ` and `time.tzset()`); otherwise any
`tzinfo`, such as `zoneinfo.ZoneInfo("Europe/Berlin")`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo


def day_bounds(day: date, tz: tzinfo | None = None) -> tuple[float, float]:
    """The day's [start, end) in epoch seconds."""
    return at_local(day, time(), tz), at_local(day + timedelta(days=1), time(), tz)


def at_local(day: date, clock: time, tz: tzinfo | None = None) -> float:
    """The instant the wall clock shows `clock` on `day`, in epoch seconds."""
    # A naive datetime's timestamp() uses the C library's local zone and its DST rules; an
    # aware one uses its tzinfo. A time that DST skips is read with the offset before the
    # jump, so a skipped midnight is the instant of the jump: where that day really starts.
    return datetime.combine(day, clock, tzinfo=tz).timestamp()


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
