"""pygls' LSP protocol without its document mirror: the workarounds the recorder needs.

pygls 2.1.1's built-in `didOpen`/`didChange`/`didClose` handlers (`LanguageServerProtocol.
lsp_text_document__did_*`) are generators. Two costs follow, both measured (see
benchmarks/README.md and the research note, section 0):

- `JsonRPCProtocol._execute_handler` keeps the Future of every generator handler in
  `_request_futures`, and for a notification nothing ever removes it: one Future a keystroke,
  about 2 KB each, holding the notification's params, so typed text stays in memory.
- Before calling the feature, they copy each change into `workspace` (an in-memory copy of
  every open document), rebuilding the whole text on every keystroke.

A recorder needs counts, not text. These replacements are plain methods: pygls runs them
inline, in message order, and keeps no Future; they hand the params straight to the feature
registered for the method. Nothing else in pygls reads the mirror for us. Re-check on every
pygls upgrade (tests/lsp/test_protocol.py fails if the leak or the mirror comes back).
"""

from __future__ import annotations

from typing import Any

from lsprotocol import types
from pygls.protocol import LanguageServerProtocol, lsp_method


class TelemetryProtocol(LanguageServerProtocol):
    def _forward(self, method: str, params: Any) -> None:
        handler = self.fm.features.get(method)
        if handler is not None:
            handler(params)

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> None:
        self._forward(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        self._forward(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        self._forward(types.TEXT_DOCUMENT_DID_CLOSE, params)
