"""Real faults for the store: a second process holding the write lock, a read-only data home."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from dptelemetry.store import open_store, store_path

_HOLD_LOCK = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()
conn.execute("ROLLBACK")
"""


@contextmanager
def write_lock_held(home: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holds the store's write lock (`BEGIN IMMEDIATE`) until the block ends
    (or until the caller closes its stdin). A missing store is created first."""
    if not store_path(home).exists():
        with open_store(home):
            pass
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_LOCK, str(store_path(home))],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdin is not None and holder.stdout is not None
    try:
        assert holder.stdout.readline() == "locked\n"
        yield holder
    finally:
        if not holder.stdin.closed:
            holder.stdin.close()
        assert holder.wait(10) == 0


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """`folder` and everything in it cannot be written, for this process too: permissions for
    an ordinary user; for root, whom permissions do not stop, a read-only bind mount."""
    if os.geteuid() != 0:
        paths = [folder, *folder.rglob("*")]
        modes = {path: path.stat().st_mode for path in paths}
        for path in paths:
            path.chmod(modes[path] & ~0o222)
        try:
            yield
        finally:
            for path in reversed(paths):
                path.chmod(modes[path])
        return
    mounted = subprocess.run(["mount", "--bind", str(folder), str(folder)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"root without mount privileges cannot make {folder} read-only: "
                    f"{mounted.stderr.strip()}")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
        with pytest.raises(OSError):
            (folder / "probe").touch()
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)
