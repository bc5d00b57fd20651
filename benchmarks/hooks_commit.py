"""Median `git commit` time with and without dptelemetry's hooks, with a goal active.

For each repository size there are four repositories with the same files: one without
hooks, three with them. Commits alternate between all of them (the order flips every round),
so machine noise hits every side alike, and each figure is a median. Each round changes one
file and times only `git commit -q ...`; a goal is active, so the trailer path runs:

- `plain`: no hooks, `-m "round N"`;
- `hooked`: the same one-paragraph message, which the shim tags in sh;
- `hooked, body`: `-m "round N" -m "<a plain body>"`, also tagged in sh;
- `hooked, key: body`: a body with a colon, which might be a trailer block, so it goes
  through `git interpret-trailers`.

After a hooked commit the benchmark waits for the detached recorder to store its event (and
end) before the next timed commit, as a developer's next commit comes minutes later; how
long the recorder works in the background is reported separately. Besides wall time it
reports the CPU time of git and its hooks, which a busy machine inflates far less.

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

VARIANTS = ("plain", "hooked", "hooked, body", "hooked, key: body")
BODIES = {"hooked, body": "The body makes a second paragraph, as most commits have.",
          "hooked, key: body": "Why: the body makes a second paragraph."}


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


def timed_commit(repo: Path, message: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of git and its hooks; the detached recorder is not a
    child git waits for, so it is not in the CPU figure)."""
    target = repo / "dir00" / "file00000.txt"
    with target.open("a") as fh:
        fh.write("one more line\n")
    run(["git", "add", str(target)], repo, env)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run(["git", "commit", "-q", *message], repo, env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


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


def cell(samples: list[float]) -> str:
    ordered = sorted(samples)
    p90 = ordered[int(0.9 * (len(ordered) - 1))]
    return f"{statistics.median(samples) * 1000:.1f} [{p90 * 1000:.1f}]"


def report(label: str, samples: dict[tuple[str, str], list[float]],
           sizes: dict[str, int]) -> None:
    print(f"{label}, median ms [p90], ratio to plain:")
    for name, files in sizes.items():
        plain = statistics.median(samples[name, "plain"])
        cells = [f"{variant} {cell(samples[name, variant])}"
                 + ("" if variant == "plain"
                    else f" x{statistics.median(samples[name, variant]) / plain:.2f}")
                 for variant in VARIANTS]
        print(f"  {name} ({files} files): " + "; ".join(cells))


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
        home = root / "dpt-home"
        env.update(GIT_CONFIG_GLOBAL=str(gitconfig), GIT_CONFIG_NOSYSTEM="1",
                   DPT_HOME=str(home), DPT_CONFIG=str(root / "config.toml"))
        dpt = [sys.executable, "-m", "dptelemetry"]
        sizes = {"large": options.files, "tiny": 3}
        repos: dict[tuple[str, str], Path] = {}
        for name, files in sizes.items():
            for number, variant in enumerate(VARIANTS):
                repos[name, variant] = path = root / f"{name}-{number}"
                make_repo(path, files, env)
                if variant != "plain":
                    run([*dpt, "hooks", "install", "--repo", str(path)], path, env)
        run([*dpt, "goal", "start", "Benchmark goal"], root, env)

        load_before = os.getloadavg()[0]
        wall: dict[tuple[str, str], list[float]] = {key: [] for key in repos}
        cpu: dict[tuple[str, str], list[float]] = {key: [] for key in repos}
        background: list[float] = []
        for round_no in range(options.rounds):
            keys = list(repos) if round_no % 2 else list(reversed(repos))
            for key in keys:
                message = ["-m", f"round {round_no}"]
                if key[1] in BODIES:
                    message += ["-m", BODIES[key[1]]]
                elapsed, used = timed_commit(repos[key], message, env)
                wall[key].append(elapsed)
                cpu[key].append(used)
                if key[1] != "plain":
                    background.append(wait_for_recorder(home, len(background) + 1))

        version = subprocess.run(["git", "--version"], capture_output=True, text=True,
                                 check=True).stdout.split()[-1]
        print(f"git {version}; {options.rounds} commits per cell, interleaved; load average "
              f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
        report("wall time", wall, sizes)
        report("CPU time of git and its hooks", cpu, sizes)
        print(f"detached recorder, commit returned -> event stored: median "
              f"{statistics.median(background) * 1000:.0f} ms (in the background)")
        trailer = subprocess.run(["git", "log", "-1", "--format=%(trailers:key=Practice-Goal)"],
                                 cwd=repos["large", "hooked"], env=env, capture_output=True,
                                 text=True, check=True).stdout.strip()
        print(f"last hooked commit carries: {trailer}")


if __name__ == "__main__":
    main()
