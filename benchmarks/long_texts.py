"""`dpt summary` and `dpt goal list` on a store holding one huge stuck note and goal note, as a
store written before the text limits may (rendering them used to take time quadratic in
their length).

    python benchmarks/long_texts.py [--sizes 500000,2000000] [--src DIR]

For each size (characters, words of 2 to 9 letters), a fresh data home gets one goal with a
note of that size and one stuck moment of that size, written straight into the store; then
the real CLI renders today's summary as text (piped) and the goal list, each timed once.
`--src DIR` runs the dptelemetry found in DIR instead (an older commit unpacked with
`git archive COMMIT | tar -x -C DIR`), to compare before and after in one run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import string
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

from dptelemetry.events import new_event_id
from dptelemetry.store import open_store, store_path


def words(size: int, rng: random.Random) -> str:
    text = " ".join("".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 9)))
                    for _ in range(size // 5))
    return text[:size]


def seed(home: Path, size: int) -> None:
    rng = random.Random(size)
    now = time.time() - 600
    with open_store(home):
        pass
    goal = new_event_id(now)
    rows = [(round(now * 1000), goal, "goal_start", "cli", goal, None, None, {"title": "kata"}),
            (round((now + 60) * 1000), new_event_id(now + 60), "stuck", "cli", goal, None,
             None, {"text": words(size, rng)}),
            (round((now + 120) * 1000), new_event_id(now + 120), "goal_end", "cli", goal, None,
             None, {"reason": "ended", "note": words(size, rng)})]
    with closing(sqlite3.connect(store_path(home))) as conn, conn:
        conn.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         [(*row[:7], json.dumps(row[7])) for row in rows])


def timed(args: list[str], home: Path, src: str | None) -> float:
    env = {**os.environ, "DPT_HOME": str(home), "DPT_CONFIG": str(home / "none.toml")}
    if src:
        env["PYTHONPATH"] = src
    begin = time.perf_counter()
    subprocess.run([sys.executable, "-m", "dptelemetry", *args], env=env, cwd=home,
                   stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - begin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500000,2000000")
    parser.add_argument("--src", help="import dptelemetry from this directory instead")
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            home = Path(folder)
            seed(home, size)
            summary = timed(["summary"], home, args.src)
            listed = timed(["goal", "list"], home, args.src)
        print(json.dumps({"chars": size, "summary_s": round(summary, 2),
                          "goal_list_s": round(listed, 2)}))


if __name__ == "__main__":
    main()
