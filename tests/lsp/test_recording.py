"""What the server records for what a real client sends, over stdio."""

from __future__ import annotations

import subprocess
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from dptelemetry import __version__

from .lspclient import change, edit, flush, initialize, open_document, stored


def git_init(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    return path


async def test_open_type_delete_save_close_are_recorded_with_exact_counts(
    client: LanguageClient, dpt_home: Path, tmp_path: Path
) -> None:
    repo = git_init(tmp_path / "kata")
    result = await initialize(client, folders=[repo])
    sync = result.capabilities.text_document_sync
    assert isinstance(sync, types.TextDocumentSyncOptions)
    assert sync.change == types.TextDocumentSyncKind.Incremental
    assert sync.open_close and sync.save

    uri = (repo / "src" / "bowling.py").as_uri()
    open_document(client, uri, "def score():\n    return 0\n")
    for column, char in enumerate("pass"):  # typing, one keystroke at a time
        change(client, uri, edit(2, column, 2, column, char), version=2 + column)
    change(client, uri, edit(0, 4, 1, 11), version=10)  # "score():\n    return " = 20 chars
    change(client, uri, edit(0, 4, 0, 5, "total"), version=11)  # replace one char by five
    client.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    assert await flush(client) == {"written": 10, "spooled": 0}

    events = stored(dpt_home)
    assert [e.kind for e in events] == (
        ["lsp_start", "open"] + ["edit"] * 6 + ["save", "close"])
    assert events[0].payload == {"client": "pytest-lsp", "server_version": __version__}
    assert {(e.repo, e.path) for e in events[1:]} == {(str(repo), "src/bowling.py")}
    assert events[1].payload == {"language": "python", "lines": 3}
    edits = [e.payload for e in events if e.kind == "edit"]
    assert [(p["inserted"], p["deleted"], p["line"], p["lines"]) for p in edits] == (
        [(1, 0, 2, 1)] * 4 + [(0, 20, 0, 2), (5, 1, 0, 1)])
    assert {p["language"] for p in edits} == {"python"}
    assert not any(p["assisted"] for p in edits)
    assert all(e.source == "lsp" for e in events)


async def test_shutdown_then_exit_records_one_stop(
    client: LanguageClient, dpt_home: Path
) -> None:
    await initialize(client)
    await client.shutdown_session()
    assert [e.payload for e in stored(dpt_home, "lsp_stop")] == [{"reason": "shutdown"}]


async def test_a_paste_over_the_threshold_is_an_assisted_edit(
    client: LanguageClient, dpt_home: Path, tmp_path: Path
) -> None:
    await initialize(client, options={"thresholds": {"assisted_edit_chars": 50}})
    uri = (tmp_path / "notes.md").as_uri()
    open_document(client, uri, "", language="markdown")
    change(client, uri, edit(0, 0, 0, 0, "x" * 50))
    change(client, uri, edit(0, 50, 0, 50, "y" * 51))
    await flush(client)
    assert [e.payload["assisted"] for e in stored(dpt_home, "edit")] == [False, True]


async def test_files_are_placed_in_their_git_repo_or_workspace_folder_of_several(
    client: LanguageClient, dpt_home: Path, tmp_path: Path
) -> None:
    plain = tmp_path / "plain"
    (plain / "deep").mkdir(parents=True)
    repo = git_init(tmp_path / "two" / "repo")
    outside = tmp_path / "elsewhere" / "scratch.txt"
    await initialize(client, folders=[plain, tmp_path / "two"])
    for path in (plain / "deep" / "a.c", repo / "b.rs", tmp_path / "two" / "c.go", outside):
        open_document(client, path.as_uri(), "x\n")
    added = git_init(tmp_path / "added")
    client.workspace_did_change_workspace_folders(types.DidChangeWorkspaceFoldersParams(
        event=types.WorkspaceFoldersChangeEvent(
            added=[types.WorkspaceFolder(uri=(tmp_path / "late").as_uri(), name="late")],
            removed=[types.WorkspaceFolder(uri=plain.as_uri(), name="plain")])))
    for path in (added / "d.py", tmp_path / "late" / "e.py", plain / "f.py"):
        open_document(client, path.as_uri(), "x\n")
    await flush(client)
    assert [(e.repo, e.path) for e in stored(dpt_home, "open")] == [
        (str(plain), "deep/a.c"),
        (str(repo), "b.rs"),
        (str(tmp_path / "two"), "c.go"),
        (None, outside.as_posix()),
        (str(added), "d.py"),
        (str(tmp_path / "late"), "e.py"),
        (None, (plain / "f.py").as_posix()),
    ]


async def test_untitled_buffers_are_recorded_without_a_path(
    client: LanguageClient, dpt_home: Path
) -> None:
    await initialize(client, capabilities="visual_studio_code")
    open_document(client, "untitled:Untitled-1", "", language="plaintext")
    change(client, "untitled:Untitled-1", edit(0, 0, 0, 0, "hello"))
    await flush(client)
    [opened, edited] = stored(dpt_home, "open", "edit")
    assert (opened.repo, opened.path, edited.repo, edited.path) == (None, None, None, None)
    assert edited.payload["inserted"] == 5


async def test_non_utf8_paths_are_placed_and_stored_as_valid_text(
    client: LanguageClient, dpt_home: Path, tmp_path: Path
) -> None:
    repo = git_init(tmp_path / "r")
    await initialize(client, folders=[repo])
    uri = repo.as_uri() + "/caf%E9/%FF.py"  # Latin-1 bytes: not UTF-8
    open_document(client, uri, "a\n")
    change(client, uri, edit(0, 1, 0, 1, "b"))
    await flush(client)
    events = stored(dpt_home, "open", "edit")
    assert [(e.repo, e.path) for e in events] == [(str(repo), "caf\\xe9/\\xff.py")] * 2


async def test_hashed_paths_never_store_the_names(
    client: LanguageClient, dpt_home: Path, tmp_path: Path
) -> None:
    repo = git_init(tmp_path / "secret-project")
    await initialize(client, options={"privacy": {"hash_paths": True}})
    open_document(client, (repo / "plans.py").as_uri(), "")
    await flush(client)
    [opened] = stored(dpt_home, "open")
    assert opened.repo is not None and opened.repo.startswith("sha256:")
    assert opened.path is not None and opened.path.startswith("sha256:")
    assert b"secret-project" not in (dpt_home / "events.sqlite3").read_bytes()
    assert b"plans.py" not in (dpt_home / "events.sqlite3").read_bytes()


async def test_clients_sending_whole_documents_are_counted_by_shape(
    client: LanguageClient, dpt_home: Path, tmp_path: Path
) -> None:
    await initialize(client)
    uri = (tmp_path / "full.txt").as_uri()
    open_document(client, uri, "one\ntwo\n", language="plaintext")
    for version, text in enumerate(["one\ntwo!\n", "one\ntwo!\nthree\n", "one\n"], start=2):
        change(client, uri, types.TextDocumentContentChangeWholeDocument(text=text),
               version=version)
    await flush(client)
    assert [(e.payload["inserted"], e.payload["deleted"], e.payload["line"])
            for e in stored(dpt_home, "edit")] == [(1, 0, 1), (6, 0, 2), (0, 11, 1)]


async def test_the_same_document_sent_again_is_no_edit(
    client: LanguageClient, dpt_home: Path, tmp_path: Path
) -> None:
    """ALE (Vim) sends the whole document again, unchanged, before each save."""
    await initialize(client)
    uri = (tmp_path / "ale.py").as_uri()
    open_document(client, uri, "one\n")
    for version, text in enumerate(["one!\n", "one!\n", "one?\n"], start=2):
        change(client, uri, types.TextDocumentContentChangeWholeDocument(text=text),
               version=version)
    change(client, uri, edit(0, 2, 0, 2), version=5)  # an empty range replaced by nothing
    client.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    await flush(client)
    assert [(e.kind, e.payload.get("inserted"), e.payload.get("deleted"))
            for e in stored(dpt_home, "edit", "save")] == [
        ("edit", 1, 0), ("edit", 0, 0), ("save", None, None)]


async def test_a_100000_line_document_counts_deletions_from_the_range(
    client: LanguageClient, dpt_home: Path, tmp_path: Path
) -> None:
    await initialize(client)
    uri = (tmp_path / "big.log").as_uri()
    lines = [f"entry {i}" for i in range(100_000)]
    open_document(client, uri, "\n".join(lines), language="log")
    change(client, uri, edit(99_999, 0, 99_999, 0, "last "))
    change(client, uri, edit(5, 3, 95_005, 2))
    await flush(client)
    [opened, typed, deleted] = stored(dpt_home, "open", "edit")
    assert opened.payload["lines"] == 100_000
    assert typed.payload["inserted"] == 5
    expected = len("\n".join(lines[5:95_006])) - 3 - (len(lines[95_005]) - 2)
    assert (deleted.payload["deleted"], deleted.payload["lines"]) == (expected, 95_001)


async def test_edits_before_a_document_was_opened_are_still_recorded(
    client: LanguageClient, dpt_home: Path, tmp_path: Path
) -> None:
    await initialize(client)
    uri = (tmp_path / "never-opened.py").as_uri()
    change(client, uri, edit(3, 0, 3, 4))
    await flush(client)
    [edited] = stored(dpt_home, "edit")
    assert (edited.payload["deleted"], edited.payload["language"]) == (4, "unknown")
