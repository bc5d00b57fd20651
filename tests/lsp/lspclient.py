"""What the LSP tests say to the server, in the client's own words, and what they read back."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from dptelemetry.events import Event
from dptelemetry.store import open_store

SERVER_COMMAND = [sys.executable, "-m", "dptelemetry", "lsp"]


async def initialize(
    client: LanguageClient,
    *,
    folders: Sequence[Path] = (),
    options: Any = None,
    capabilities: str = "neovim",
) -> types.InitializeResult:
    return await client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities(capabilities),
        client_info=types.ClientInfo(name="pytest-lsp"),
        workspace_folders=[types.WorkspaceFolder(uri=f.as_uri(), name=f.name)
                           for f in folders] or None,
        initialization_options=options,
    ))


def open_document(client: LanguageClient, uri: str, text: str,
                  language: str = "python") -> None:
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id=language, version=1,
                                             text=text)))


def change(client: LanguageClient, uri: str, *changes: types.TextDocumentContentChangeEvent,
           version: int = 2) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=list(changes)))


def edit(line: int, character: int, end_line: int, end_character: int,
         text: str = "") -> types.TextDocumentContentChangePartial:
    return types.TextDocumentContentChangePartial(
        range=types.Range(start=types.Position(line=line, character=character),
                          end=types.Position(line=end_line, character=end_character)),
        text=text)


async def command(client: LanguageClient, name: str, *arguments: Any) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=name, arguments=list(arguments)))


async def flush(client: LanguageClient) -> dict[str, int]:
    """A request after notifications: its reply proves they were handled and written."""
    result: dict[str, int] = await command(client, "dpt.flush")
    return result


def stored(home: Path, *kinds: str) -> list[Event]:
    with open_store(home) as store:
        return [e for e in store.iter_events() if not kinds or e.kind in kinds]
