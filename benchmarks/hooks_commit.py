"""Median `git commit` time with and without dptelemetry's hooks, with a goal active.

Two repositories of each size hold the same files; one has the hooks installed. Commits
alternate between them (the order flips every round), so machine noise hits both sides
alike, and each side's figure is the median. Every round changes one file and times only
`git commit -q -m ...` (the trailer path runs: a goal is active). After a hooked commit
the benchmark waits for the detached recorder to store its event (and end) before the next
timed commit, as a developer's next commit comes minutes later; how long the recorder works
in the background is reported separately. Besides wall time it reports the CPU time of git
and its hooks, which a busy machine inflates far less than wall time.

    python benchmarks/hooks_commit.py [--files 5000] [--rounds 40]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dptelemetry.store import open_store


def run(args: list[str], cwd: Path, env: dict[str, str]) -> None:
    subprocess.run(args, cwd=cwd, env=env, check=True, capture_output=True)


def make_repo(path: Path, files: int, env: dict[str, str]) -> None:
    path.mkdir()
    run(["git", "init", "-q"], path, env)
    for n in range(files):
        target = path / f"dir{n % 50:02d}" / f"file{n:05d}.txt"
        target.parent.mkdir(exist_ok=True)
        target.write_text(f"line one of {n}\nline two\nline three\n")
    run(["git", "add", "-A"], path, env)
    run(["git", "commit", "-q", "-m", "initial"], path, env)


def commit_events(home: Path) -> int:
    if not (home / "events.sqlite3").exists():
        return 0
    with open_store(home, ingest_spool=False) as store:
        return len(store.events_between(0, 2**40, kinds=["commit"]))


def timed_commit(repo: Path, round_no: int, env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of git and its hooks; the detached recorder is not a
    child git waits for, so it is not in the CPU figure)."""
    target = repo / "dir00" / "file00000.txt"
    with target.open("a") as fh:
        fh.write(f"round {round_no}\n")
    run(["git", "add", str(target)], repo, env)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run(["git", "commit", "-q", "-m", f"round {round_no}"], repo, env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def recorder_running(home: Path) -> bool:
    """A detached recorder for this data home is still alive (Linux: read from /proc)."""
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if b"hooks\0record" in (proc / "cmdline").read_bytes() and \
                    f"DPT_HOME={home}\0".encode() in (proc / "environ").read_bytes():
                return True
        except OSError:
            continue
    return False


def wait_for_recorder(home: Path, expected: int, timeout: float = 30.0) -> float:
    """Seconds until the event is stored; then waits for the process to end as well."""
    start = time.perf_counter()
    while commit_events(home) < expected:
        if time.perf_counter() - start > timeout:
            raise SystemExit(f"the recorder stored {commit_events(home)} of {expected} events")
        time.sleep(0.005)
    stored = time.perf_counter() - start
    while recorder_running(home) and time.perf_counter() - start < timeout:
        time.sleep(0.005)
    return stored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=40)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="dpt-bench-") as tmp:
        root = Path(tmp)
        gitconfig = root / "gitconfig"
        gitconfig.write_text("[user]\n\tname = Bench\n\temail = bench@example.invalid\n"
                             "[init]\n\tdefaultBranch = main\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "DPT_"))}
        env.update(GIT_CONFIG_GLOBAL=str(gitconfig), GIT_CONFIG_NOSYSTEM="1",
                   DPT_HOME=str(root / "dpt-home"), DPT_CONFIG=str(root / "config.toml"))
        home = root / "dpt-home"
        dpt = [sys.executable, "-m", "dptelemetry"]
        sizes = {"large": options.files, "tiny": 3}
        repos: dict[tuple[str, bool], Path] = {}
        for name, files in sizes.items():
            for hooked in (False, True):
                path = root / f"{name}-{'hooked' if hooked else 'plain'}"
                make_repo(path, files, env)
                if hooked:
                    run([*dpt, "hooks", "install", "--repo", str(path)], path, env)
                repos[name, hooked] = path
        run([*dpt, "goal", "start", "Benchmark goal"], root, env)

        load_before = f"{os.getloadavg()[0]:.2f}"
        times: dict[tuple[str, bool], list[float]] = {key: [] for key in repos}
        cpu: dict[tuple[str, bool], list[float]] = {key: [] for key in repos}
        background: list[float] = []
        recorded = 0
        for round_no in range(options.rounds):
            order = sorted(repos, key=lambda key: (key[0], key[1] == bool(round_no % 2)))
            for key in order:
                wall, used = timed_commit(repos[key], round_no, env)
                times[key].append(wall)
                cpu[key].append(used)
                if key[1]:
                    recorded += 1
                    background.append(wait_for_recorder(home, recorded))

        version = subprocess.run(["git", "--version"], capture_output=True, text=True,
                                 check=True).stdout.split()[-1]
        print(f"git {version}, {options.rounds} commits per cell, interleaved; "
              "median ms [p90]")
        print(f"load average before: {load_before}, after: {os.getloadavg()[0]:.2f}")
        for label, samples in (("wall time", times), ("CPU time (git + hooks)", cpu)):
            print(f"{label + ':':<24} {'plain':>14} {'hooked':>14} {'ratio':>6}")
            for name, files in sizes.items():
                plain, hooked = samples[name, False], samples[name, True]
                ratio = statistics.median(hooked) / statistics.median(plain)
                print(f"  {f'{name} ({files} files)':<22} {cell(plain):>14} {cell(hooked):>14} "
                      f"{ratio:>6.2f}")
        print(f"detached recorder, commit returned -> event stored: median "
              f"{statistics.median(background) * 1000:.0f} ms (background, not in the commit)")
        tagged = subprocess.run(["git", "log", "-1", "--format=%(trailers:key=Practice-Goal)"],
                                cwd=repos["large", True], env=env, capture_output=True,
                                text=True, check=True).stdout.strip()
        print(f"last hooked commit carries: {tagged}")


def cell(samples: list[float]) -> str:
    ordered = sorted(samples)
    p90 = ordered[int(0.9 * (len(ordered) - 1))]
    return f"{statistics.median(samples) * 1000:.1f} [{p90 * 1000:.1f}]"


if __name__ == "__main__":
    main()
