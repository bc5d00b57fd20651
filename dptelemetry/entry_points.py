"""The strain plugins' entry points as the installed packages declare them, read from their
metadata without importing any plugin: what a plugin manager would load, and from which
release. Light on purpose: a summary served from the cache of finished days needs no more.

Scanning every installed package's metadata costs more than serving such a summary, so the
releases found are kept in the data home (`plugin-releases.json`) with the modification
times of the folders on `sys.path`: installing, upgrading or removing a package changes its
folder, and the next reader scans again.

A plugin edited in place (an editable install, a checkout on `sys.path`) keeps its release,
so the folder holding each plugin's module is kept too, and the sizes and modification times
of the Python files in it are read every time (`plugin_sources`): a fraction of a
millisecond."""

from __future__ import annotations

import json
import os
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


def _module_folder(value: str) -> str | None:
    """The folder holding an entry point's module (`package.module:attr`), found without
    importing it: the top-level package's location, then down its folders. A top-level
    module is its own file."""
    from importlib.util import find_spec

    names = value.split(":", maxsplit=1)[0].strip().split(".")
    with suppress(ImportError, ValueError):
        spec = find_spec(names[0])
        if spec is None:
            return None
        if not spec.submodule_search_locations:
            return spec.origin if spec.origin and Path(spec.origin).is_file() else None
        folder = Path(next(iter(spec.submodule_search_locations)))
        for name in names[1:]:
            if not (folder / name).is_dir():
                break
            folder = folder / name
        return str(folder)
    return None


def _sources(found: list[list[str | None]]) -> dict[str, str | None]:
    """Plugin name -> the folder (or file) of its module."""
    return {str(r[0]): _module_folder(str(r[1])) for r in found}


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


def _found(home: Path) -> dict[str, Any]:
    """The releases (`releases`) and the folders of their modules (`sources`) for this
    `sys.path`: kept in `home` while none of its folders changed, else scanned (and kept)."""
    times, where, kept = _path_times(), "\n".join(sys.path), _kept(home)
    entry = kept.get(where)
    if isinstance(entry, dict) and entry.get("paths") == times and "sources" in entry:
        return entry
    found = _scan()
    entry = {"paths": times, "releases": found, "sources": _sources(found)}
    others = [(k, v) for k, v in kept.items() if k != where][-(KEPT_PATHS - 1):]
    _keep(home, {**dict(others), where: entry})
    return entry


def plugin_releases(config: Config, home: Path) -> list[list[str | None]]:
    """[name, entry point, version] of each plugin `config` does not block."""
    found: list[list[str | None]] = _found(home)["releases"]
    return [r for r in found if r[0] not in config.plugins.disabled]


def plugin_sources(config: Config, home: Path) -> list[tuple[str, list[list[object]]]]:
    """For the folder (or file) of each module of a plugin `config` does not block: its
    Python files' names, sizes and modification times, read now. Code edited without a new
    release changes them."""
    sources: dict[str, str | None] = _found(home)["sources"]
    places = sorted({p for name, p in sources.items()
                     if p and name not in config.plugins.disabled})
    return [(place, _stamps(Path(place))) for place in places]


def _stamps(place: Path) -> list[list[object]]:
    with suppress(OSError):
        if place.is_file():
            stat = place.stat()
            return [[place.name, stat.st_size, stat.st_mtime_ns]]
        with os.scandir(place) as entries:
            return sorted([e.name, (s := e.stat()).st_size, s.st_mtime_ns]
                          for e in entries if e.name.endswith(".py"))
    return []


def _keep(home: Path, data: object) -> None:
    """Written whole or not at all; a read-only data home only means scanning next time."""
    with suppress(OSError):
        write_private_atomic(home / RELEASES_FILE, json.dumps(data))
