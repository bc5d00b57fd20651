"""A real client (pytest-lsp) and real faults around the server: another process holding the
write lock through a kill -9, the store deleted or moved under it, the signals that end it."""

from __future__ import annotations

import asyncio
import shutil
import signal
import time
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from dptelemetry.capture.lsp.log import LOG_FILE
from dptelemetry.store import open_store, store_path
from tests.storefaults import write_lock_held

from .lspclient import change, command, edit, flush, initialize, open_document, stored


def server_process(client: LanguageClient) -> asyncio.subprocess.Process:
    """The server process pytest-lsp started (pygls keeps it in a private attribute)."""
    process = client._server
    assert process is not None
    return process


async def handled(client: LanguageClient) -> None:
    """A request that neither flushes nor touches the store: its answer (an error: the
    server offers no hover) proves every notification sent before it was handled."""
    with pytest.raises(JsonRpcException):
        await client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri="file:///nowhere.py"),
            position=types.Position(line=0, character=0)))


async def test_kill_9_while_another_process_holds_the_lock_loses_nothing_older_than_1s(
    client: LanguageClient, dpt_home: Path, tmp_path: Path
) -> None:
    uri = (tmp_path / "locked.py").as_uri()
    typed = 300
    with write_lock_held(dpt_home):
        await initialize(client)
        open_document(client, uri, "\n" * 1000)
        for line in range(typed):  # line = which edit
            change(client, uri, edit(line, 0, line, 0, "x"))
            await asyncio.sleep(0.01)
        await handled(client)  # the server has every one of them: the second starts now
        deadline = time.monotonic() + 3.0  # long enough for a busy writer to spool
        line = typed
        while time.monotonic() < deadline:  # typing goes on until the kill
            change(client, uri, edit(line, 0, line, 0, "x"))
            line += 1
            await asyncio.sleep(0.01)
        process = server_process(client)
        process.kill()
        await asyncio.wait_for(process.wait(), 10)
    lines = {e.payload["line"] for e in stored(dpt_home, "edit")}  # the spool is read too
    assert set(range(typed)) - lines == set()


async def test_commands_that_read_answer_while_another_process_holds_the_write_lock(
    client: LanguageClient, dpt_home: Path, tmp_path: Path
) -> None:
    await initialize(client)
    uri = (tmp_path / "a.py").as_uri()
    open_document(client, uri, "")
    assert await flush(client) == {"written": 2, "spooled": 0}
    with write_lock_held(dpt_home):
        change(client, uri, edit(0, 0, 0, 0, "x"))
        assert await flush(client) == {"written": 2, "spooled": 1}
        text = await command(client, "dpt.summary")
        assert "Typing" in text or "typing" in text
    change(client, uri, edit(0, 1, 0, 1, "y"))
    assert await flush(client) == {"written": 3, "spooled": 1}
    assert not list((dpt_home / "spool").iterdir())  # the free store took the spool back
    assert len(stored(dpt_home, "edit")) == 2


@pytest.mark.parametrize("how", ["deleted", "moved", "home removed"])
async def test_a_store_deleted_or_moved_under_the_server_is_recreated_and_logged(
    client: LanguageClient, dpt_home: Path, tmp_path: Path, how: str
) -> None:
    await initialize(client)
    uri = (tmp_path / "b.py").as_uri()
    open_document(client, uri, "\n\n\n")
    change(client, uri, edit(0, 0, 0, 0, "a"))
    assert await flush(client) == {"written": 3, "spooled": 0}
    aside = tmp_path / "aside"
    aside.mkdir()
    store = store_path(dpt_home)
    if how == "home removed":
        shutil.rmtree(dpt_home)
    elif how == "deleted":  # the file alone: its -wal and -shm stay behind
        store.unlink()
    else:
        for suffix in ("", "-wal", "-shm"):
            part = store.with_name(store.name + suffix)
            part.replace(aside / part.name)

    change(client, uri, edit(1, 0, 1, 0, "b"))
    change(client, uri, edit(2, 0, 2, 0, "c"))
    assert await flush(client) == {"written": 5, "spooled": 0}

    assert [e.payload["line"] for e in stored(dpt_home, "edit")] == [1, 2]
    if how == "moved":
        with open_store(aside) as moved:
            assert [e.kind for e in moved.iter_events()] == ["lsp_start", "open", "edit"]
    log = (dpt_home / LOG_FILE).read_text().splitlines()
    assert len([line for line in log if "deleted or replaced" in line]) == 1


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT,
                                    signal.SIGQUIT])
async def test_each_ending_signal_writes_everything_records_the_stop_and_exits(
    client: LanguageClient, dpt_home: Path, tmp_path: Path, signum: int
) -> None:
    await initialize(client)
    uri = (tmp_path / "c.py").as_uri()
    open_document(client, uri, "")
    for column in range(50):
        change(client, uri, edit(0, column, 0, column, "k"))
    await command(client, "dpt.goal.start", "sync point")  # every edit has been received
    process = server_process(client)
    process.send_signal(signum)
    assert await asyncio.wait_for(process.wait(), 10) == 128 + signum
    assert len(stored(dpt_home, "edit")) == 50
    assert [e.payload for e in stored(dpt_home, "lsp_stop")] == [{"reason": "signal"}]
