"""A real LSP client (pytest-lsp) driving the real `python -m dptelemetry lsp` over stdio.

The server inherits DPT_HOME from the autouse `dpt_home` fixture (tests/conftest.py), which
pytest sets up before this client starts the server.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from .lspclient import SERVER_COMMAND


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND))
async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    """A started server, not yet initialized: each test opens its own session."""
    yield
    if not lsp_client.stopped:
        await lsp_client.shutdown_session()
