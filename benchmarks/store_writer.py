"""Store throughput: the batched writer against one transaction per event, in one run.

    python benchmarks/store_writer.py [--events 100000]

Prints events/s for: BatchWriter (put every event, then close), Store.append in 10,000-event
chunks, and one transaction per event (on a tenth of the events; it is that slow), plus the
time `put` takes on the caller's thread (what a language-server handler pays), and the CPU
time making one event's row takes (the event schema's checks and the payload's JSON).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from dptelemetry.events import Event
from dptelemetry.store import open_store
from dptelemetry.store.writer import BatchWriter


def _events(n: int, start: float) -> list[Event]:
    return [Event(kind="edit", ts=start + i * 0.2, source="bench", path="src/kata.py",
                  payload={"language": "python", "inserted": 1, "deleted": 0, "line": i % 400,
                           "lines": 1, "assisted": False})
            for i in range(n)]


def row_cost(events: list[Event]) -> float:
    """CPU microseconds per event to make its row: the event schema's checks and the payload's
    JSON (what the language server's writer thread pays per keystroke before SQLite)."""
    from dptelemetry.store.db import _row

    best = float("inf")
    for _ in range(5):
        began = time.process_time()
        for event in events:
            _row(event)
        best = min(best, time.process_time() - began)
    return best / len(events) * 1e6


def batched(home: Path, events: list[Event]) -> tuple[float, float]:
    writer = BatchWriter(home)
    put_times = []
    begin = time.perf_counter()
    for event in events:
        t0 = time.perf_counter()
        writer.put(event)
        put_times.append(time.perf_counter() - t0)
    writer.close()
    elapsed = time.perf_counter() - begin
    return len(events) / elapsed, statistics.quantiles(put_times, n=100)[98] * 1e6


def chunked(home: Path, events: list[Event]) -> float:
    with open_store(home) as store:
        begin = time.perf_counter()
        store.append(events)
        return len(events) / (time.perf_counter() - begin)


def one_per_transaction(home: Path, events: list[Event]) -> float:
    with open_store(home) as store:
        begin = time.perf_counter()
        for event in events:
            store.append([event])
        return len(events) / (time.perf_counter() - begin)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        rate, put_p99 = batched(root / "a", _events(args.events, 1.7e9))
        print(f"BatchWriter:            {rate:>10,.0f} events/s  (put p99 {put_p99:.1f} us)")
        print(f"append, 10k chunks:     {chunked(root / 'b', _events(args.events, 1.7e9)):>10,.0f}"
              " events/s")
        single = one_per_transaction(root / "c", _events(args.events // 10, 1.7e9))
        print(f"one transaction each:   {single:>10,.0f} events/s")
        print(f"row (checks + JSON):    {row_cost(_events(args.events, 1.7e9)):>10.2f} us CPU "
              "per event (min of 5)")


if __name__ == "__main__":
    main()
