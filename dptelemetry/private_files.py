"""Private files: the data home is 0700 and every file in it readable by its owner only,
whichever part of dptelemetry creates it; so is every file written with `--output`/`-o`.

The store, the spool, the server's log, `active-goal`, `hook-warning`, reports and the git
template all hold the same private data (what you practised, when, where). One mechanism
for all of them: folders are made with `private_dir`, files with `open_private` /
`write_private`, and an existing folder or file that others may read is tightened
(`tighten`: group and other bits removed, the owner's kept, so a hook stays executable).
A file that others read while it changes (`active-goal`, warnings left for the next commit,
state files) is replaced whole with `write_private_atomic`.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import IO

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
_OTHERS = stat.S_IRWXG | stat.S_IRWXO


def tighten(path: Path) -> bool:
    """Take group and other permissions off `path` (not following a symlink) if it has any
    and is ours; True if it had to be changed. Missing or not ours: left alone."""
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode) or not info.st_mode & _OTHERS or \
                info.st_uid != os.geteuid():
            return False
        path.chmod(stat.S_IMODE(info.st_mode) & ~_OTHERS)
    except OSError:
        return False
    return True


def private_dir(home: Path, *parts: str) -> Path:
    """The folder `home/parts...`, each folder from `home` down made (or tightened to) one
    only its owner can enter; missing parents of `home` are made as `mkdir -p` would."""
    folder = home
    for part in ("", *parts):
        folder = folder / part if part else folder
        try:
            folder.mkdir(mode=PRIVATE_DIR, parents=True)
        except FileExistsError:
            if not folder.is_dir():
                raise
            tighten(folder)
    return folder


def open_private(path: Path, mode: str = "w", encoding: str = "utf-8") -> IO[str]:
    """`path` opened for writing text, created 0600, an existing file tightened to it."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if mode == "a" else os.O_TRUNC)
    fd = os.open(path, flags, PRIVATE_FILE)
    try:
        if stat.S_IMODE(os.fstat(fd).st_mode) & _OTHERS:
            os.fchmod(fd, PRIVATE_FILE)
    except OSError:
        pass  # not ours (an --output the user pointed at someone else's file): as it is
    return os.fdopen(fd, mode, encoding=encoding)


def write_private(path: Path, text: str) -> None:
    with open_private(path) as out:
        out.write(text)


def write_private_atomic(path: Path, content: str | bytes) -> None:
    """Replace `path` with a new file, 0600, holding `content` (text as UTF-8): a reader sees
    the old file or the new one, never a part; a symbolic link at `path` is replaced, never
    followed. OSError if that fails, and then nothing is left behind."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    tmp = path.with_name(f".{path.name}.{os.urandom(6).hex()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PRIVATE_FILE)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def private_tree(root: Path) -> None:
    """Tighten `root` and everything under it (a copied git template)."""
    tighten(root)
    for folder, dirs, files in os.walk(root):
        for name in (*dirs, *files):
            tighten(Path(folder) / name)
