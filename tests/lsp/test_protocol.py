"""The pygls workarounds (protocol.py), checked in-process where pygls' internals are visible."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol

from dptelemetry.capture.lsp.recorder import Recorder
from dptelemetry.capture.lsp.server import build_server

URI = "file:///tmp/kata.py"


class Discard:
    def write(self, data: bytes) -> None:
        pass

    def close(self) -> None:
        pass


def feed(protocol: LanguageServerProtocol, message: dict[str, Any]) -> None:
    """Hand one message to the protocol exactly as pygls' reader does."""
    body = json.dumps({"jsonrpc": "2.0", **message})
    protocol.handle_message(json.loads(body, object_hook=protocol.structure_message))


def start(protocol: LanguageServerProtocol) -> None:
    protocol.set_writer(Discard())
    feed(protocol, {"id": 1, "method": "initialize", "params": {"capabilities": {}}})
    feed(protocol, {"method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": URI, "languageId": "python", "version": 1, "text": "secret = 1\n"}}})


def keystroke(protocol: LanguageServerProtocol, column: int) -> None:
    position = {"line": 1, "character": column}
    feed(protocol, {"method": "textDocument/didChange", "params": {
        "textDocument": {"uri": URI, "version": column + 2},
        "contentChanges": [{"range": {"start": position, "end": position}, "text": "x"}]}})


def test_keystrokes_leave_no_future_and_no_copy_of_the_document(dpt_home: Path) -> None:
    server = build_server(dpt_home)
    start(server.protocol)
    for column in range(2000):
        keystroke(server.protocol, column)
    assert len(server.protocol._request_futures) <= 2
    assert server.workspace.text_documents == {}
    assert server.writer is not None and server.writer.flush()
    assert server.writer.written == 2002


def test_bare_pygls_keeps_both_which_is_why_protocol_py_exists() -> None:
    """If this fails after a pygls upgrade, the leak is fixed upstream: re-check protocol.py."""
    server = LanguageServer("bare", "0")
    start(server.protocol)
    for column in range(200):
        keystroke(server.protocol, column)
    assert len(server.protocol._request_futures) >= 200
    assert server.workspace.get_text_document(URI).source.endswith("x" * 200)


def test_a_failing_handler_is_logged_without_its_text_and_the_next_message_is_handled(
    dpt_home: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    server = build_server(dpt_home)
    start(server.protocol)
    working = Recorder.change

    def broken(self: Recorder, *args: Any) -> None:
        raise RuntimeError("secret = 1 leaked into an error message")

    monkeypatch.setattr(Recorder, "change", broken)
    with caplog.at_level(logging.WARNING):
        keystroke(server.protocol, 0)
    monkeypatch.setattr(Recorder, "change", working)
    keystroke(server.protocol, 0)
    assert server.writer is not None and server.writer.flush()
    assert server.writer.written == 3  # lsp_start, open, the second keystroke
    [record] = [r for r in caplog.records if r.name.startswith("dptelemetry")]
    assert "RuntimeError" in record.getMessage()
    assert "secret" not in record.getMessage()
