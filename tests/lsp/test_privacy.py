"""What a developer types never reaches the disk: not the store, its WAL, the spool or the log."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from dptelemetry.capture.lsp.log import LOG_FILE

from .lspclient import change, command, edit, flush, initialize, open_document, stored


def files_holding(home: Path, secret: str) -> list[Path]:
    needles = [secret.encode(enc) for enc in ("utf-8", "utf-16-le", "utf-16-be")]
    return [path for path in home.rglob("*")
            if path.is_file() and any(n in path.read_bytes() for n in needles)]


async def test_a_typed_secret_is_in_no_file_under_the_data_home(
    client: LanguageClient, dpt_home: Path, tmp_path: Path
) -> None:
    secret = f"hunter2-{uuid.uuid4().hex}"
    await initialize(client)
    uri = (tmp_path / "config.py").as_uri()
    open_document(client, uri, f"password = '{secret}'\n")
    for column, char in enumerate(secret):  # typed
        change(client, uri, edit(1, column, 1, column, char), version=2 + column)
    change(client, uri, edit(2, 0, 2, 0, secret * 20))  # pasted
    change(client, uri, types.TextDocumentContentChangeWholeDocument(text=secret))  # resent
    # and in messages pygls cannot read, which it logs with their params
    for params in ({"textDocument": {"uri": uri}, "contentChanges": [{"text": 5, "x": secret}]},
                   {"textDocument": {"text": secret}}):
        client.protocol._send_data({"jsonrpc": "2.0", "method": "textDocument/didChange",
                                    "params": params})
    with pytest.raises(JsonRpcException):
        await command(client, f"no.such.command.{secret}", secret)
    await flush(client)

    assert len(stored(dpt_home, "edit")) == len(secret) + 2
    assert (dpt_home / LOG_FILE).stat().st_size > 0  # errors were logged...
    assert sorted(p.name for p in dpt_home.iterdir()) == [
        "events.sqlite3", "events.sqlite3-shm", "events.sqlite3-wal", "logs"]
    assert files_holding(dpt_home, secret) == []  # ...without the secret
    await client.shutdown_session()
    assert files_holding(dpt_home, secret) == []
