"""`dpt lsp` driven byte by byte, for what a polite client never does: malformed messages,
closing stdin, SIGKILL, TCP."""

from __future__ import annotations

import json
import queue
import socket
import subprocess
import threading
import time
from typing import IO, Any

from .lspclient import SERVER_COMMAND


def frame(message: Any) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class RawClient:
    def __init__(self, writer: IO[bytes], reader: IO[bytes]) -> None:
        self._writer = writer
        self._replies: queue.Queue[dict[str, Any]] = queue.Queue()
        self._next_id = 0
        threading.Thread(target=self._read, args=(reader,), daemon=True).start()

    def _read(self, reader: IO[bytes]) -> None:
        while True:
            length = None
            while (header := reader.readline()) not in (b"\r\n", b""):
                if header.lower().startswith(b"content-length:"):
                    length = int(header.split(b":")[1])
            if not header or length is None:
                return
            self._replies.put(json.loads(reader.read(length)))

    def send_bytes(self, data: bytes) -> None:
        self._writer.write(data)
        self._writer.flush()

    def notify(self, method: str, params: Any = None) -> None:
        self.send_bytes(frame({"jsonrpc": "2.0", "method": method, "params": params}))

    def request(self, method: str, params: Any = None, timeout: float = 30) -> dict[str, Any]:
        """Send a request and return its reply (server requests and notifications skipped)."""
        self._next_id += 1
        self.send_bytes(frame({"jsonrpc": "2.0", "id": self._next_id, "method": method,
                               "params": params}))
        while True:
            reply = self._replies.get(timeout=timeout)
            if reply.get("id") == self._next_id and "method" not in reply:
                return reply

    def initialize(self, options: Any = None) -> None:
        self.request("initialize", {"processId": None, "capabilities": {},
                                    "initializationOptions": options})
        self.notify("initialized", {})

    def flush(self) -> dict[str, Any]:
        return self.request("workspace/executeCommand", {"command": "dpt.flush"})

    def open(self, uri: str, text: str) -> None:
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": text}})

    def type(self, uri: str, line: int, character: int, text: str) -> None:
        position = {"line": line, "character": character}
        self.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"range": {"start": position, "end": position}, "text": text}]})


def start_server(*args: str) -> tuple[subprocess.Popen[bytes], RawClient]:
    process = subprocess.Popen([*SERVER_COMMAND, *args], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdin is not None and process.stdout is not None
    return process, RawClient(process.stdin, process.stdout)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_tcp_server(host: str = "127.0.0.1"
                     ) -> tuple[subprocess.Popen[bytes], int, socket.socket]:
    """`dpt lsp --tcp` on a free port, and its first client's connection."""
    port = free_port()
    address = f"[{host}]" if ":" in host else host
    process = subprocess.Popen([*SERVER_COMMAND, "--tcp", f"{address}:{port}"],
                               stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while True:
        try:
            return process, port, socket.create_connection((host, port))
        except ConnectionRefusedError:
            assert process.poll() is None, "the TCP server exited"
            assert time.monotonic() < deadline, "the TCP server never listened"
            time.sleep(0.1)


def tcp_client(connection: socket.socket) -> RawClient:
    return RawClient(connection.makefile("wb"), connection.makefile("rb"))
