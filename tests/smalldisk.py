"""A data home that cannot take a write, for the tests of what capture does then: a really
full disk (the `small_disk` fixture in tests/conftest.py mounts one), or a home under a
regular file (the `unwritable_home` fixture gives each in turn)."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


class SmallDisk:
    """A real tmpfs of a few hundred KB, mounted for one test, which it fills to the last
    byte and frees again."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._filler = path / ".filler"

    def fill(self) -> None:
        chunk = b"\0" * 4096
        with self._filler.open("ab", buffering=0) as fh:
            while True:
                try:
                    fh.write(chunk)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC, exc
                    break
        assert os.statvfs(self.path).f_bavail == 0

    def free(self) -> None:
        self._filler.unlink()


@dataclass(frozen=True)
class UnwritableHome:
    home: Path
    why: str
    """What a warning names as the reason."""
    mend: Callable[[], None]
    """Makes the home writable again."""
