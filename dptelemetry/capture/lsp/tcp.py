"""`dpt lsp --tcp HOST:PORT`: one client, on a loopback address only.

A TCP port has no owner and the protocol no authentication: any local user can connect to a
loopback port, and anyone who can reach the machine to any other address, then send edits
in the user's name or read the replies. So only loopback addresses are accepted, and the
server takes one connection: the port stops listening once its client is connected, and the
server ends when that client goes away. (pygls' own TCP server keeps listening, and each new
connection takes over the replies meant for the first.)
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import threading

from pygls.io_ import run_async
from pygls.server import JsonRPCServer

from dptelemetry.errors import DptError

logger = logging.getLogger(__name__)


def refuse_non_loopback(host: str, port: int) -> None:
    """DptError unless every address `host` names is a loopback address."""
    try:
        found = {str(info[4][0])
                 for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)}
    except (OSError, UnicodeError) as exc:
        raise DptError(f"cannot resolve {host!r}: {exc}") from None
    outside = sorted(address for address in found if not _loopback(address))
    if outside:
        raise DptError(
            f"{host} is not a loopback address ({', '.join(outside)}); the server has no "
            "authentication, so it listens only on this machine: use 127.0.0.1, ::1 or "
            "localhost")


def _loopback(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", maxsplit=1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def serve_tcp(server: JsonRPCServer, host: str, port: int) -> None:
    """Listen on `host:port`, serve the first client to connect until it goes away."""
    refuse_non_loopback(host, port)
    asyncio.run(_serve_one(server, host, port))


async def _serve_one(server: JsonRPCServer, host: str, port: int) -> None:
    client: asyncio.Future[tuple[asyncio.StreamReader, asyncio.StreamWriter]]
    client = asyncio.get_running_loop().create_future()

    def connected(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if client.done():  # accepted in the moment before the port closed
            writer.close()
        else:
            client.set_result((reader, writer))

    try:
        listener = await asyncio.start_server(connected, host, port)
    except OSError as exc:
        raise DptError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    try:
        reader, writer = await client
    finally:
        listener.close()
    server.protocol.set_writer(writer)
    await run_async(stop_event=threading.Event(), reader=reader, protocol=server.protocol,
                    logger=logger, error_handler=server.report_server_error)
