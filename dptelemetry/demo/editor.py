"""A scripted editor: starts `dpt lsp` over stdio as any editor would (pygls' own client),
opens a document, types into it one character at a time, saves, and shuts the server down."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Mapping
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

KEY_DELAY = 0.015
"""Seconds between keystrokes: well inside one edit burst."""


def _end_of(text: str) -> types.Position:
    lines = text.split("\n")
    return types.Position(line=len(lines) - 1, character=len(lines[-1]))


async def type_into(folder: Path, path: str, opened: str, text: str,
                    env: Mapping[str, str]) -> None:
    """One editor session on `folder/path`: open with `opened`, type `text`, save, quit."""
    client = LanguageClient("dpt-demo-editor", "1")
    await client.start_io(sys.executable, "-m", "dptelemetry", "lsp", env=dict(env))
    try:
        await client.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            client_info=types.ClientInfo(name="dpt demo editor"),
            workspace_folders=[types.WorkspaceFolder(uri=folder.as_uri(), name=folder.name)]))
        client.initialized(types.InitializedParams())
        uri = (folder / path).as_uri()
        client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
            uri=uri, language_id="python", version=1, text=opened)))
        content = opened
        for version, key in enumerate(text, start=2):
            at = _end_of(content)
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangePartial(
                    range=types.Range(start=at, end=at), text=key)]))
            content += key
            await asyncio.sleep(KEY_DELAY)
        client.text_document_did_save(types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))
        await client.shutdown_async(None)
        client.exit(None)
    finally:
        await client.stop()  # type: ignore[no-untyped-call]  # pygls 2 leaves it untyped
