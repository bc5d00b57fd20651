"""Warnings a detached recorder leaves for the next capture to show.

The git hooks' recorder and the pytest plugin's recorder run after their host returned, when
nobody may be reading their stderr. So a problem is left in a small file, which the next
commit's shim or the next pytest session shows once and removes. Standard library only: the
pytest plugin reads these files at the end of every session.
"""

from __future__ import annotations

from pathlib import Path

from dptelemetry.private_files import write_private


def leave(path: Path, text: str) -> None:
    """Replace the file's content with `text`; readable by its owner only (warnings name
    paths). OSError if it cannot be written, and then no partial text is left."""
    try:
        write_private(path, text)
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
