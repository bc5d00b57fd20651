"""The server's log: a small private file in the data home, never stdout, never the editor.

Stdout carries JSON-RPC, and a passive recorder must not pop messages in the editor. When the
file cannot be written (a full disk, a data home that is not a writable directory), lines go
to stderr instead, which editors keep in their own log for the server. The log
must not hold document text either, yet pygls logs whole messages (a failed `didChange` with
its text). So third-party records keep only their message template, and exceptions only
their type and where they were raised; our own messages never include text or paths.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import traceback
from io import TextIOWrapper
from logging.handlers import RotatingFileHandler
from pathlib import Path

from dptelemetry.private_files import PRIVATE_FILE, private_dir

LOG_FILE = Path("logs") / "lsp.log"
_OWN = "dptelemetry"


class PrivateFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage() if record.name.startswith(_OWN) else str(record.msg)
        line = f"{self.formatTime(record)} {record.levelname} {record.name}: {message}"
        if record.exc_info and record.exc_info[1] is not None:
            line += " | " + describe(record.exc_info[1])
        return line.replace("\n", " ")


def describe(error: BaseException) -> str:
    """An exception's type and innermost frames, without its message (which may quote text)."""
    frames = traceback.extract_tb(error.__traceback__)[-3:]
    where = " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames))
    return f"{type(error).__name__}" + (f" at {where}" if where else "")


class _PrivateFile(RotatingFileHandler):
    """Rotating at 1 MB, one old file kept; created readable by its owner only. A file
    deleted or moved meanwhile (the data home removed) is created again, not written unseen;
    a line it cannot write goes to stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        if self.stream is not None and not _same_file(self.stream, self.baseFilename):
            self.stream.close()
            self.stream = None  # reopened by the emit below
        super().emit(record)

    def _open(self) -> TextIOWrapper:
        folder = Path(self.baseFilename).parent  # again: the data home may have been removed
        private_dir(folder.parent, folder.name)
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, PRIVATE_FILE)
        return TextIOWrapper(os.fdopen(fd, "ab"), encoding="utf-8",
                             errors="backslashreplace", write_through=True)

    def handleError(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):
            sys.stderr.write(self.format(record) + "\n")
            sys.stderr.flush()


def _same_file(stream: TextIOWrapper, path: str) -> bool:
    try:
        return os.path.samestat(os.fstat(stream.fileno()), Path(path).stat())
    except OSError:
        return False


def start_logging(home: Path) -> Path:
    """Send WARNING and above, from every logger in this process, to the log file."""
    path = home / LOG_FILE
    logging.raiseExceptions = False  # a log we cannot write must not break the server
    handler: logging.Handler
    try:
        private_dir(home, *LOG_FILE.parent.parts)
        handler = _PrivateFile(path, maxBytes=1_000_000, backupCount=1, delay=True)
    except OSError:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(PrivateFormatter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(logging.WARNING)
    return path
