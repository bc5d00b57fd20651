"""`dpt import` of an export of 1,000,000 events: wall time and the importer's peak memory.

    python benchmarks/import_1m.py [--events 1000000] [--sizes 250000,1000000] [--src DIR]

Writes (once, then reuses) an export file in benchmarks/results/: a practice month as
`dpt export` writes it, mostly keystroke edits with opens, saves, a test run every 300
events (red ones with failure signatures), a commit every 2,000 and a goal a day. Then, for
each size (the first N lines of that file), runs the real CLI, `python -m dptelemetry
import FILE`, into a fresh data home and reports its wall time and peak RSS (the child's
`ru_maxrss`). Memory that stays flat across sizes is what streaming promises.

`--src DIR` runs the dptelemetry found in DIR instead (e.g. an older commit unpacked with
`git archive COMMIT | tar -x -C DIR`), to compare before and after in one run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from dptelemetry.events import Event, new_event_id, to_jsonl

RESULTS = Path(__file__).parent / "results"
START = 1_746_000_000.0  # 2025-04-30
FILES = ["src/game.py", "src/frame.py", "tests/test_game.py", "tests/test_frame.py"]


def events(n: int) -> Iterator[str]:
    """`n` export lines, in time order, an event every 2.5 s of a practice day."""
    goal = None
    for i in range(n):
        ts = START + i * 2.5
        path = FILES[(i // 50) % len(FILES)]
        if i % 11_520 == 0:  # a goal a day
            goal = new_event_id(ts)
            event = Event("goal_start", ts, "cli", {"title": f"kata {i}", "timebox_s": 2700.0},
                          goal_id=goal, id=goal)
        elif i % 2000 == 1:
            event = Event("commit", ts, "git", {
                "sha": f"{i:040x}", "branch": "main", "goal": f"kata {i - i % 11_520}",
                "files": 2, "insertions": 30, "deletions": 4, "rewritten_from": None,
                "merge": False}, goal_id=goal, repo="/home/dev/kata")
        elif i % 300 == 2:
            red = (i // 300) % 3 != 2
            event = Event("test_run", ts, "pytest", {
                "runner": "pytest", "outcome": "red" if red else "green",
                "exit_code": int(red), "duration_s": 0.8, "passed": 11 - red, "failed": int(red),
                "errors": 0, "skipped": 0,
                "failures": [["tests/test_game.py::test_strike", "AssertionError"]] if red else []},
                goal_id=goal, repo="/home/dev/kata")
        elif i % 50 == 3:
            event = Event("save", ts, "lsp", {}, goal_id=goal, repo="/home/dev/kata", path=path)
        else:
            event = Event("edit", ts, "lsp", {
                "language": "python", "inserted": 1, "deleted": 0, "line": i % 300, "lines": 1,
                "assisted": False}, goal_id=goal, repo="/home/dev/kata", path=path)
        yield to_jsonl(event) + "\n"


def export_file(n: int) -> Path:
    path = RESULTS / f"import-{n}.jsonl"
    if not path.exists():
        RESULTS.mkdir(exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as out:  # streamed: this process stays small,
            out.writelines(events(n))  # and so does what a child's ru_maxrss starts from
        tmp.replace(path)
    return path


def head(source: Path, n: int) -> Path:
    path = RESULTS / f"import-first-{n}.jsonl"
    if not path.exists():
        with source.open(encoding="utf-8") as full, path.open("w", encoding="utf-8") as out:
            for _, line in zip(range(n), full, strict=False):
                out.write(line)
    return path


def run_import(path: Path, src: str | None) -> tuple[float, int, str]:
    """(wall seconds, peak RSS in MB, what it printed) of one `dpt import`."""
    with tempfile.TemporaryDirectory() as home, tempfile.TemporaryFile("w+") as out:
        env = {**os.environ, "DPT_HOME": home, "DPT_CONFIG": str(Path(home) / "none.toml")}
        if src:
            env["PYTHONPATH"] = src
        begin = time.perf_counter()
        child = subprocess.Popen(  # cwd: `-m` puts it first on sys.path, before --src
            [sys.executable, "-m", "dptelemetry", "import", str(path.resolve())],
            env=env, stdout=out, stderr=subprocess.STDOUT, cwd=home)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own peak, not all children's
        child.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - begin
        out.seek(0)
        said = " ".join(out.read().split())
    return wall, round(usage.ru_maxrss / 1024), said + (
        f" (exit {child.returncode})" if child.returncode else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--sizes", default="250000,1000000",
                        help="comma-separated line counts to import (each at most --events)")
    parser.add_argument("--src", help="import dptelemetry from this directory instead")
    args = parser.parse_args()
    full = export_file(args.events)
    print(f"export file: {full} ({full.stat().st_size / 1e6:.0f} MB, {args.events:,} events)")
    for n in (int(size) for size in args.sizes.split(",")):
        path = full if n == args.events else head(full, n)
        wall, rss, said = run_import(path, args.src)
        print(json.dumps({"events": n, "wall_s": round(wall, 1), "peak_rss_mb": rss,
                          "output": said}))


if __name__ == "__main__":
    main()
