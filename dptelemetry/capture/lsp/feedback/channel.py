"""What reaches the editor, sent from the event loop in the order the feedback thread asked.

`window/workDoneProgress/create` is a request: `begin` waits for the client's reply before
its `$/progress` begin goes out, and later reports wait behind it in the queue. A client that
refuses the token gets nothing more for it. Messages are `window/showMessage` (Info) only:
never `showMessageRequest`, which blocks Neovim and Emacs, and never diagnostics.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from dptelemetry.capture.lsp.feedback.timebox import ProgressView
from dptelemetry.capture.lsp.log import describe

logger = logging.getLogger(__name__)
CREATE_TIMEOUT = 10.0


class EditorChannel:
    """Made on the event loop's thread; its methods may be called from any thread."""

    def __init__(self, server: LanguageServer) -> None:
        self._server = server
        self._loop = asyncio.get_running_loop()
        self._queue: asyncio.Queue[tuple[str, str, Any]] = asyncio.Queue()
        self._live: set[str] = set()
        self._task = self._loop.create_task(self._send_all())

    def _post(self, kind: str, token: str, value: Any = None) -> None:
        self._loop.call_soon_threadsafe(self._queue.put_nowait, (kind, token, value))

    def begin(self, token: str, view: ProgressView) -> None:
        self._post("begin", token, view)

    def report(self, token: str, view: ProgressView) -> None:
        self._post("report", token, view)

    def end(self, token: str) -> None:
        self._post("end", token)

    def show(self, text: str) -> None:
        self._post("show", "", text)

    async def _send_all(self) -> None:
        while True:
            kind, token, value = await self._queue.get()
            try:
                await self._send(kind, token, value)
            except Exception as exc:
                logger.warning("feedback: %s not sent: %s", kind, describe(exc))

    async def _send(self, kind: str, token: str, value: Any) -> None:
        protocol = self._server.protocol
        if kind == "show":
            self._server.window_show_message(types.ShowMessageParams(
                type=types.MessageType.Info, message=value))
        elif kind == "begin":
            await asyncio.wait_for(protocol.send_request_async(
                types.WINDOW_WORK_DONE_PROGRESS_CREATE,
                types.WorkDoneProgressCreateParams(token=token)), CREATE_TIMEOUT)
            self._live.add(token)
            protocol.notify(types.PROGRESS, types.ProgressParams(
                token=token, value=types.WorkDoneProgressBegin(
                    title=value.title, message=value.message, percentage=value.percentage,
                    cancellable=False)))
        elif token in self._live:
            if kind == "report":
                protocol.notify(types.PROGRESS, types.ProgressParams(
                    token=token, value=types.WorkDoneProgressReport(
                        message=value.message, percentage=value.percentage)))
            else:
                self._live.discard(token)
                protocol.notify(types.PROGRESS, types.ProgressParams(
                    token=token, value=types.WorkDoneProgressEnd()))
