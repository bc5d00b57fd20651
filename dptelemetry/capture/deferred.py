"""Warnings a detached recorder leaves for the next capture to show.

The git hooks' recorder and the pytest plugin's recorder run after their host returned, when
nobody may be reading their stderr. So a problem is left in a small file, which the next
commit's shim or the next pytest session shows once and removes. Standard library only: the
pytest plugin reads these files at the end of every session.
"""

from __future__ import annotations

import os
from pathlib import Path


def leave(path: Path, text: str) -> None:
    """Replace the file's content with `text`; readable by its owner only (warnings name
    paths). OSError if it cannot be written, and then no partial text is left."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            os.fchmod(fd, 0o600)
            fh.write(text)
    except OSError:
        path.unlink(missing_ok=True)
        raise


def take(path: Path) -> str | None:
    """The text left in `path`, which is removed; None when there is none."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
        path.unlink()
    except OSError:
        return None
    return text
