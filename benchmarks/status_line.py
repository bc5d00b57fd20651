"""`dpt goal status --format line` against `python -c pass`: start-up, measured in one run.

Status lines poll the line command (tmux every few seconds, shell prompts before every
prompt), so its budget is at most 3x the interpreter's own start-up. Each round runs, in an
order that flips every round: `python -c pass`, the `dpt` console script with `DPT_HOME`
set, the same with the default data home (`HOME` pointing at a temporary folder, the path
found as platformdirs would), and for contrast the full CLI's `dpt goal status` (text). A
goal with a time box is active in both homes. Prints medians, ratios and what the line
command imports beyond `python -c pass`.

Usage: python benchmarks/status_line.py [--rounds 41]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lsp_didchange import save_report

LINE = ["goal", "status", "--format", "line"]


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(argv, env=env, stdout=subprocess.PIPE, check=True)
    seconds = time.perf_counter() - start
    assert result.stdout or argv[1] == "-c", f"{argv} printed nothing"  # a goal is active
    return seconds


def modules(argv: list[str], env: dict[str, str]) -> list[str]:
    """Modules the command imports that `python -c pass` does not (-X importtime)."""
    def imported(command: list[str]) -> set[str]:
        err = subprocess.run(command, env={**env, "PYTHONPROFILEIMPORTTIME": "1"},
                             capture_output=True, text=True, check=True).stderr
        return {line.split("|")[-1].strip() for line in err.splitlines()
                if line.startswith("import time:") and not line.endswith("package")}
    return sorted(imported(argv) - imported([sys.executable, "-c", "pass"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=41)
    args = parser.parse_args()
    dpt = shutil.which("dpt")
    assert dpt, "dpt is not installed in this environment"
    with tempfile.TemporaryDirectory(prefix="dpt-line-") as folder:
        root = Path(folder)
        base = {k: v for k, v in os.environ.items()
                if k not in ("DPT_HOME", "XDG_DATA_HOME", "DPT_CONFIG")}
        with_home = {**base, "DPT_HOME": str(root / "home"), "DPT_CONFIG": str(root / "c")}
        default_home = {**base, "HOME": str(root / "user"), "DPT_CONFIG": str(root / "c")}
        for env in (with_home, default_home):
            subprocess.run([dpt, "goal", "start", "Bowling kata", "--timebox", "45m"],
                           env=env, check=True, capture_output=True)
        variants = {
            "python -c pass": ([sys.executable, "-c", "pass"], base),
            "line, DPT_HOME set": ([dpt, *LINE], with_home),
            "line, default data home": ([dpt, *LINE], default_home),
            "dpt goal status (full CLI)": ([dpt, "goal", "status"], with_home),
        }
        times: dict[str, list[float]] = {name: [] for name in variants}
        for argv, env in variants.values():  # warm: byte-compiled, in the page cache
            timed(argv, env)
        for rnd in range(args.rounds):
            order = list(variants.items())
            for name, (argv, env) in order if rnd % 2 == 0 else order[::-1]:
                times[name].append(timed(argv, env))
        medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
        base_ms = medians["python -c pass"]
        report = {
            "rounds": args.rounds,
            "median_ms": {name: round(ms, 1) for name, ms in medians.items()},
            "ratio_to_python": {name: round(ms / base_ms, 2) for name, ms in medians.items()},
            "line_imports_beyond_python": modules([dpt, *LINE], with_home),
            "line_imports_default_home": modules([dpt, *LINE], default_home),
        }
    save_report(report, "status_line.json")


if __name__ == "__main__":
    main()
