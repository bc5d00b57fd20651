"""Errors a user can act on.

Anything raised as `DptError` reaches the user as one line on stderr and a non-zero exit,
never as a traceback (see `dptelemetry.cli`).
"""


class DptError(Exception):
    """A problem the user can fix; its message is the whole explanation."""
