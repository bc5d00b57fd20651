"""What can go wrong with the store, as errors a user can act on (one line, no traceback)."""

from __future__ import annotations

from dptelemetry.errors import DptError


class StoreError(DptError):
    """The store cannot be used right now; nothing in it was changed."""


class StoreCorruptError(StoreError):
    pass


class StoreTooNewError(StoreError):
    pass
