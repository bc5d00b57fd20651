"""The one clock every capture point stamps events with, and instants as local time.

`DPT_CLOCK_OFFSET` (seconds, may be negative) shifts it, so a demo or an end-to-end test can
record a realistic day through the real capture paths without waiting for one.
"""

from __future__ import annotations

import os
import time


def _offset() -> float:
    try:
        return float(os.environ.get("DPT_CLOCK_OFFSET", "0") or 0)
    except ValueError:
        return 0.0


_OFFSET = _offset()


def now() -> float:
    """Seconds since the epoch (UTC), shifted by `DPT_CLOCK_OFFSET`."""
    return time.time() + _OFFSET


def local_time(ts: float, fmt: str = "%H:%M") -> str:
    """An instant as the user's local wall clock shows it (`time.strftime`'s `fmt`)."""
    return time.strftime(fmt, time.localtime(ts))
