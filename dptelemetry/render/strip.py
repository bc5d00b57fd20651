"""The day as a strip of characters, one column per few minutes, one lane per kind of thing:
typing, long pauses, test runs, commits, stuck moments and the session's zone.

It fits 80 columns (an 8-character label and at most 64 cells) and reads without colour:
every mark is a distinct character. Both glyph sets, Unicode and ASCII, mean the same.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from dptelemetry.analysis.days import local_datetime
from dptelemetry.analysis.summary import DaySummary
from dptelemetry.analysis.timeline import PauseBin, Timeline
from dptelemetry.durations import format_duration

LABEL_WIDTH = 8
MAX_CELLS = 64
STEP_MINUTES = (1, 2, 5, 10, 15, 20, 30, 60)
TICK_MINUTES = (5, 10, 15, 30, 60, 120, 180, 240, 360)
MIN_TICK_CELLS = 6
"""Columns between time labels: "09:00" and a space."""


@dataclass(frozen=True)
class Glyphs:
    typing: str
    """Nine levels, blank first: characters typed per column against the busiest column."""
    pause: str
    green: str
    red: str
    other: str
    commit: str
    logged: str = "!"
    detected: str = "?"
    zones: tuple[tuple[str, str], ...] = (("comfort", "C"), ("learning", "L"),
                                          ("panic", "P"))


UNICODE = Glyphs(typing=" ▁▂▃▄▅▆▇█", pause="─", green="✓", red="✗", other="·", commit="◆")
ASCII = Glyphs(typing=" .:-=+*#@", pause="-", green="+", red="x", other="o", commit="*")


@dataclass(frozen=True)
class Lane:
    name: str
    cells: str


@dataclass(frozen=True)
class Strip:
    start: float
    step: float
    """Seconds per column."""
    axis: str
    """Time labels aligned with the cells."""
    lanes: tuple[Lane, ...]
    legend: tuple[str, ...]
    glyphs: Glyphs

    def lines(self) -> list[str]:
        """The strip as plain lines, label column included."""
        return [" " * LABEL_WIDTH + self.axis,
                *(f"{lane.name:<{LABEL_WIDTH}}{lane.cells}".rstrip() for lane in self.lanes)]


def _step(span: float) -> float:
    for minutes in STEP_MINUTES:
        if span / (minutes * 60) <= MAX_CELLS:
            return minutes * 60.0
    return math.ceil(span / MAX_CELLS / 3600) * 3600.0


class _Cells:
    """Cells of one lane over [start, start + step * count)."""

    def __init__(self, start: float, step: float, count: int) -> None:
        self.start, self.step = start, step
        self.cells = [" "] * count

    def index(self, ts: float) -> int:
        return min(len(self.cells) - 1, max(0, int((ts - self.start) // self.step)))

    def mark(self, ts: float, glyph: str) -> None:
        self.cells[self.index(ts)] = glyph

    def span(self, start: float, end: float, glyph: str) -> None:
        for i in range(self.index(start), self.index(end) + 1):
            self.cells[i] = glyph

    def text(self) -> str:
        return "".join(self.cells)


def _typing(timeline: Timeline, cells: _Cells, levels: str) -> None:
    # By burst, not by keystroke: a day holds a few thousand bursts and 200,000 keystrokes,
    # and a burst lasts seconds, a column minutes.
    chars = [0] * len(cells.cells)
    for burst in timeline.bursts:
        chars[cells.index(burst.start)] += burst.inserted + burst.deleted
    busiest = max(chars, default=0)
    for i, count in enumerate(chars):
        if count:
            cells.cells[i] = levels[max(1, math.ceil((len(levels) - 1) * count / busiest))]


def _axis(timeline: Timeline, start: float, step: float, count: int) -> str:
    """Time labels on round ticks; a strip too short to hold a tick is labelled with the time
    of its first column, so every strip says when it is."""
    tick = next((m * 60 for m in TICK_MINUTES if m * 60 / step >= MIN_TICK_CELLS),
                TICK_MINUTES[-1] * 60)
    axis = [" "] * (count + 5)
    free = 0
    first = math.ceil((start - timeline.start) / tick) * tick + timeline.start
    ts = first if first < start + step * count else start
    while ts < start + step * count:
        col = int((ts - start) // step)
        if col >= free:
            axis[col:col + 5] = local_datetime(ts, timeline.tz).strftime("%H:%M")
            free = col + MIN_TICK_CELLS
        ts += tick
    return "".join(axis).rstrip()


def day_strip(summary: DaySummary, glyphs: Glyphs = UNICODE) -> Strip | None:
    """The strip of a day with at least one session; None otherwise."""
    timeline = summary.timeline
    if timeline is None or not summary.sessions:
        return None
    first, last = summary.sessions[0].start, summary.sessions[-1].end
    step = _step(max(last - first, 60.0))
    start = timeline.start + (first - timeline.start) // step * step
    count = max(1, math.ceil((last - start) / step + 1e-9))
    count = min(count, MAX_CELLS)

    def lane() -> _Cells:
        return _Cells(start, step, count)

    typing, pauses, red, green, commits, stuck, zones = (lane() for _ in range(7))
    _typing(timeline, typing, glyphs.typing)
    for pause in timeline.pauses:
        if pause.bin is PauseBin.LONG:
            pauses.span(pause.start, pause.end, glyphs.pause)
    for run in timeline.runs:
        # A column with a red and a green run shows on both lanes; other runs show only
        # where the column has no verdict.
        if run.red:
            red.mark(run.start, glyphs.red)
        elif run.green:
            green.mark(run.start, glyphs.green)
        elif red.cells[red.index(run.start)] == " ":
            red.mark(run.start, glyphs.other)
    for commit in timeline.commits:
        commits.mark(commit.ts, glyphs.commit)
    for moment in timeline.stuck:
        stuck.mark(moment.start, glyphs.detected if moment.detected else glyphs.logged)
    letters = dict(glyphs.zones)
    for session in summary.sessions:
        zones.span(session.start, session.end, letters[session.zone.zone.value])
    named: Iterable[tuple[str, _Cells]] = (
        ("typing", typing), ("pauses", pauses), ("red", red), ("green", green),
        ("commits", commits),
        ("stuck", stuck), ("zone", zones))
    t = summary.thresholds
    legend = (
        f"1 column = {format_duration(step)}.",
        f"typing {glyphs.typing[1]}…{glyphs.typing[-1]}: characters typed in the bursts "
        f"starting in the column, against the busiest column (assisted edits left out).",
        f"pauses {glyphs.pause}: long pauses ({format_duration(t.long_pause, exact=True)} "
        f"to {format_duration(t.idle_timeout, exact=True)} without typing).",
        f"test runs: red {glyphs.red}, green {glyphs.green}, {glyphs.other} interrupted or "
        f"no tests.  commits {glyphs.commit}.  stuck {glyphs.logged} logged, "
        f"{glyphs.detected} detected.",
        "zone " + ", ".join(f"{letter} {zone}" for zone, letter in glyphs.zones)
        + " (the session's zone).",
    )
    return Strip(start=start, step=step, axis=_axis(timeline, start, step, count),
                 lanes=tuple(Lane(name, cells.text()) for name, cells in named
                             if cells.text().strip()),
                 legend=legend, glyphs=glyphs)
