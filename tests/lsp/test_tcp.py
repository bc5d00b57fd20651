"""`dpt lsp --tcp` over real sockets: loopback addresses only, one client at a time."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.conftest import RunDpt

from .lspclient import stored
from .rawlsp import frame, free_port, start_tcp_server, tcp_client


@pytest.mark.parametrize("host", ["[::]", "0.0.0.0", "192.0.2.7", "example.invalid"])
def test_an_address_beyond_this_machine_is_refused_with_one_line(
    run_dpt: RunDpt, host: str
) -> None:
    port = free_port()
    result = run_dpt("lsp", "--tcp", f"{host}:{port}", timeout=30)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert "--tcp" in line
    assert "loopback" in line or "cannot resolve" in line
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.parametrize("host", [
    "127.0.0.1", "localhost",
    pytest.param("::1", marks=pytest.mark.skipif(not _ipv6_loopback(),
                                                 reason="no IPv6 loopback here")),
])
def test_a_second_connection_is_refused_while_the_first_client_is_served(
    dpt_home: Path, tmp_path: Path, host: str
) -> None:
    process, port, first = start_tcp_server(host)
    try:
        client = tcp_client(first)
        client.initialize()
        client.open((tmp_path / "first.py").as_uri(), "")
        try:
            second = socket.create_connection((host, port), timeout=5)
        except ConnectionRefusedError:
            pass  # the port no longer listens
        else:
            with second:  # accepted in the instant before the port closed: closed at once
                second.sendall(frame({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                                      "params": {"processId": None, "capabilities": {}}}))
                second.settimeout(10)
                assert second.recv(1) == b""
        assert client.flush()["result"] == {"written": 2, "spooled": 0}
        client.request("shutdown")
        first.shutdown(socket.SHUT_RDWR)
        assert process.wait(10) == 0
    finally:
        first.close()
        process.kill()
    assert [e.kind for e in stored(dpt_home)] == ["lsp_start", "open", "lsp_stop"]
