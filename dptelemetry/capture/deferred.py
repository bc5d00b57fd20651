"""Warnings a detached recorder leaves for the next capture to show.

The git hooks' recorder and the pytest plugin's recorder run after their host returned, when
nobody may be reading their stderr. So a problem is left in a small file, which the next
commit's shim or the next pytest session shows once and removes. Standard library only: the
pytest plugin reads these files at the end of every session.
"""

from __future__ import annotations

import os
from pathlib import Path

from dptelemetry.private_files import write_private_atomic


def leave(path: Path, text: str) -> None:
    """Replace the file with one holding `text`, readable by its owner only (warnings name
    paths), in one step: the next shim reads the whole text or the earlier one, and a link
    put in its place is replaced, never written through. OSError if it cannot be written."""
    write_private_atomic(path, text)


def take(path: Path) -> str | None:
    """The text left in `path`, which is removed; None when there is none (or a symbolic
    link is there: never read through)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        path.unlink()
    except OSError:
        return None
    return text
