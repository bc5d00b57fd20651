"""File thrash: switching between files again and again without edits that stick.

In a `window_minutes` window: many switches, net growth under `max_net_chars` and no green run
(research note, S7; Carter & Dewan: the navigation ratio rises when developers are stuck). No
study gives a population figure, so the limits are design choices (12 and 24 switches) until
your baseline of each session's busiest window replaces them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate, pairwise
from operator import attrgetter, sub
from typing import Any

from dptelemetry import hookimpl
from dptelemetry.hookspecs import (
    Config,
    Edit,
    History,
    Lever,
    Limits,
    Session,
    Signal,
    Suggestion,
    Timeline,
)

NAME = "file_thrash"
METRIC = f"{NAME}.switches"
DEFAULTS: Mapping[str, object] = {"warn": 12, "strong": 24, "window_minutes": 10,
                                  "max_net_chars": 100}
BASIS = "a design choice (no population figure exists)"
_TS, _INSERTED, _DELETED = attrgetter("ts"), attrgetter("inserted"), attrgetter("deleted")


@dataclass(frozen=True)
class Thrash:
    start: float
    end: float
    switches: int
    files: int
    net: int


def busiest_window(session: Session, settings: Mapping[str, Any]) -> Thrash | None:
    """The window, anchored at each switch, with the most switches that qualifies."""
    length = settings["window_minutes"] * 60.0
    switches = session.switches
    if not switches:
        return None
    switch_ts = [w.ts for w in switches]
    edits = session.edits
    bounds = [(bisect_left(edits, w.ts, key=_TS), bisect_left(edits, w.ts + length, key=_TS))
              for w in switches]
    net = net_before(edits, {i for pair in bounds for i in pair})
    greens = [r.start for r in session.runs if r.green]
    best: Thrash | None = None
    for i, (switch, (first, after)) in enumerate(zip(switches, bounds, strict=True)):
        end = switch.ts + length
        j = bisect_left(switch_ts, end)
        growth = net[after] - net[first]
        green = bisect_left(greens, end) > bisect_left(greens, switch.ts)
        if growth < settings["max_net_chars"] and not green and (
                best is None or j - i > best.switches):
            files = {w.to_file for w in switches[i:j]} | {switch.from_file}
            best = Thrash(switch.ts, switches[j - 1].ts, j - i, len(files), growth)
    return best


def net_before(edits: Sequence[Edit], indices: Iterable[int]) -> dict[int, int]:
    """Characters inserted minus deleted by the edits before each index: summed slice by
    slice between the indices asked for, with no running total kept per keystroke."""
    cuts = sorted(indices)
    parts = (edits[a:b] for a, b in pairwise([0, *cuts]))
    return dict(zip(cuts, accumulate(sum(map(sub, map(_INSERTED, part), map(_DELETED, part)))
                                     for part in parts), strict=True))


@hookimpl
def dpt_plugin_settings() -> Mapping[str, object]:
    return DEFAULTS


@hookimpl
def dpt_day_metrics(timeline: Timeline, config: Config) -> Mapping[str, Sequence[float]]:
    settings = config.plugin_settings(NAME, DEFAULTS)
    windows = [busiest_window(s, settings) for s in timeline.sessions]
    return {METRIC: [float(w.switches) for w in windows if w is not None]}


@hookimpl
def dpt_strain_signals(timeline: Timeline, config: Config, history: History) -> list[Signal]:
    settings = config.plugin_settings(NAME, DEFAULTS)
    limits = history.limits(METRIC, Limits.configured(config, NAME, DEFAULTS, "warn", "strong",
                                                      BASIS))
    signals = []
    for session in timeline.sessions:
        thrash = busiest_window(session, settings)
        level = limits.severity(thrash.switches) if thrash else None
        if thrash is None or level is None:
            continue
        signals.append(Signal(
            name=NAME, severity=level, start=thrash.start, end=thrash.end,
            summary=f"{thrash.switches} file switches across {thrash.files} files within "
                    f"{settings['window_minutes']} min, net {thrash.net:+d} characters, "
                    f"no green run",
            evidence={"switches": thrash.switches, "files": thrash.files, "net": thrash.net},
            threshold=limits.crossed("file_switches", thrash.switches),
            suggestion=Suggestion(Lever.DIFFICULTY, "Narrow the task to one file: write down "
                                  "which file the next change belongs in and close the rest."),
        ))
    return signals
