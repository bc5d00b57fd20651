"""Durations as people write them ("45m", "1h30m", "90s", "2.5") and as we print them."""

from __future__ import annotations

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


def format_duration(seconds: float) -> str:
    """Short human form: `45s`, `12m`, `1h05m`. Rounds to whole seconds / minutes."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{round(seconds)}s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"
