"""`dpt lsp` against a bare pygls server on the same stream of `didChange` notifications.

Three measurements (figures and the command in benchmarks/README.md, "Language server"):

Every `dpt lsp` runs as a user's would while practising: a goal with a time box is active and
every live-feedback setting is on (defaults), and the client declares `window.workDoneProgress`
and answers the server's `window/workDoneProgress/create` (both servers get that client).

1. time: the same 20,000 incremental changes (typing into a 2,000-line document), sent as
   fast as the pipe takes them, then `shutdown`; timed from the first change to the reply
   (for `dpt lsp` that includes writing every event to the store). A bare pygls 2 server
   (`LanguageServer` with its default incremental sync) and `dpt lsp` take turns, in
   alternating order, each in a fresh process and data home; the ratio of medians is the
   budget figure (<= 1.15).
2. memory: resident set size of `dpt lsp` after 100,000 and after 1,000,000 changes (each
   point after a `dpt.flush` round trip, so everything was handled and written).
3. handler latency, in process: the time our `didChange` handler takes (edit accounting,
   the event, the queue append), and pygls' whole dispatch of a parsed message, for both
   servers: flooded (20,000 back to back) and paced (1,000 changes 20 ms apart, a fast
   typist's rate).

Usage: python benchmarks/lsp_didchange.py [--repeat 5] [--changes 20000] [--memory 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

LINES = 2000
URI = "file:///tmp/dpt-bench/kata.py"
DOCUMENT = "\n".join("    value = compute(alpha, beta, gamma)  # line" for _ in range(LINES))
BARE = [sys.executable, "-c",
        "from pygls.lsp.server import LanguageServer; LanguageServer('bare', '0').start_io()"]
DPT = [sys.executable, "-m", "dptelemetry", "lsp"]


def message(payload: dict[str, Any]) -> bytes:
    body = json.dumps({"jsonrpc": "2.0", **payload}).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def did_change(index: int) -> bytes:
    """Typing: change `index` inserts one character, cycling over the document's lines."""
    position = {"line": index % LINES, "character": index // LINES}
    return message({"method": "textDocument/didChange", "params": {
        "textDocument": {"uri": URI, "version": index + 2},
        "contentChanges": [{"range": {"start": position, "end": position}, "text": "x"}]}})


class Session:
    """One server process and a client that writes raw frames and waits for replies,
    answering the server's own requests with a null result."""

    def __init__(self, command: list[str], home: Path) -> None:
        env = {**os.environ, "DPT_HOME": str(home), "DPT_CONFIG": str(home / "none.toml")}
        subprocess.run([*DPT[:-1], "goal", "start", "Benchmark kata", "--timebox", "45m"],
                       env=env, check=True, capture_output=True)
        self._lock = threading.Lock()
        self.progress = 0
        """`$/progress` notifications received."""
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, env=env)
        assert self.process.stdin is not None and self.process.stdout is not None
        self._stdin: IO[bytes] = self.process.stdin
        self._stdout: IO[bytes] = self.process.stdout
        self._id = 0
        self.request("initialize", {"processId": None,
                                    "capabilities": {"window": {"workDoneProgress": True}}})
        self.send(message({"method": "initialized", "params": {}}))
        self.send(message({"method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": URI, "languageId": "python", "version": 1, "text": DOCUMENT}}}))
        self.request("$/sync")  # unknown to both servers: the error reply is the sync point

    def send(self, data: bytes) -> None:
        with self._lock:
            self._stdin.write(data)
            self._stdin.flush()

    def request(self, method: str, params: Any = None) -> Any:
        self._id += 1
        self.send(message({"id": self._id, "method": method, "params": params}))
        return self.reply(self._id)

    def reply(self, wanted: int) -> Any:
        while True:
            length = 0
            while (line := self._stdout.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not line:
                raise RuntimeError("the server closed its output")
            reply = json.loads(self._stdout.read(length))
            if reply.get("id") == wanted and "method" not in reply:
                return reply
            if "method" in reply and "id" in reply:  # the server asks: answer at once
                self.send(message({"id": reply["id"], "result": None}))
            elif reply.get("method") == "$/progress":
                self.progress += 1

    def stream(self, changes: Iterator[bytes], then: str, params: Any = None) -> Any:
        """Write the changes from a thread (the pipe blocks when full), then one request."""
        self._id += 1
        tail = message({"id": self._id, "method": then, "params": params})

        def write() -> None:
            chunk: list[bytes] = []
            for data in changes:
                chunk.append(data)
                if len(chunk) == 500:
                    self.send(b"".join(chunk))
                    chunk = []
            self.send(b"".join(chunk) + tail)

        writer = threading.Thread(target=write)
        writer.start()
        result = self.reply(self._id)
        writer.join()
        return result

    def rss_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        kb = next(int(line.split()[1]) for line in status.splitlines()
                  if line.startswith("VmRSS:"))
        return kb / 1024

    def close(self) -> None:
        self.process.kill()
        self.process.wait()


def timed_run(command: list[str], changes: int) -> tuple[float, float]:
    """(seconds for the stream and the shutdown reply, RSS in MB at the end)."""
    with tempfile.TemporaryDirectory(prefix="dpt-bench-") as home:
        session = Session(command, Path(home))
        try:
            stream = (did_change(i) for i in range(changes))
            start = time.perf_counter()
            session.stream(stream, "shutdown")
            return time.perf_counter() - start, session.rss_mb()
        finally:
            session.close()


def compare_time(repeat: int, changes: int) -> dict[str, Any]:
    times: dict[str, list[float]] = {"bare": [], "dpt": []}
    rss: dict[str, list[float]] = {"bare": [], "dpt": []}
    for rep in range(repeat):
        order = [("bare", BARE), ("dpt", DPT)]
        for name, command in order if rep % 2 == 0 else order[::-1]:
            seconds, mb = timed_run(command, changes)
            times[name].append(seconds)
            rss[name].append(mb)
            print(f"  run {rep + 1}/{repeat} {name}: {seconds:.2f} s, RSS {mb:.0f} MB",
                  flush=True)
    medians = {name: statistics.median(values) for name, values in times.items()}
    return {"changes": changes, "seconds": times, "median_s": medians, "rss_mb_at_end": rss,
            "ratio_dpt_to_bare": medians["dpt"] / medians["bare"],
            "ratios_per_rep": [d / b for d, b in zip(times["dpt"], times["bare"], strict=True)]}


def memory(total: int) -> dict[str, Any]:
    checkpoints = sorted({100_000, total})
    points: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="dpt-bench-") as home:
        session = Session(DPT, Path(home))
        try:
            sent = 0
            for mark in checkpoints:
                flushed = session.stream((did_change(i) for i in range(sent, mark)),
                                         "workspace/executeCommand", {"command": "dpt.flush"})
                sent = mark
                points[mark] = session.rss_mb()
                progress = session.progress
                print(f"  after {mark:,} changes: RSS {points[mark]:.1f} MB, "
                      f"{flushed['result']['written']:,} events written", flush=True)
        finally:
            session.close()
    first, last = points[checkpoints[0]], points[checkpoints[-1]]
    return {"rss_mb": points, "growth": (last - first) / first,
            "progress_received": progress}


def handler_latency(changes: int) -> dict[str, Any]:
    """In process: parsed messages into the protocol, one at a time, timed."""
    from pygls.lsp.server import LanguageServer

    from dptelemetry.capture.lsp.server import build_server

    class Discard:
        def write(self, data: bytes) -> None: ...
        def close(self) -> None: ...

    def percentiles(samples: list[int]) -> dict[str, float]:
        ordered = sorted(samples)
        return {f"p{p}_us": ordered[min(len(ordered) - 1, len(ordered) * p // 100)] / 1000
                for p in (50, 99)} | {"max_us": ordered[-1] / 1000}

    def run(server: LanguageServer, timed: Callable[[Any], None] | None,
            count: int = changes, gap: float = 0.0) -> list[int]:
        protocol = server.protocol
        protocol.set_writer(Discard())

        def feed(data: bytes) -> Any:
            body = data.split(b"\r\n\r\n", 1)[1]
            return json.loads(body, object_hook=protocol.structure_message)

        protocol.handle_message(feed(message({"id": 1, "method": "initialize",
                                              "params": {"capabilities": {}}})))
        protocol.handle_message(feed(message({"method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": URI, "languageId": "python", "version": 1,
                             "text": DOCUMENT}}})))
        parsed = [feed(did_change(i)) for i in range(count)]
        samples = []
        clock = time.perf_counter_ns
        for msg in parsed:
            start = clock()
            if timed is None:
                protocol.handle_message(msg)
            else:
                timed(msg.params)
            samples.append(clock() - start)
            if gap:
                time.sleep(gap)
        return samples

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="dpt-bench-") as home:
        servers = [build_server(Path(home)) for _ in range(3)]
        flooded, handler_only, paced = servers
        results["dpt_dispatch"] = percentiles(run(flooded, None))
        results["dpt_handler_only"] = percentiles(run(handler_only, lambda params: (
            handler_only.recorder.change(params.text_document.uri, params.content_changes)
            if handler_only.recorder else None)))
        results["dpt_dispatch_paced"] = percentiles(run(paced, None, count=1000, gap=0.02))
        for server in servers:
            server.end("shutdown")
    results["bare_dispatch"] = percentiles(run(LanguageServer("bare", "0"), None))
    results["bare_dispatch_paced"] = percentiles(run(LanguageServer("bare", "0"), None,
                                                     count=1000, gap=0.02))
    return results


def save_report(report: dict[str, Any], name: str) -> None:
    """Print the figures and keep them in benchmarks/results/ (not committed)."""
    print(json.dumps(report, indent=2))
    out = Path(__file__).with_name("results") / name
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--changes", type=int, default=20_000)
    parser.add_argument("--memory", type=int, default=1_000_000)
    args = parser.parse_args()
    print(f"time: {args.changes:,} didChange, {args.repeat} interleaved repetitions", flush=True)
    report: dict[str, Any] = {"time": compare_time(args.repeat, args.changes)}
    print(f"memory: dpt lsp RSS up to {args.memory:,} didChange", flush=True)
    report["memory"] = memory(args.memory)
    print("handler latency (in process)", flush=True)
    report["latency"] = handler_latency(args.changes)
    save_report(report, "lsp_didchange.json")


if __name__ == "__main__":
    main()
