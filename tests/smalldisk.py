"""A really full disk, for the tests of what capture does when the data home cannot take a
write: the `small_disk` fixture (tests/conftest.py) mounts one."""

from __future__ import annotations

import errno
import os
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
