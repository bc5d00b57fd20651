"""Before and after, interleaved: the daily summary and `dpt summary`, this checkout against
an earlier one, on the synthetic year of summary_200k.py.

    git archive <commit> | tar -x -C /tmp/before       # the earlier version, unpacked
    python benchmarks/summary_compare.py --before /tmp/before --before-store DIR
        [--store DIR] [--rounds 5]

Each checkout runs in its own new processes (PYTHONPATH names it; the earlier version's
dependencies must be installed too) against its own copy of the store, since an earlier
version may only know an older schema; the two alternate, so both see the same load:

- `summarize_day` as `dpt summary` calls it (plugin manager, goals, baselines, the day), for
  the 10,000-, 50,000- and 200,000-event days, after one warm-up in the process;
- the CLI, byte-compiled first as an installed package is: `dpt summary --date 2025-06-18` as
  text, as HTML (which adds the week's trend and its charts), and `--week` as text; warm
  (each command runs once before the rounds).

Prints the medians (and minimum) of the CPU time of the process doing the work and of the
wall time, and the load average before and after: on a shared machine wall time includes
waiting for a core.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timezone
from pathlib import Path

HERE = Path(__file__).parent
DAYS = {"10,000 events": "2025-06-19", "50,000 events": "2025-06-20",
        "200,000 events": "2025-06-18"}
COMMANDS = {
    "dpt summary (text)": ["--date", "2025-06-18", "--format", "text"],
    "dpt summary --format html": ["--date", "2025-06-18", "--format", "html"],
    "dpt summary --week (text)": ["--date", "2025-06-18", "--week", "--format", "text"],
}


def summarize_in_this_process(home: Path, day: date, repeat: int) -> None:
    """The child: (CPU, wall) seconds of each warm summary, as JSON on stdout."""
    from dptelemetry.analysis.summary import summarize_day
    from dptelemetry.config import Config
    from dptelemetry.store import open_store

    times = []
    with open_store(home) as store:
        summarize_day(store, day, Config(), timezone.utc)
        for _ in range(repeat):
            cpu, wall = time.process_time(), time.perf_counter()
            summary = summarize_day(store, day, Config(), timezone.utc)
            times.append((time.process_time() - cpu, time.perf_counter() - wall))
            assert not summary.plugin_failures, summary.plugin_failures
            del summary
    print(json.dumps(times))


class Checkout:
    def __init__(self, root: Path, store: Path, scratch: Path) -> None:
        self.root, self.store = root.resolve(), store.resolve()
        self.env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        config = scratch / "empty-config.toml"
        config.touch()
        self.env.update(PYTHONPATH=f"{self.root}{os.pathsep}{self.root / 'plugins'}",
                        DPT_HOME=str(self.store), DPT_CONFIG=str(config), TZ="UTC")
        self.scratch = scratch
        for folder in ("dptelemetry", "plugins"):
            compileall.compile_dir(self.root / folder, quiet=1)

    def summaries(self, day: str) -> list[tuple[float, float]]:
        out = subprocess.run([sys.executable, __file__, "--child", str(self.store), day],
                             env=self.env, check=True, capture_output=True, text=True).stdout
        return [tuple(pair) for pair in json.loads(out)]

    def command(self, args: list[str]) -> tuple[float, float]:
        """(CPU, wall) seconds of one `dpt summary` in a new process."""
        output = ["--output", str(self.scratch / "out.html")] if "html" in args else []
        before, wall = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        subprocess.run([sys.executable, "-m", "dptelemetry", "summary", *args, *output],
                       env=self.env, cwd=self.scratch, check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - wall
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, wall)


def report(label: str, before: list[tuple[float, float]],
           after: list[tuple[float, float]]) -> None:
    def cell(times: list[tuple[float, float]], i: int) -> str:
        values = [t[i] for t in times]
        return f"{statistics.median(values):6.2f} s (min {min(values):.2f})"

    print(f"  {label:<28} CPU {cell(before, 0)} -> {cell(after, 0)}   "
          f"wall {cell(before, 1)} -> {cell(after, 1)}")


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        summarize_in_this_process(Path(sys.argv[2]), date.fromisoformat(sys.argv[3]), 2)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True,
                        help="an earlier checkout's root")
    parser.add_argument("--before-store", type=Path, required=True,
                        help="its own copy of the synthetic year")
    parser.add_argument("--store", type=Path, default=HERE / "results" / "year-store")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        checkouts = (Checkout(args.before, args.before_store, Path(scratch)),
                     Checkout(HERE.parent, args.store, Path(scratch)))
        for checkout in checkouts:
            for command in COMMANDS.values():
                checkout.command(command)  # warm: caches filled, files read once
        print(f"load average before: {os.getloadavg()}")
        times: dict[str, tuple[list[tuple[float, float]], ...]] = {
            label: ([], []) for label in [*DAYS, *COMMANDS]}
        for round_ in range(args.rounds):
            order = checkouts if round_ % 2 == 0 else checkouts[::-1]
            for label, day in DAYS.items():
                for checkout in order:
                    times[label][checkouts.index(checkout)].extend(checkout.summaries(day))
            for label, command in COMMANDS.items():
                for checkout in order:
                    times[label][checkouts.index(checkout)].append(checkout.command(command))
        print(f"load average after: {os.getloadavg()}")
    print(f"medians of {args.rounds} interleaved rounds, before -> after:")
    print(" summarize_day (2 per process and round):")
    for label in DAYS:
        report(label, *times[label])
    print(" the CLI in a new process:")
    for label in COMMANDS:
        report(label, *times[label])


if __name__ == "__main__":
    main()
