"""The server survives what real clients and real systems do to it, and loses nothing it was
told: malformed messages, bad options, a broken store, each way a session can end."""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path

import pytest

from dptelemetry.capture.lsp.log import LOG_FILE

from .lspclient import stored
from .rawlsp import frame, start_server, start_tcp_server, tcp_client


def log_lines(home: Path) -> list[str]:
    path = home / LOG_FILE
    return path.read_text().splitlines() if path.exists() else []


def test_malformed_messages_are_logged_and_the_server_keeps_recording(
    dpt_home: Path, tmp_path: Path
) -> None:
    process, client = start_server()
    try:
        client.initialize()
        uri = (tmp_path / "a.py").as_uri()
        client.send_bytes(b"Content-Length: 12\r\n\r\n{not json!!}")
        client.send_bytes(frame(["a", "list", "not", "a", "message"]))
        client.notify("textDocument/didChange", {"textDocument": {"uri": uri},
                                                 "contentChanges": "nonsense"})
        client.notify("textDocument/didOpen", {"textDocument": {"uri": 42}})
        client.notify("$/somethingUnknown", {"x": 1})
        unknown = client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                       "position": {"line": 0, "character": 0}})
        assert "error" in unknown
        client.open(uri, "x\n")
        client.type(uri, 0, 1, "yz")
        assert client.flush()["result"]["written"] == 3
        assert process.poll() is None
        [edit] = stored(dpt_home, "edit")
        assert edit.payload["inserted"] == 2
        assert len(log_lines(dpt_home)) >= 3
        client.request("shutdown")
        client.notify("exit")
        assert process.wait(10) == 0
    finally:
        process.kill()


def test_bad_options_fall_back_to_defaults_with_one_logged_warning(dpt_home: Path,
                                                                    tmp_path: Path) -> None:
    process, client = start_server()
    try:
        client.initialize({"thresholds": {"assisted_edit_chars": "lots"},
                           "privacy": {"hash_paths": "yes please"}, "colour": "blue"})
        uri = (tmp_path / "b.py").as_uri()
        client.open(uri, "")
        client.type(uri, 0, 0, "z" * 201)
        client.flush()
        [opened, edited] = stored(dpt_home, "open", "edit")
        assert opened.path == (tmp_path / "b.py").as_posix()  # not hashed: the default
        assert edited.payload["assisted"] is True  # 201 > the default 200
        [warning] = log_lines(dpt_home)
        for problem in ("assisted_edit_chars", "hash_paths", "[colour]"):
            assert problem in warning
    finally:
        process.kill()


def test_a_broken_store_spools_events_and_the_editor_never_knows(
    dpt_home: Path, tmp_path: Path
) -> None:
    (dpt_home / "events.sqlite3").mkdir(parents=True)  # a store no one can open
    process, client = start_server()
    try:
        client.initialize()
        uri = (tmp_path / "c.py").as_uri()
        client.open(uri, "")
        client.type(uri, 0, 0, "q")
        assert client.flush()["result"] == {"written": 0, "spooled": 3}
        assert process.poll() is None
        assert any("spool" in line for line in log_lines(dpt_home))
    finally:
        process.kill()
    (dpt_home / "events.sqlite3").rmdir()
    assert [e.kind for e in stored(dpt_home)] == ["lsp_start", "open", "edit"]


@pytest.mark.parametrize(("ending", "reason"), [
    ("eof", "eof"), ("exit", "exit"), ("signal", "signal"), ("hangup", "signal")])
def test_every_way_a_session_ends_writes_everything_and_records_why(
    dpt_home: Path, tmp_path: Path, ending: str, reason: str
) -> None:
    process, client = start_server()
    assert process.stdin is not None
    try:
        client.initialize()
        uri = (tmp_path / "d.py").as_uri()
        client.open(uri, "")
        for column in range(50):
            client.type(uri, 0, column, "k")
        client.request("workspace/executeCommand", {"command": "dpt.goal.start",
                                                    "arguments": ["sync point"]})
        if ending == "eof":  # Neovim without exit_timeout just closes our input
            process.stdin.close()
        elif ending == "exit":  # exit without shutdown: allowed, with exit code 1
            client.notify("exit")
        elif ending == "signal":
            process.send_signal(signal.SIGTERM)
        else:  # Emacs ends its servers with SIGHUP when it quits
            process.send_signal(signal.SIGHUP)
        process.wait(10)
    finally:
        process.kill()
    assert len(stored(dpt_home, "edit")) == 50
    assert [e.payload["reason"] for e in stored(dpt_home, "lsp_stop")] == [reason]


def test_kill_9_loses_nothing_older_than_a_second(dpt_home: Path, tmp_path: Path) -> None:
    process, client = start_server()
    try:
        client.initialize()
        uri = (tmp_path / "e.py").as_uri()
        client.open(uri, "\n" * 1000)
        sent: list[float] = []
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            client.type(uri, len(sent), 0, "x")  # the line says which edit it was
            sent.append(time.monotonic())
            time.sleep(0.01)
        os.kill(process.pid, signal.SIGKILL)
        killed = time.monotonic()
        process.wait(10)
    finally:
        process.kill()
    lines = {e.payload["line"] for e in stored(dpt_home, "edit")}
    older = [line for line, at in enumerate(sent) if at < killed - 1.0]
    assert len(older) > 100
    assert set(older) <= lines


def test_tcp_serves_one_client(dpt_home: Path, tmp_path: Path) -> None:
    process, _, connection = start_tcp_server()
    try:
        with connection:
            client = tcp_client(connection)
            client.initialize()
            client.open((tmp_path / "f.py").as_uri(), "")
            client.request("shutdown")
            connection.shutdown(socket.SHUT_RDWR)  # the client goes away: the server ends
        assert process.wait(10) == 0
    finally:
        process.kill()
    assert [e.kind for e in stored(dpt_home)] == ["lsp_start", "open", "lsp_stop"]
