"""What test-run capture costs: the pytest plugin on a session of 200 trivial tests (whole
sessions, and two of the parts: the import, and the session end; the hooks are the rest),
what the detached recorder then costs in the background, and `dpt run` around a command.

Usage: python benchmarks/pytest_overhead.py [--repeat 41] [--with-config]

Every comparison runs its variants interleaved (alternating which goes first) in one run,
and reports medians and the median of the paired differences, so load from other processes
on the machine hits both sides alike. Wall and CPU time are both given: on a shared machine
CPU time (of the measured process only) is far less disturbed. After each session the
detached recorder is waited for, untimed, so its work never lands in the next measurement.
Bytecode caches are enabled (as for any installed package) and warmed by untimed runs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from collections.abc import Sequence
from pathlib import Path

PY = sys.executable
TESTS_PER_FILE, FILES = 20, 10


STAMP_CONFTEST = """
import os, time, pytest

@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_sessionfinish(session):
    with open(os.environ["BENCH_STAMP"], "w") as stamp:
        stamp.write(repr(time.time()))
    yield
"""
"""Stamps the moment the session ends, so the "tail" (session end to process exit), where all
of the plugin's session-end work and its effects fall, can be timed on its own: it is a
fraction of the whole session's length, and so of its noise."""


def make_project(root: Path) -> None:
    """200 trivial tests in 10 files, in a git repository, as a small real project has."""
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "pytest.ini").write_text(
        "[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    (root / "conftest.py").write_text(STAMP_CONFTEST)
    for f in range(FILES):
        body = "".join(f"def test_{n}():\n    assert {n} == {n}\n\n"
                       for n in range(TESTS_PER_FILE))
        (root / f"test_trivial_{f}.py").write_text(body)


def timed(argv: Sequence[str], env: dict[str, str], cwd: Path) -> tuple[float, ...]:
    """(wall, CPU, tail) seconds of one run; the tail (session end to exit) only for pytest
    sessions. CPU time is far less disturbed by other processes on a shared machine."""
    stamp = Path(env["BENCH_STAMP"])
    stamp.unlink(missing_ok=True)
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(process.pid, 0)
    ended = time.time()
    process.returncode = 0  # reaped above
    took = [time.perf_counter() - start, usage.ru_utime + usage.ru_stime]
    if stamp.exists():
        took.append(ended - float(stamp.read_text()))
    wait_for_recorders()
    return tuple(took)


def wait_for_recorders() -> None:
    """Until no detached recorder (`python -m dptelemetry.capture.pytest_recorder`) is running."""
    while True:
        running = False
        for proc in Path("/proc").iterdir():
            with contextlib.suppress(OSError):
                if proc.name.isdigit() and b"dptelemetry.capture.pytest_recorder" in (
                        proc / "cmdline").read_bytes():
                    running = True
                    break
        if not running:
            return
        time.sleep(0.01)


def compare(name: str, base: Sequence[str], other: Sequence[str], env: dict[str, str],
            cwd: Path, repeat: int) -> None:
    """Interleaved runs of two commands; prints medians, paired difference and ratio."""
    for argv in (base, other):
        timed(argv, env, cwd)  # warm caches and bytecode
    base_runs: list[tuple[float, ...]] = []
    other_runs: list[tuple[float, ...]] = []
    for i in range(repeat):
        pair = [(base, base_runs), (other, other_runs)]
        for argv, runs in pair if i % 2 == 0 else reversed(pair):
            runs.append(timed(argv, env, cwd))
    print(f"\n{name} ({repeat} interleaved pairs)")
    for label, index in (("wall", 0), ("CPU", 1), ("tail", 2)):
        if len(base_runs[0]) <= index:
            continue
        b = [run[index] for run in base_runs]
        o = [run[index] for run in other_runs]
        diff = statistics.median(x - y for x, y in zip(o, b, strict=True))
        b_med, o_med = statistics.median(b), statistics.median(o)
        low, high = statistics.quantiles(b, n=10)[0], statistics.quantiles(b, n=10)[-1]
        print(f"  {label:4}: without {b_med * 1000:7.1f} ms (p10-p90 {low * 1000:.0f}-"
              f"{high * 1000:.0f}), with {o_med * 1000:7.1f} ms; added: median paired "
              f"difference {diff * 1000:+.1f} ms, ratio of medians {o_med / b_med:.3f}")


def import_cost(env: dict[str, str], repeat: int) -> None:
    """Cumulative `-X importtime` of the plugin module, after pytest (which loads it)."""
    pattern = re.compile(r"import time:\s+\d+ \|\s+(\d+) \| dptelemetry\.capture\.pytest_plugin$")
    costs = []
    for _ in range(repeat):
        result = subprocess.run(
            [PY, "-X", "importtime", "-c", "import pytest, dptelemetry.capture.pytest_plugin"],
            env=env, capture_output=True, text=True, check=True)
        found = [m for line in result.stderr.splitlines() if (m := pattern.search(line))]
        costs.append(int(found[0].group(1)))
    modules = subprocess.run(
        [PY, "-c", "import sys, pytest; before = set(sys.modules); "
                   "import dptelemetry.capture.pytest_plugin; "
                   "print(sorted(set(sys.modules) - before))"],
        env=env, capture_output=True, text=True, check=True).stdout.strip()
    print(f"\nplugin import, after pytest ({repeat} runs): median {statistics.median(costs)} µs"
          f"\n  modules it adds: {modules}")


def hook_cost(repeat: int) -> None:
    """The plugin's hooks for 200 tests, which whole sessions are too noisy to resolve: the
    hook bodies on real reports (fastest of `repeat` rounds), plus pluggy's cost of calling
    one more hook implementation, times the calls a 200-test session makes."""
    import pluggy
    import pytest

    from dptelemetry.capture import pytest_plugin

    class Config:
        option = None
        rootpath = Path.cwd()

    tally = pytest_plugin.SessionTally(Config())  # type: ignore[arg-type]
    tests = TESTS_PER_FILE * FILES
    reports = [pytest.TestReport(f"test_t.py::test_{n}", ("test_t.py", n, ""), {}, "passed",
                                 None, when)
               for n in range(tests) for when in ("setup", "call", "teardown")]

    class Call:
        excinfo = None

    def session_hooks() -> None:
        for report in reports:
            tally.pytest_runtest_logreport(report)
        for report in reports[1::3]:
            wrapper = pytest_plugin.pytest_runtest_makereport(None, Call)  # type: ignore[arg-type]
            next(wrapper)
            with contextlib.suppress(StopIteration):
                wrapper.send(report)

    bodies = min(timeit.repeat(session_hooks, number=1, repeat=repeat))

    hookspec, hookimpl = pluggy.HookspecMarker("bench"), pluggy.HookimplMarker("bench")

    class Spec:
        @hookspec
        def hook(self, report: object) -> None: ...

    class Impl:
        @hookimpl
        def hook(self, report: object) -> None: ...

    manager = pluggy.PluginManager("bench")
    manager.add_hookspecs(Spec)
    manager.register(Impl())

    def call() -> None:
        manager.hook.hook(report=None)

    one = min(timeit.repeat(call, number=10_000, repeat=repeat)) / 10_000
    manager.register(type("Another", (Impl,), {})())
    two = min(timeit.repeat(call, number=10_000, repeat=repeat)) / 10_000
    calls = len(reports) + tests  # logreport per phase, makereport wrapper per call phase
    dispatch = (two - one) * calls
    print(f"\nhooks, {tests} tests (fastest of {repeat}): bodies {bodies * 1000:.2f} ms + "
          f"pluggy dispatch {calls} x {(two - one) * 1e6:.2f} µs = {dispatch * 1000:.2f} ms; "
          f"total {(bodies + dispatch) * 1000:.2f} ms")


def session_end_cost(env: dict[str, str], cwd: Path, repeat: int) -> None:
    """The plugin's work at session end (start the recorder, hand it the run), measured in
    a fresh process; then, untimed for the session, what the detached recorder costs."""
    script = (
        "import os, time, pytest\n"
        "from pathlib import Path\n"
        "from dptelemetry.capture.pytest_plugin import SessionTally\n"
        "class Config:\n"
        "    rootpath = Path.cwd()\n"
        "tally = SessionTally(Config())\n"
        "start, cpu = time.perf_counter(), time.process_time()\n"
        "tally._run = tally._note_run(0, 1.0)\n"
        "tally.pytest_unconfigure()\n"
        "took, cpu = time.perf_counter() - start, time.process_time() - cpu\n"
        "tally.recorder.release()\n"
        "process = tally.recorder.process\n"
        "_, status, usage = os.wait4(process.pid, 0)\n"
        "process.returncode = status\n"
        "print(took, usage.ru_utime + usage.ru_stime, status, cpu)\n")
    ends, end_cpus, recorder_cpus = [], [], []
    for _ in range(repeat):
        out = subprocess.run([PY, "-c", script], env=env, cwd=cwd, capture_output=True,
                             text=True, check=True).stdout.split()
        assert out[2] == "0", out
        ends.append(float(out[0]))
        recorder_cpus.append(float(out[1]))
        end_cpus.append(float(out[3]))
    print(f"\nsession end, in the pytest process ({repeat} fresh processes): "
          f"median {statistics.median(ends) * 1000:.1f} ms wall, "
          f"{statistics.median(end_cpus) * 1000:.1f} ms CPU"
          f"\n  the detached recorder, after the session: median "
          f"{statistics.median(recorder_cpus) * 1000:.0f} ms CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=41)
    parser.add_argument("--with-config", action="store_true",
                        help="give the plugin a config file to read (it reads TOML then)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        project = root / "project"
        make_project(project)
        config = root / "config.toml"
        if args.with_config:
            config.write_text("[capture]\npytest = true\n[privacy]\nhash_paths = false\n")
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("PYTEST_", "DPT_")) and k != "PYTHONDONTWRITEBYTECODE"}
        env.update(DPT_HOME=str(root / "home"), DPT_CONFIG=str(config),
                   BENCH_STAMP=str(root / "session-end"))
        print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, "
              f"config file: {'yes' if args.with_config else 'none'}")

        pytest_cmd = [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        bare = {**env, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
        with_plugin = [*pytest_cmd, "-p", "dptelemetry.capture.pytest_plugin"]
        compare("pytest, 200 trivial tests, no other plugins: without vs "
                "-p dptelemetry.capture.pytest_plugin",
                pytest_cmd, with_plugin, bare, project, args.repeat)
        compare("the same, plugin on but no recorder started (DPT_RUN=1): without vs with",
                pytest_cmd, with_plugin, {**bare, "DPT_RUN": "1"}, project, args.repeat)
        compare("pytest, 200 trivial tests, all installed plugins: "
                "-p no:dptelemetry vs plugin on",
                [*pytest_cmd, "-p", "no:dptelemetry"], pytest_cmd, env, project, args.repeat)
        import_cost(env, args.repeat)
        hook_cost(args.repeat)
        session_end_cost(env, project, args.repeat)
        compare("dpt run around `python -c pass`",
                [PY, "-c", "pass"], [PY, "-m", "dptelemetry", "run", "--", PY, "-c", "pass"],
                env, project, args.repeat)
        compare("dpt run around the same pytest session (plugin off in both)",
                [*pytest_cmd, "-p", "no:dptelemetry"],
                [PY, "-m", "dptelemetry", "run", "--", *pytest_cmd, "-p", "no:dptelemetry"],
                env, project, args.repeat)


if __name__ == "__main__":
    main()
