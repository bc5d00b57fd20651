"""Durations as people write them ("45m", "1h30m", "90s", "2.5") and as we print them."""

from __future__ import annotations

import math

_PART = r"(\d+(?:\.\d+)?)\s*(h|m|s)"
_UNIT_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0}


def parse_duration(text: str | float | int) -> float:
    """Seconds in `text`: a bare number means seconds; otherwise parts like `1h30m`, `45m`, `5s`.

    Raises ValueError with a message fit for the user.
    """
    import re  # here, not at the top: the status line formats durations and must start fast

    if isinstance(text, bool):
        raise ValueError(f"not a duration: {text!r}")
    if isinstance(text, (int, float)):
        seconds = float(text)
    else:
        cleaned = text.strip().replace(" ", "")
        try:
            seconds = float(cleaned)
        except ValueError:
            parts = re.findall(_PART, cleaned, re.IGNORECASE)
            if not parts or "".join(n + u for n, u in parts).lower() != cleaned.lower():
                raise ValueError(
                    f"not a duration: {text!r} (use forms like 45m, 1h30m, 90s)"
                ) from None
            seconds = sum(float(n) * _UNIT_SECONDS[u.lower()] for n, u in parts)
    if not 0 <= seconds < float("inf"):
        raise ValueError(f"not a duration: {text!r} (must be a positive length of time)")
    return seconds


TIMEBOX_RANGE = (60.0, 24 * 3600.0)
"""A time box is a practice block: at least a minute, at most a day."""
TIMEBOX_WORDS = "a time box is 1m to 24h"


def parse_timebox(given: object) -> float:
    """Seconds in a time box a person gave: a length with its unit, 1m to 24h.

    A bare number is refused rather than read as seconds: "--timebox 90" means 90 minutes to
    most people. Raises ValueError with a message fit for the user.
    """
    if isinstance(given, bool) or not isinstance(given, (str, int, float)):
        raise ValueError(f"not a duration: {given!r} (use forms like 45m, 1h30m)")
    number = str(given).strip()
    try:
        bare = 0 <= float(number) < float("inf")
    except ValueError:
        bare = False
    if bare:
        raise ValueError(f"{number!r} has no unit: say {number}m or {number}s")
    seconds = parse_duration(number)
    low, high = TIMEBOX_RANGE
    if seconds <= 0:
        raise ValueError(f"a time box must be longer than zero ({TIMEBOX_WORDS})")
    if not low <= seconds <= high:
        raise ValueError(
            f"{number!r} is too {'short' if seconds < low else 'long'}: {TIMEBOX_WORDS}")
    return seconds


def format_duration(seconds: float, exact: bool = False) -> str:
    """Short human form: `45s`, `12m`, `1h05m`, cut down (never rounded up) to the unit shown,
    so a length below a limit or a bin's edge never prints as that edge: 29.999 s is `29s`,
    119.999 s `1m`, 120 s `2m`. `exact` adds the seconds a length has beyond its minutes
    (`1m30s`, `2.5s`): for limits, printed as they were configured.
    """
    seconds = max(0.0, seconds)
    if exact:
        minutes, rest = divmod(seconds, 60)
        if not minutes:
            return f"{rest:g}s"
        return format_duration(minutes * 60) + (f"{rest:02g}s" if rest else "")
    whole = int(seconds)
    if whole < 60:
        return f"{whole}s"
    minutes = whole // 60
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def whole_minutes(seconds: float) -> int:
    """The whole minutes in a length, cut down as `format_duration` cuts: 59.9 s is 0."""
    return int(max(0.0, seconds) // 60)


def format_minutes(seconds: float) -> str:
    """Whole minutes for a table of minutes, `<1` for some time under a minute: a zone that
    held a while never shows 0, and none shows a minute it did not reach."""
    return "<1" if 0 < seconds < 60 else str(whole_minutes(seconds))


def format_countdown(seconds: float) -> str:
    """Time left, as a countdown reads it: rounded up to the unit shown, so a box just
    started shows its whole length (34m59s left is `35m`) and `0s` only once none is left."""
    whole = math.ceil(max(0.0, seconds))
    return format_duration(whole if whole < 60 else 60 * math.ceil(whole / 60))
