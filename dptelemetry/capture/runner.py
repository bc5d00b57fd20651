"""Run any command as if it were typed, and keep what its test summary needs: `dpt run`.

The command reads our stdin directly. Its stdout and stderr come back to us and are relayed
unchanged, byte for byte, while a bounded tail is kept for the summary parsers. Each output
goes through a pty when ours is a terminal, so the command still sees a terminal (colours,
progress display, line buffering), and through a pipe otherwise, as it would have seen a pipe
or file anyway. When our stdout and stderr are the same file or terminal (the usual case,
and `2>&1`), the command gets one channel for both, so their order is kept exactly.
"""

from __future__ import annotations

import errno
import fcntl
import os
import selectors
import signal
import subprocess
import termios
import time
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

from dptelemetry import clock
from dptelemetry.capture.runner_output import output_lines, spread_lines
from dptelemetry.capture.testrun_limits import RECORDED_BY_DPT_RUN

TAIL_BYTES = 1 << 20
"""Output kept per channel for the parsers; older output keeps only its summary lines."""
MAX_SPREAD_LINES = 20_000
DRAIN_AFTER_EXIT = 0.5
"""Seconds to keep relaying after the command exits, for output still in flight (a
background process it started may hold the channel open for much longer)."""
_INTERRUPTS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)


class CommandError(Exception):
    """The command could not be started; `exit_status` is what a shell would exit with."""

    def __init__(self, message: str, exit_status: int) -> None:
        super().__init__(message)
        self.exit_status = exit_status


@dataclass(frozen=True)
class Finished:
    started: float
    """Epoch seconds from `dptelemetry.clock`."""
    duration: float
    exit_code: int
    """As `subprocess` reports it: negative when killed by that signal."""
    interrupted: bool
    """Stopped by Ctrl-C, or by a signal sent to stop it (TERM, HUP, QUIT)."""
    lines: list[str]
    """What the command printed, as the parsers read it: the tail of each channel, and the
    summary lines of anything older."""


def shell_exit_status(exit_code: int) -> int:
    """The status a shell reports: 128 + N for a command killed by signal N."""
    return 128 - exit_code if exit_code < 0 else exit_code


class OutputTail:
    """The last TAIL_BYTES of one channel, cut at line breaks, plus the spread-out summary
    lines of what fell off the front."""

    def __init__(self, limit: int = TAIL_BYTES) -> None:
        self._limit = limit
        self._chunks: deque[bytes] = deque()
        self._size = 0
        self._spread: list[str] = []

    def feed(self, data: bytes) -> None:
        self._chunks.append(data)
        self._size += len(data)
        while self._size > self._limit and len(self._chunks) > 1:
            oldest = self._chunks.popleft()
            self._size -= len(oldest)
            cut = oldest.rfind(b"\n") + 1
            if cut < len(oldest):  # keep the unfinished line with what follows it
                self._chunks[0] = oldest[cut:] + self._chunks[0]
                self._size += len(oldest) - cut
            room = MAX_SPREAD_LINES - len(self._spread)
            if room > 0:
                self._spread += spread_lines(oldest[:cut].decode("utf-8", "replace"))[:room]

    def lines(self) -> list[str]:
        return self._spread + output_lines(b"".join(self._chunks).decode("utf-8", "replace"))


class _Channel:
    """One output channel of the command: its end, our end, and where we relay to."""

    def __init__(self, target_fd: int) -> None:
        self.target_fd = target_fd
        self.is_pty = os.isatty(target_fd)
        if self.is_pty:
            try:
                self.ours, self.theirs = os.openpty()
            except OSError:  # no pseudo-terminals here (some containers): use a pipe
                self.is_pty = False
        if self.is_pty:
            attributes = termios.tcgetattr(self.theirs)
            attributes[1] &= ~termios.OPOST  # pass "\n" through; our terminal translates it
            termios.tcsetattr(self.theirs, termios.TCSANOW, attributes)
            self.copy_window_size()
        else:
            self.ours, self.theirs = os.pipe()
        self.tail = OutputTail()
        self.target_broken = False

    def copy_window_size(self) -> None:
        if self.is_pty:
            try:
                size = fcntl.ioctl(self.target_fd, termios.TIOCGWINSZ, b"\0" * 8)
                fcntl.ioctl(self.ours, termios.TIOCSWINSZ, size)
            except OSError:
                pass

    def relay(self) -> bool:
        """Copy what is ready; False at end of output."""
        try:
            data = os.read(self.ours, 65536)
        except OSError as exc:
            if exc.errno == errno.EIO:  # a pty whose other end is closed
                return False
            raise
        if not data:
            return False
        self.tail.feed(data)
        view = memoryview(data)
        while view and not self.target_broken:
            try:
                view = view[os.write(self.target_fd, view):]
            except BrokenPipeError:
                # Our reader went away: stop reading too, so the command gets SIGPIPE on
                # its next write, as it would have without us in between.
                self.target_broken = True
        return not self.target_broken


def _channels() -> tuple[_Channel, _Channel | None]:
    """(stdout channel, stderr channel or None when stderr shares the stdout one)."""
    out = _Channel(1)
    try:
        same = os.path.samestat(os.fstat(1), os.fstat(2))
    except OSError:
        same = False
    return out, None if same else _Channel(2)


@contextmanager
def _signals(channels: Sequence[_Channel]) -> Iterator[_Run]:
    """While the command runs: the signals that would stop it, noted in the run. TERM, HUP
    and INT sent to us are passed on to it; but Ctrl-C and Ctrl-\\ typed at the terminal
    reach it directly (it is in the terminal's foreground process group), so INT is not
    passed on then: twice would cut its clean-up short. Installed before it starts, so no
    signal finds us without a handler."""
    run = _Run()

    def note(signum: int, frame: FrameType | None) -> None:
        run.received.add(signum)
        if run.process is None:
            run.told_to_stop = True
        elif signum in (signal.SIGTERM, signal.SIGHUP) or (
                signum == signal.SIGINT and not _in_terminal_foreground(run.process.pid)):
            run.process.send_signal(signum)
            run.told_to_stop = True

    def resize(signum: int, frame: FrameType | None) -> None:
        for channel in channels:
            channel.copy_window_size()

    previous = {sig: signal.signal(sig, note) for sig in _INTERRUPTS}
    previous[signal.SIGWINCH] = signal.signal(signal.SIGWINCH, resize)
    try:
        yield run
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _in_terminal_foreground(pid: int) -> bool:
    """Whether keys typed at our controlling terminal (Ctrl-C) reach process `pid`."""
    try:
        tty = os.open("/dev/tty", os.O_RDONLY | os.O_NOCTTY)
    except OSError:
        return False  # no controlling terminal: a signal to us came from a process
    try:
        return os.tcgetpgrp(tty) == os.getpgid(pid)
    except OSError:
        return False
    finally:
        os.close(tty)


class _Run:
    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.received: set[int] = set()
        """The stopping signals that reached us while it ran."""
        self.told_to_stop = False
        """One was passed on to the command (or came before it started)."""

    def interrupted(self, exit_code: int) -> bool:
        """Whether the run was cut short: we passed a stopping signal on, or the command
        died of one or exited as a shell says it did (128 + the signal we saw). A command
        that caught a Ctrl-C and went on to its end was not."""
        return (self.told_to_stop or -exit_code in _INTERRUPTS
                or exit_code - 128 in self.received)


def _start(argv: Sequence[str], out: _Channel, err: _Channel | None) -> subprocess.Popen[bytes]:
    env = {**os.environ, RECORDED_BY_DPT_RUN: "1"}
    try:
        return subprocess.Popen(list(argv), stdout=out.theirs,
                                stderr=(err or out).theirs, env=env)
    except FileNotFoundError:
        raise CommandError(f"{argv[0]}: command not found", 127) from None
    except PermissionError:
        raise CommandError(f"{argv[0]}: permission denied", 126) from None
    except OSError as exc:
        raise CommandError(f"{argv[0]}: cannot run: {exc.strerror or exc}", 126) from None
    finally:
        for channel in (out, err):
            if channel is not None:
                os.close(channel.theirs)


def run_command(argv: Sequence[str]) -> Finished:
    """Run `argv` to the end, relaying its output; CommandError if it cannot start."""
    out, err = _channels()
    channels = [c for c in (out, err) if c is not None]
    with _signals(channels) as run, selectors.DefaultSelector() as sel:
        started, start = clock.now(), time.perf_counter()
        try:
            run.process = process = _start(argv, out, err)
        except CommandError:
            for channel in channels:
                os.close(channel.ours)
            raise
        for channel in channels:
            sel.register(channel.ours, selectors.EVENT_READ, channel)
        ended: float | None = None
        while sel.get_map():
            if ended is None and process.poll() is not None:
                ended = time.perf_counter()
            if ended is not None and time.perf_counter() - ended > DRAIN_AFTER_EXIT:
                break
            for key, _ in sel.select(timeout=0.1):
                if not key.data.relay():
                    sel.unregister(key.fd)
                    os.close(key.fd)  # a command still writing here gets SIGPIPE
        for key in list(sel.get_map().values()):
            os.close(key.fd)
        exit_code = process.wait()
    duration = (ended or time.perf_counter()) - start
    return Finished(
        started=started,
        duration=duration,
        exit_code=exit_code,
        interrupted=run.interrupted(exit_code),
        lines=[line for channel in channels for line in channel.tail.lines()],
    )
