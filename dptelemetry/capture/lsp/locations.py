"""Where a document lives: its repository (git root, else workspace folder) and relative path.

Resolved once per document, when it is opened, never per keystroke: finding the git root
looks at the disk. Paths are decoded from URIs byte for byte, so a file name that is not
valid UTF-8 still finds its folder; what is stored is made valid UTF-8 (undecodable bytes as
`\\xNN`), or hashed when `privacy.hash_paths` is set.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from dptelemetry.events import utf8_safe
from dptelemetry.limits import MAX_PATH
from dptelemetry.privacy import hashed, stored_path

_DRIVE = re.compile(r"^/[A-Za-z]:")


@dataclass(frozen=True, slots=True)
class Location:
    """A document's place in the form the store keeps (already hashed if asked)."""

    repo: str | None
    path: str | None


NOWHERE = Location(repo=None, path=None)
"""Untitled buffers and other non-file documents: no repository, no path."""


def uri_to_path(uri: str) -> str | None:
    """The file system path of a `file:` URI; None for any other scheme.

    Percent-escapes are decoded to raw bytes (invalid UTF-8 kept as surrogate escapes, as
    `os.fsdecode` does), so the path names the very file the editor has open.
    """
    try:
        parts = urlsplit(uri)
    except ValueError:
        return None
    if parts.scheme.lower() != "file":
        return None
    path = unquote(parts.path, errors="surrogateescape")
    if parts.netloc and parts.netloc.lower() != "localhost":
        path = f"//{parts.netloc}{path}"  # a UNC share
    elif _DRIVE.match(path):
        path = path[1:]  # file:///C:/x -> C:/x
    return path or None


class Locator:
    """Maps document URIs to locations, given the workspace folders the client sent."""

    def __init__(self, folder_uris: Iterable[str] = (), *, hash_paths: bool = False) -> None:
        self.hash_paths = hash_paths
        self._folders: set[Path] = set()
        self.add_folders(folder_uris)

    def add_folders(self, uris: Iterable[str]) -> None:
        self._folders.update(_paths(uris))

    def remove_folders(self, uris: Iterable[str]) -> None:
        self._folders.difference_update(_paths(uris))

    def locate(self, uri: str) -> Location:
        decoded = uri_to_path(uri)
        if decoded is None:
            return NOWHERE
        path = Path(decoded)
        root = git_root(path.parent) or self._folder_of(path)
        if root is None:
            return self._stored(None, path.as_posix())
        return self._stored(str(root), path.relative_to(root).as_posix())

    def _folder_of(self, path: Path) -> Path | None:
        """The innermost workspace folder holding `path`."""
        holding = [f for f in self._folders if path.is_relative_to(f)]
        return max(holding, key=lambda f: len(f.parts)) if holding else None

    def _stored(self, repo: str | None, path: str) -> Location:
        if self.hash_paths:
            return Location(repo=stored_path(repo, True), path=hashed(path))
        return Location(repo=utf8_safe(repo)[:MAX_PATH] if repo else None,
                        path=utf8_safe(path)[:MAX_PATH])


def _paths(uris: Iterable[str]) -> list[Path]:
    return [Path(path) for uri in uris if (path := uri_to_path(uri))]


def git_root(directory: Path) -> Path | None:
    """The nearest directory at or above `directory` holding `.git` (a work tree's `.git`
    may be a file)."""
    for folder in (directory, *directory.parents):
        try:
            if (folder / ".git").exists():
                return folder
        except (OSError, ValueError):  # unreadable folder, or a NUL in the name
            continue
    return None
