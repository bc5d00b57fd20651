"""The strain plugins' entry points as the installed packages declare them, read from their
metadata without importing any plugin: what a plugin manager would load, and from which
release. Light on purpose: a summary served from the cache of finished days needs no more.

Scanning every installed package's metadata costs more than serving such a summary, so the
releases found are kept in the data home (`plugin-releases.json`) with the modification
times of the folders on `sys.path`: installing, upgrading or removing a package changes its
folder, and the next reader scans again."""

from __future__ import annotations

import json
import sys
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dptelemetry.config import Config
from dptelemetry.private_files import write_private_atomic

if TYPE_CHECKING:
    from importlib import metadata

GROUP = "dptelemetry"
"""The entry-point group, which is also pluggy's project name (`hookspecs.PROJECT`)."""
RELEASES_FILE = "plugin-releases.json"

Release = tuple[str | None, str | None]
"""A distribution's name and version."""


def release(dist: metadata.Distribution | None, known: dict[int, Release]) -> Release:
    """A distribution's name and version, read once for all its entry points: each read of
    `dist.name` or `dist.version` parses its METADATA file again."""
    if dist is None:
        return None, None
    if id(dist) not in known:
        meta = dist.metadata
        known[id(dist)] = meta["Name"], meta["Version"]
    return known[id(dist)]


def _scan() -> list[list[str | None]]:
    from importlib import metadata

    known: dict[int, Release] = {}
    return sorted([ep.name, ep.value, release(ep.dist, known)[1]]
                  for ep in metadata.entry_points(group=GROUP))


def _path_times() -> list[list[object]]:
    times: list[list[object]] = []
    for entry in sys.path:
        with suppress(OSError):
            times.append([entry, Path(entry or ".").stat().st_mtime_ns])
    return times


KEPT_PATHS = 8
"""`sys.path` lists kept at once (`dpt` and `python -m dptelemetry` each start with their
own folder)."""


def _kept(home: Path) -> dict[str, Any]:
    """The file: for each `sys.path` (its entries joined), their modification times
    (`paths`) and the releases found with them (`releases`)."""
    with suppress(OSError, ValueError):
        kept = json.loads((home / RELEASES_FILE).read_text(encoding="utf-8"))
        if isinstance(kept, dict):
            return kept
    return {}


def plugin_releases(config: Config, home: Path) -> list[list[str | None]]:
    """[name, entry point, version] of each plugin `config` does not block, from the copy
    kept in `home` for this `sys.path` while none of its folders changed, else scanned (and
    kept)."""
    times, where, kept = _path_times(), "\n".join(sys.path), _kept(home)
    entry = kept.get(where)
    if isinstance(entry, dict) and entry.get("paths") == times:
        found: list[list[str | None]] = entry["releases"]
    else:
        found = _scan()
        others = [(k, v) for k, v in kept.items() if k != where][-(KEPT_PATHS - 1):]
        _keep(home, {**dict(others), where: {"paths": times, "releases": found}})
    return [r for r in found if r[0] not in config.plugins.disabled]


def _keep(home: Path, data: object) -> None:
    """Written whole or not at all; a read-only data home only means scanning next time."""
    with suppress(OSError):
        write_private_atomic(home / RELEASES_FILE, json.dumps(data))
