"""Path privacy: with `privacy.hash_paths`, repositories and files are stored as hashes.

The same path always hashes the same way, so file switches and churn on one file stay
measurable while the name stays private.
"""

from __future__ import annotations

import hashlib


def stored_path(path: str | None, hash_paths: bool) -> str | None:
    """The form of `path` the store may keep."""
    if path is None or not hash_paths:
        return path
    return "sha256:" + hashlib.sha256(path.encode("utf-8", "surrogateescape")).hexdigest()[:16]
