"""Where captured events wait when the data home cannot take them (its disk is full, it is not
a writable directory): a private directory outside it, one per user and data home.

That is `dptelemetry-<uid>/<key>` under `$XDG_RUNTIME_DIR` (a per-user tmpfs on most Linux
desktops), else `$TMPDIR`, else `/tmp`; the key is a hash of the data home's path. The git
hook shims compute the same path in sh (uid and key are baked in at install), so they can
show a warning a detached recorder left there. The next opening of the store reads back
whatever waits here. A directory that is not this user's own and private is never used.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path


def base() -> Path:
    return Path(os.environ.get("XDG_RUNTIME_DIR") or os.environ.get("TMPDIR") or "/tmp")


def name(home: Path) -> str:
    """The fallback directory's path under `base()`, for the shims to bake in."""
    key = hashlib.sha256(os.fsencode(home.absolute())).hexdigest()[:16]
    return f"dptelemetry-{os.getuid()}/{key}"


def _private(path: Path) -> bool:
    try:
        info = path.lstat()
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() \
        and not info.st_mode & 0o077


def directory(home: Path) -> Path | None:
    """The fallback directory for `home`, if it exists and is private to this user."""
    path = base() / name(home)
    return path if _private(path.parent) and path.is_dir() else None


def make_directory(home: Path) -> Path:
    """The fallback directory for `home`, made if needed; OSError if that fails or if the
    per-user directory above it is not private to this user (someone else made it)."""
    path = base() / name(home)
    path.parent.mkdir(mode=0o700, exist_ok=True)
    if not _private(path.parent):
        raise OSError(f"{path.parent} is not a private directory of this user")
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def home_problem(home: Path) -> str | None:
    """Why the data home cannot take a write, if that can be seen without writing: not a
    writable directory (or none can be made there), or no space left on its device."""
    existing = home.absolute()
    while not os.path.lexists(existing) and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        return f"the data home {home} is not a writable directory"
    try:
        space = os.statvfs(existing)
    except OSError:
        return None
    if space.f_bavail == 0 or (space.f_files and space.f_favail == 0):  # btrfs: 0 of 0
        return f"no space is left on the device of the data home {home}"
    return None


def explain(home: Path, error: Exception) -> str:
    """The error, and what makes the data home refuse writes where that can be seen (sqlite
    says "disk I/O error" for a full disk)."""
    problem = home_problem(home)
    return f"{error}; {problem}" if problem and problem not in str(error) else str(error)
