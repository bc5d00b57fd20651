"""`dpt lsp`: the language server editors start. Thin wiring: each LSP message is handed to
the recorder or to a command; the logic lives in the modules beside this one.

The server asks for incremental sync of every document and offers nothing else (no
completion, no hover), so the editor never waits on it. Events go through the store's batched
writer; the session's end is recorded and flushed however it comes: a `shutdown` request,
an `exit` notification, the end of input (Neovim just closes stdin), or SIGTERM.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

from lsprotocol import types
from pygls.capabilities import ServerCapabilitiesBuilder
from pygls.exceptions import FeatureNotificationError, JsonRpcException, JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path

from dptelemetry import __version__, clock
from dptelemetry.capture.lsp import commands
from dptelemetry.capture.lsp.active_goal import ActiveGoal
from dptelemetry.capture.lsp.edits import units_for
from dptelemetry.capture.lsp.locations import Locator
from dptelemetry.capture.lsp.log import describe, start_logging
from dptelemetry.capture.lsp.options import session_config
from dptelemetry.capture.lsp.protocol import TelemetryProtocol
from dptelemetry.capture.lsp.recorder import Recorder
from dptelemetry.config import data_home
from dptelemetry.errors import DptError
from dptelemetry.goals import Goal
from dptelemetry.store.writer import BatchWriter

logger = logging.getLogger(__name__)
T = TypeVar("T")


class TelemetryServer(LanguageServer):
    def __init__(self, home: Path) -> None:
        super().__init__("dptelemetry", __version__, protocol_cls=TelemetryProtocol,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.home = home
        self.writer: BatchWriter | None = None
        self.recorder: Recorder | None = None

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Log instead of pygls' `window/showMessage`: a recorder never interrupts the user.

        pygls logs every other error itself before reporting it; only an exception raised
        by a notification handler reaches here unlogged.
        """
        if source is FeatureNotificationError:
            cause = sys.exc_info()[1] or error  # pygls reports from inside its `except`
            logger.warning("a notification handler failed; the server goes on: %s",
                           describe(cause))

    def begin(self, params: types.InitializeParams) -> None:
        if self.recorder is not None:
            return
        config, warning = session_config(params.initialization_options)
        if warning:
            logger.warning("%s", warning)
        self.writer = BatchWriter(self.home, on_error=logger.warning)
        self.recorder = Recorder(
            self.writer,
            locator=Locator(_folder_uris(params), hash_paths=config.privacy.hash_paths),
            goal=ActiveGoal(self.home),
            units=units_for(ServerCapabilitiesBuilder.choose_position_encoding(
                params.capabilities)),
            assisted_edit_chars=config.thresholds.assisted_edit_chars,
        )
        self.recorder.start(params.client_info.name if params.client_info else None)

    def end(self, reason: str) -> None:
        """Record why the session ended (the first reason wins) and write everything."""
        if self.recorder is not None:
            self.recorder.stop(reason)
        if self.writer is not None:
            self.writer.close()

    async def in_worker(self, work: Callable[..., T], *args: Any) -> T:
        """Run a command's store work off the event loop; a user error becomes the reply."""
        try:
            return await asyncio.get_running_loop().run_in_executor(None, work, *args)
        except DptError as exc:
            raise JsonRpcException(str(exc), code=types.LSPErrorCodes.RequestFailed) from None


def _folder_uris(params: types.InitializeParams) -> list[str]:
    if params.workspace_folders:
        return [folder.uri for folder in params.workspace_folders]
    if params.root_uri:
        return [params.root_uri]
    return [uri] if params.root_path and (uri := from_fs_path(params.root_path)) else []


def build_server(home: Path) -> TelemetryServer:
    server = TelemetryServer(home)

    @server.feature(types.INITIALIZE)
    def initialize(ls: TelemetryServer, params: types.InitializeParams) -> None:
        ls.begin(params)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: TelemetryServer, params: types.DidOpenTextDocumentParams) -> None:
        if ls.recorder is not None:
            doc = params.text_document
            ls.recorder.open(doc.uri, doc.language_id, doc.text)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: TelemetryServer, params: types.DidChangeTextDocumentParams) -> None:
        if ls.recorder is not None:
            ls.recorder.change(params.text_document.uri, params.content_changes)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    def did_save(ls: TelemetryServer, params: types.DidSaveTextDocumentParams) -> None:
        if ls.recorder is not None:
            ls.recorder.save(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: TelemetryServer, params: types.DidCloseTextDocumentParams) -> None:
        if ls.recorder is not None:
            ls.recorder.close(params.text_document.uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def folders_changed(ls: TelemetryServer,
                        params: types.DidChangeWorkspaceFoldersParams) -> None:
        if ls.recorder is not None:
            ls.recorder.locator.remove_folders(f.uri for f in params.event.removed)
            ls.recorder.locator.add_folders(f.uri for f in params.event.added)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: TelemetryServer, params: None) -> None:
        if ls.recorder is not None and ls.writer is not None:
            ls.recorder.stop("shutdown")
            ls.writer.flush()

    @server.feature(types.EXIT)
    def exit_(ls: TelemetryServer, params: None) -> None:
        ls.end("exit")

    _register_commands(server)
    return server


def _register_commands(server: TelemetryServer) -> None:
    def session(ls: TelemetryServer) -> tuple[Recorder, BatchWriter]:
        if ls.recorder is None or ls.writer is None:
            raise JsonRpcInvalidParams("the server is not initialized yet")
        return ls.recorder, ls.writer

    def starting(start: Callable[[Path, float, Sequence[Any]], tuple[str, Goal]]
                 ) -> Callable[..., Awaitable[str]]:
        """A command that starts a goal: the server's events carry it from then on."""
        async def command(ls: TelemetryServer, *args: Any) -> str:
            recorder, _ = session(ls)
            message, goal = await ls.in_worker(start, ls.home, clock.now(), args)
            recorder.goal.set(goal.id)
            return message
        return command

    server.command(commands.GOAL_START)(starting(commands.start))
    server.command(commands.GOAL_AGAIN)(starting(commands.again))

    @server.command(commands.GOAL_END)
    async def goal_end(ls: TelemetryServer, *args: Any) -> str:
        recorder, _ = session(ls)
        message = await ls.in_worker(commands.end, ls.home, clock.now(), args)
        recorder.goal.set(None)
        return message

    @server.command(commands.STUCK)
    async def stuck(ls: TelemetryServer, *args: Any) -> str:
        session(ls)
        return await ls.in_worker(commands.stuck, ls.home, clock.now(), args)

    @server.command(commands.SUMMARY)
    async def summary(ls: TelemetryServer, *args: Any) -> str:
        _, writer = session(ls)
        now = clock.now()
        await ls.in_worker(writer.flush)
        return await ls.in_worker(commands.summary, ls.home, now)

    @server.command(commands.FLUSH)
    async def flush(ls: TelemetryServer, *args: Any) -> dict[str, int]:
        """Write everything received so far; the reply proves earlier notifications landed."""
        _, writer = session(ls)
        await ls.in_worker(writer.flush)
        return {"written": writer.written, "spooled": writer.spooled}


def serve(tcp: tuple[str, int] | None = None) -> None:
    """Run the server until its client goes away (stdio by default)."""
    home = data_home()
    start_logging(home)
    server = build_server(home)

    def terminated(signum: int, frame: FrameType | None) -> None:
        # pygls would wait for its stdin reader thread; write what we have and go.
        server.end("signal")
        logging.shutdown()
        os._exit(0)

    signal.signal(signal.SIGTERM, terminated)
    try:
        if tcp is None:
            server.start_io()
        else:
            server.start_tcp(*tcp)
    finally:
        server.end("eof")
