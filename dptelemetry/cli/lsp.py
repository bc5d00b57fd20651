"""`dpt lsp`: start the recording language server (editors run this; see README, Editor set-up)."""

from __future__ import annotations

import click


def _address(ctx: click.Context, param: click.Parameter,
             value: str | None) -> tuple[str, int] | None:
    if value is None:
        return None
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise click.BadParameter(f"{value!r} is not HOST:PORT, e.g. 127.0.0.1:2087")
    from dptelemetry.capture.lsp.tcp import refuse_non_loopback
    from dptelemetry.errors import DptError

    try:
        refuse_non_loopback(host.strip("[]"), int(port))
    except DptError as exc:
        raise click.BadParameter(str(exc)) from None
    return host.strip("[]"), int(port)


@click.command()
@click.option("--tcp", "address", metavar="HOST:PORT", callback=_address,
              help="Serve one client over TCP instead of stdin/stdout; loopback addresses "
                   "only (any local user can connect to them).")
def lsp(address: tuple[str, int] | None) -> None:
    """Run the language server that records edits, pauses, opens and saves, never text.

    Editors start it over stdin/stdout; register it for all file types next to your other
    servers. Problems go to logs/lsp.log in the data home, never to the editor.
    """
    from dptelemetry.capture.lsp.server import serve

    serve(address)
