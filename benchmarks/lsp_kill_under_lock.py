"""kill -9 of `dpt lsp` while another process holds the store's write lock: edits lost.

A second process holds `BEGIN IMMEDIATE` on the store throughout; a client types one
character every 10 ms for `--seconds`, then the server gets SIGKILL. The lock is released
and the store is read, spool included, by the same version's own `open_store`. An edit is
lost if it is not there; the promise (DESIGN, Reliability) is that none sent more than a
second before the kill is lost.

With `--before DIR` (a checkout of an earlier version: `git archive COMMIT | tar -x -C DIR`)
the two versions take turns, each in its own processes (PYTHONPATH names the checkout).

Usage: python benchmarks/lsp_kill_under_lock.py [--rounds 5] [--seconds 5] [--before DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lsp_didchange import DPT, LINES, Session, did_change

HOLD_LOCK = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()
"""
CREATE = "from dptelemetry.store import open_store; open_store().close()"
READ_LINES = """
import json, dptelemetry
from dptelemetry.store import open_store
with open_store() as store:
    lines = [e.payload["line"] for e in store.iter_events() if e.kind == "edit"]
print(json.dumps({"package": dptelemetry.__file__, "lines": lines}))
"""


HERE = Path(__file__).resolve().parent.parent


def environment(root: Path, home: Path) -> dict[str, str]:
    """Environment for the processes of the version checked out at `root`, which also
    run in `root` (`python -m` and `-c` put the current folder first on the path)."""
    return {**os.environ, "DPT_HOME": str(home), "DPT_CONFIG": str(home / "none.toml"),
            "PYTHONPATH": f"{root}{os.pathsep}{root / 'plugins'}"}


def one_round(root: Path, seconds: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="dpt-kill-") as tmp:
        home = Path(tmp)
        env = environment(root, home)
        subprocess.run([sys.executable, "-c", CREATE], env=env, cwd=root, check=True)
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLD_LOCK, str(home / "events.sqlite3")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline() == "locked\n"
        session = Session(["env", "-C", str(root), f"PYTHONPATH={env['PYTHONPATH']}", *DPT],
                          home)
        sent: list[float] = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and len(sent) < LINES:
            session.send(did_change(len(sent)))  # change i types on line i
            sent.append(time.monotonic())
            time.sleep(0.01)
        os.kill(session.process.pid, signal.SIGKILL)
        killed = time.monotonic()
        session.process.wait()
        holder.stdin.close()
        holder.wait()
        read = subprocess.run([sys.executable, "-c", READ_LINES], env=env, cwd=root,
                              check=True, capture_output=True, text=True)
    found = json.loads(read.stdout)
    assert Path(found["package"]).is_relative_to(root), found["package"]
    stored = set(found["lines"])
    lost_ages = [killed - at for line, at in enumerate(sent) if line not in stored]
    return {
        "sent": len(sent),
        "lost": len(lost_ages),
        "lost_older_than_1s": sum(age > 1.0 for age in lost_ages),
        "oldest_lost_s": round(max(lost_ages, default=0.0), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--before", type=Path)
    args = parser.parse_args()
    versions = {"after": HERE}
    if args.before:
        versions = {"before": args.before.resolve(), **versions}
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in versions}
    for number in range(args.rounds):
        for name, root in versions.items():
            found = one_round(root, args.seconds)
            results[name].append(found)
            print(f"round {number + 1} {name}: {found}", flush=True)
    for name, rounds in results.items():
        older = [r["lost_older_than_1s"] for r in rounds]
        print(f"{name}: sent {statistics.median(r['sent'] for r in rounds)} per round, lost "
              f"older than 1 s: {older} (oldest lost: {[r['oldest_lost_s'] for r in rounds]} s)")
    out = Path(__file__).with_name("results") / "lsp_kill_under_lock.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
