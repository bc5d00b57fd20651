"""Where documents are placed: URIs decoded byte for byte, git root first, innermost folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from dptelemetry.capture.lsp.locations import Location, Locator, uri_to_path
from dptelemetry.events import utf8_safe
from dptelemetry.privacy import stored_path


@pytest.mark.parametrize(("uri", "path"), [
    ("file:///home/me/kata.py", "/home/me/kata.py"),
    ("file://localhost/home/me/a%20b.py", "/home/me/a b.py"),
    ("file:///c%3A/Users/me/x.py", "c:/Users/me/x.py"),
    ("file:///C:/Users/me/x.py", "C:/Users/me/x.py"),
    ("file://server/share/x.py", "//server/share/x.py"),
    ("file:///tmp/caf%E9.py", "/tmp/caf\udce9.py"),
    ("untitled:Untitled-1", None),
    ("jdt://contents/java.base/String.class", None),
    ("file://", None),
])
def test_uris_decode_to_the_bytes_of_the_path(uri: str, path: str | None) -> None:
    assert uri_to_path(uri) == path


def test_storable_text_is_valid_utf8_with_undecodable_bytes_visible() -> None:
    assert utf8_safe("plain é") == "plain é"
    assert utf8_safe("caf\udce9.py") == "caf\\xe9.py"
    assert utf8_safe("lone \ud800").encode("utf-8")


def test_the_git_root_wins_and_a_worktree_git_file_counts(tmp_path: Path) -> None:
    worktree = tmp_path / "ws" / "wt"
    (worktree / "pkg").mkdir(parents=True)
    (worktree / ".git").write_text("gitdir: /elsewhere/.git/worktrees/wt\n")
    locator = Locator([(tmp_path / "ws").as_uri()])
    assert locator.locate((worktree / "pkg" / "m.py").as_uri()) == Location(
        repo=str(worktree), path="pkg/m.py")


def test_the_innermost_workspace_folder_holds_a_file(tmp_path: Path) -> None:
    outer, inner = tmp_path / "outer", tmp_path / "outer" / "inner"
    locator = Locator([outer.as_uri(), inner.as_uri() + "/"])
    assert locator.locate((inner / "x.txt").as_uri()) == Location(str(inner), "x.txt")
    assert locator.locate((outer / "y.txt").as_uri()) == Location(str(outer), "y.txt")
    assert locator.locate((tmp_path / "outerly.txt").as_uri()) == Location(
        None, (tmp_path / "outerly.txt").as_posix())


def test_hashed_locations_hash_the_real_bytes(tmp_path: Path) -> None:
    folder = tmp_path / "w"
    located = Locator([folder.as_uri()], hash_paths=True).locate(folder.as_uri() + "/caf%E9")
    assert located == Location(stored_path(str(folder), True), stored_path("caf\udce9", True))
