"""An idle `dpt lsp` with a goal active and every feedback setting on: what it costs to wait.

One real server over stdio, a client that declares `window.workDoneProgress` and answers the
server's `window/workDoneProgress/create`, a goal with a time box started through the CLI, then
nothing at all for `--minutes` (10 by default). Measured from the first `$/progress` begin to
the end: the server's CPU seconds (user + system, /proc/PID/stat), the `$/progress` messages it
sent, and its file system traffic, counted by `strace -f` attached to it for the idle period:
reads of the store (`pread64` on events.sqlite3 and its -wal/-shm), opens of the store, and
`stat`s and reads of the goal file. Figures and the command in benchmarks/README.md.

Usage: python benchmarks/lsp_idle.py [--minutes 10]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import IO, Any

from lsp_didchange import DPT, message, save_report


class Client:
    """Reads everything the server says; answers its requests with a null result."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdin is not None and process.stdout is not None
        self._stdin: IO[bytes] = process.stdin
        self._lock = threading.Lock()
        self.received: list[dict[str, Any]] = []
        self._replies: dict[int, threading.Event] = {}
        threading.Thread(target=self._read, args=(process.stdout,), daemon=True).start()

    def send(self, payload: dict[str, Any]) -> None:
        with self._lock:
            self._stdin.write(message(payload))
            self._stdin.flush()

    def request(self, request_id: int, method: str, params: Any) -> None:
        done = self._replies[request_id] = threading.Event()
        self.send({"id": request_id, "method": method, "params": params})
        assert done.wait(60), f"no reply to {method}"

    def _read(self, stdout: IO[bytes]) -> None:
        while True:
            length = 0
            while (line := stdout.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not line:
                return
            message = json.loads(stdout.read(length))
            self.received.append(message)
            if "method" in message and "id" in message:  # a request from the server
                self.send({"id": message["id"], "result": None})
            elif "id" in message and message["id"] in self._replies:
                self._replies[message["id"]].set()

    def progress(self) -> list[str]:
        return [m["params"]["value"]["kind"] for m in self.received
                if m.get("method") == "$/progress"]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def count_traffic(trace: Path, home: Path) -> dict[str, int]:
    """Per-kind counts of the system calls strace logged that touch the store or goal file."""
    text = trace.read_text(errors="replace")
    store_fds: set[str] = set()
    counts = {"store_preads": 0, "store_opens": 0, "goal_file_stats": 0,
              "goal_file_opens": 0, "other_syscalls": 0}
    for line in text.splitlines():
        call = re.search(r"(\w+)\((.*)", line)
        if call is None:
            continue
        name, args = call.groups()
        if "events.sqlite3" in args and name in ("openat", "open"):
            counts["store_opens"] += 1
            if (fd := re.search(r"= (\d+)$", line)) is not None:
                store_fds.add(fd.group(1))
        elif name == "pread64" and args.split(",")[0] in store_fds:
            counts["store_preads"] += 1
        elif "active-goal" in args and name in ("stat", "newfstatat", "statx", "lstat"):
            counts["goal_file_stats"] += 1
        elif "active-goal" in args and name in ("openat", "open"):
            counts["goal_file_opens"] += 1
        else:
            counts["other_syscalls"] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    args = parser.parse_args()
    strace = shutil.which("strace")
    with tempfile.TemporaryDirectory(prefix="dpt-idle-") as folder:
        home = Path(folder)
        env = {**os.environ, "DPT_HOME": str(home), "DPT_CONFIG": str(home / "none.toml")}
        subprocess.run([*DPT[:-1], "goal", "start", "Idle kata", "--timebox", "45m"],
                       env=env, check=True, capture_output=True)
        process = subprocess.Popen(DPT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, env=env)
        client = Client(process)
        client.request(1, "initialize", {"processId": None, "capabilities": {
            "window": {"workDoneProgress": True}}})
        client.send({"method": "initialized", "params": {}})
        deadline = time.monotonic() + 30
        while "begin" not in client.progress():
            assert time.monotonic() < deadline, "no $/progress begin"
            time.sleep(0.05)
        trace = home / "strace.log"
        tracer = (subprocess.Popen([strace, "-f", "-qq", "-o", str(trace), "-p",
                                    str(process.pid)], stderr=subprocess.DEVNULL)
                  if strace else None)
        time.sleep(1)  # strace attached
        cpu_start, wall_start, sent_start = cpu_seconds(process.pid), time.monotonic(), len(
            client.progress())
        time.sleep(args.minutes * 60)
        cpu = cpu_seconds(process.pid) - cpu_start
        wall = time.monotonic() - wall_start
        progress = client.progress()[sent_start:]
        if tracer is not None:
            tracer.send_signal(signal.SIGINT)
            tracer.wait(30)
        client.request(2, "shutdown", None)
        process.kill()
        process.wait()
        report = {"idle_wall_s": round(wall, 1), "cpu_s": round(cpu, 3),
                  "progress_sent_while_idle": progress,
                  "traffic": count_traffic(trace, home) if tracer else "strace not installed"}
    save_report(report, "lsp_idle.json")


if __name__ == "__main__":
    main()
