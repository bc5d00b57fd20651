"""`dpt lsp`: the language server editors start. Thin wiring: each LSP message is handed to
the recorder or to a command, and the live feedback (`feedback/`) runs beside them; the logic
lives in the modules beside this one.

The server asks for incremental sync of every document and offers nothing else (no
completion, no hover), so the editor never waits on it. Events go through the store's batched
writer; the session's end is recorded and flushed however it comes: a `shutdown` request,
an `exit` notification, the end of input (Neovim just closes stdin), or a signal (TERM, HUP
when the terminal goes, INT and QUIT from the keyboard).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import threading
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
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
from dptelemetry.capture.lsp.feedback.channel import EditorChannel
from dptelemetry.capture.lsp.feedback.loop import FeedbackLoop
from dptelemetry.capture.lsp.locations import Locator
from dptelemetry.capture.lsp.log import describe, start_logging
from dptelemetry.capture.lsp.options import session_config
from dptelemetry.capture.lsp.protocol import TelemetryProtocol
from dptelemetry.capture.lsp.recorder import Recorder
from dptelemetry.config import Config, data_home
from dptelemetry.errors import DptError
from dptelemetry.goals import Goal
from dptelemetry.store.writer import BatchWriter

logger = logging.getLogger(__name__)
T = TypeVar("T")
FEEDBACK_JOIN = 5.0
"""Seconds the end of a session waits for a feedback tick in flight (it reads the store)."""


class TelemetryServer(LanguageServer):
    def __init__(self, home: Path) -> None:
        super().__init__("dptelemetry", __version__, protocol_cls=TelemetryProtocol,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.home = home
        self.writer: BatchWriter | None = None
        self.recorder: Recorder | None = None
        self._ending = threading.Lock()
        self.feedback: FeedbackLoop | None = None
        self.config = Config()
        self._progress_capable = False

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
        self.config = config
        window = params.capabilities.window
        self._progress_capable = bool(window and window.work_done_progress)
        recorder = self.recorder
        self.feedback = FeedbackLoop(self.home, recorder.goal, config, self.writer,
                                     clock=clock.now, last_edit=lambda: recorder.last_activity)
        self.feedback.start()

    def initialized(self) -> None:
        """The client is ready for requests from us: the editor may hear from now on."""
        if self.feedback is not None:
            self.feedback.attach(EditorChannel(self), self._progress_capable)

    def end(self, reason: str) -> None:
        """Record why the session ended (the first reason wins) and write everything."""
        with self._ending:
            if self.feedback is not None:
                self.feedback.stop()
                self.feedback.join(FEEDBACK_JOIN)
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

    @server.feature(types.INITIALIZED)
    def initialized(ls: TelemetryServer, params: types.InitializedParams) -> None:
        ls.initialized()

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
        if ls.feedback is not None:
            ls.feedback.stop()  # the editor hears nothing after asking us to stop
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

    @server.command(commands.SESSION)
    async def session_so_far(ls: TelemetryServer, *args: Any) -> str:
        _, writer = session(ls)
        now = clock.now()
        await ls.in_worker(writer.flush)  # this editor's last edits count too
        return await ls.in_worker(commands.session, ls.home, now, ls.config)

    @server.command(commands.FLUSH)
    async def flush(ls: TelemetryServer, *args: Any) -> dict[str, int]:
        """Write everything received so far; the reply proves earlier notifications landed."""
        _, writer = session(ls)
        await ls.in_worker(writer.flush)
        return {"written": writer.written, "spooled": writer.spooled}


ENDING_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGQUIT)


def serve(tcp: tuple[str, int] | None = None) -> None:
    """Run the server until its client goes away (stdio by default)."""
    home = data_home()
    start_logging(home)
    server = build_server(home)
    for signum in ENDING_SIGNALS:
        signal.signal(signum, lambda signum, frame: _end_by_signal(server, signum))
    try:
        if tcp is None:
            server.start_io()
        else:
            from dptelemetry.capture.lsp.tcp import serve_tcp

            serve_tcp(server, *tcp)
    finally:
        server.end("eof")


def _end_by_signal(server: TelemetryServer, signum: int) -> None:
    """Record the stop, write everything, exit with 128 + the signal's number.

    In a thread of its own: the handler interrupts the event loop's thread anywhere, maybe
    holding a lock the recorder needs; and pygls, left to itself, would wait for its stdin
    reader thread (after SIGINT it stopped answering and never exited)."""

    def finish() -> None:
        server.end("signal")
        logging.shutdown()
        os._exit(128 + signum)

    try:
        threading.Thread(target=finish, name="dpt-signal").start()
    except RuntimeError:  # the interpreter is shutting down: no new threads
        finish()
