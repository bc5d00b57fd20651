"""How long a text a user gives may be, how big an event may get, and how much of a text a
report shows: one table, so the CLI, the language server's commands, `dpt import`, the store
and the renderers all agree, and refuse with the same words (documented in docs/events.md).

A cap keeps a typo (a file pasted as a title) from becoming a 10,000-character commit
trailer, and keeps every report quick to read and to render. Imports nothing but the
error class, so any capture point may read it for free.
"""

from __future__ import annotations

from typing import NamedTuple

from dptelemetry.errors import DptError


class TextLimit(NamedTuple):
    """The longest text a user may give for one thing, in characters of the text as stored:
    a title, target, weak spot or stuck text is stored as one line (line breaks and runs of
    spaces made single spaces first), a goal's note as typed."""

    what: str
    """Names the text in an error: 'a goal title'."""
    chars: int


GOAL_TITLE = TextLimit("a goal title", 200)
"""Also the `Practice-Goal:` trailer, one line of the commit message."""
GOAL_TARGET = TextLimit("a goal's target", 500)
GOAL_WEAKNESS = TextLimit("a goal's weak spot", 500)
GOAL_NOTE = TextLimit("a goal's note", 2000)
STUCK_TEXT = TextLimit("a stuck moment's text", 1000)

TEXT_LIMITS = (GOAL_TITLE, GOAL_TARGET, GOAL_WEAKNESS, GOAL_NOTE, STUCK_TEXT)

MAX_TIMEBOX_S = 7 * 86400
"""The longest time box the store accepts (from older versions and their exports, which took
any); a new one is 1m to 24h (`durations.TIMEBOX_RANGE`)."""

MAX_NAME = 200
"""A name a program gives (language id, client, runner, branch, exception type, reason)."""
MAX_PATH = 4096
"""A repository root or file path (Linux's PATH_MAX)."""
MAX_EXTRA_TEXT = GOAL_NOTE.chars
"""A text in a payload field its kind does not declare."""
MAX_EXTRA_DEPTH = 3
"""Nesting of a payload field its kind does not declare (`{"change": {"lever": ...}}` is 1)."""
MAX_INT = 2**53 - 1
"""Integers beyond this lose precision in JavaScript and most JSON readers."""
MAX_PAYLOAD_BYTES = 64 * 1024
"""A payload's JSON text, except a test run's (below)."""
MAX_TEST_RUN_PAYLOAD_BYTES = 1024 * 1024
"""A test run keeps up to 200 failure signatures of up to 500 characters each."""


MAX_SHOWN = max(limit.chars for limit in TEXT_LIMITS)
"""Characters a report shows of one text: any text a user can give, whole. rich wraps a long
text in time that grows with its square (a 2 MB stuck note took 6 s), so a longer one (from
a store written before these limits) is cut, and rendering stays linear in what it shows."""


def shown(text: str) -> str:
    """`text`, cut to MAX_SHOWN characters (the cut marked with an ellipsis)."""
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN - 1] + "…"


class TextTooLongError(DptError):
    """A text over its limit; the message names the limit and the length."""


def check_text(limit: TextLimit, text: str) -> str:
    """`text` if it is within `limit`; else TextTooLongError saying so."""
    if len(text) > limit.chars:
        raise TextTooLongError(
            f"{limit.what} is at most {limit.chars:,} characters; this one has {len(text):,}")
    return text
