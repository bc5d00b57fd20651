"""What the key of a kept day costs: `releases_key`, which every `dpt summary`, `drill show`
and `progress` computes once, and its part that reads the plugins' files
(`plugin_sources`: the sizes and times of the Python files beside each plugin's module).

    python benchmarks/day_cache_key.py [--repeat 2001]

Runs in a new data home with the plugins installed here (the releases scanned once and kept,
as after the first command), each figure the median over `--repeat` calls in one process,
interleaved: `plugin_releases` alone (the key's plugin part before the sources were read),
`plugin_sources` alone, and the whole `releases_key`.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from dptelemetry.analysis.day_cache import releases_key
from dptelemetry.config import Config
from dptelemetry.entry_points import plugin_releases, plugin_sources


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2001)
    args = parser.parse_args()
    config = Config()
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        releases_key(config, home)  # scans once and keeps what it found
        steps: dict[str, Callable[[], object]] = {
            "plugin_releases": lambda: plugin_releases(config, home),
            "plugin_sources": lambda: plugin_sources(config, home),
            "releases_key": lambda: releases_key(config, home),
        }
        times: dict[str, list[float]] = {name: [] for name in steps}
        for _ in range(args.repeat):
            for name, step in steps.items():
                began = time.perf_counter()
                step()
                times[name].append(time.perf_counter() - began)
        files = sum(len(stamps) for _, stamps in plugin_sources(config, home))
    print(f"plugin files read: {files}; medians of {args.repeat}:")
    for name, found in times.items():
        print(f"  {name:16} {statistics.median(found) * 1000:.3f} ms "
              f"(min {min(found) * 1000:.3f})")


if __name__ == "__main__":
    main()
