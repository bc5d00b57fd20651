"""The HTML report's pictures, drawn with matplotlib as static inline SVG: crisp at any size,
no scripts, nothing fetched when the page is viewed.

Imported only by the HTML renderer (matplotlib takes a second or two to import). Colours are
the Okabe-Ito palette, which colour-blind readers can tell apart; every mark also differs in
shape, so the charts read in grey too.
"""

from __future__ import annotations

import io
import itertools
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from dptelemetry.analysis.days import local_datetime
from dptelemetry.analysis.summary import DaySummary
from dptelemetry.analysis.timeline import PauseBin, Timeline
from dptelemetry.analysis.week import WeekSummary
from dptelemetry.durations import format_duration

ZONE_COLOURS = {"comfort": "#009E73", "learning": "#E69F00", "panic": "#D55E00"}
GREEN, RED, GREY = "#009E73", "#D55E00", "#8a8a8a"
TYPING, COMMIT, STUCK = "#0072B2", "#CC79A7", "#000000"
BIN_COLOURS = {"short": "#56B4E9", "medium": "#0072B2", "long": "#E69F00", "break": GREY}
RUN_MARKS = (("red", RED, "x"), ("green", GREEN, "o"), ("other", GREY, "s"))
BREAK_LIMIT = 30 * 60.0
"""Breaks between sessions longer than this are cut short on the time axis."""
WIDTH = 9.0
"""Inches; the page scales the SVG to its column."""

_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)


@contextmanager
def chart_style(name: str) -> Iterator[None]:
    """Text stays text (small, selectable, in the reader's sans-serif font), and ids are salted
    per chart so that several SVGs inline in one page never share an id."""
    with matplotlib.rc_context({
        "svg.fonttype": "none", "svg.hashsalt": f"dpt-{name}", "font.family": "sans-serif",
        "font.size": 9, "axes.spines.top": False, "axes.spines.right": False,
        "axes.edgecolor": "#555555", "axes.titlesize": 10,
    }):
        yield


def svg_of(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    # Inline SVG: no XML prologue or doctype; no RDF metadata block.
    return _METADATA.sub("", text[text.index("<svg"):]).strip()


class DayAxis:
    """Maps instants to x (hours) across the day's sessions, cutting each long break down to
    a narrow marked gap, so a morning and an afternoon session both stay readable."""

    def __init__(self, summary: DaySummary, break_limit: float = BREAK_LIMIT) -> None:
        self.tz = summary.tz
        spans: list[list[float]] = []
        for s in summary.sessions:
            if spans and s.start - spans[-1][1] < break_limit:
                spans[-1][1] = max(spans[-1][1], s.end)
            else:
                spans.append([s.start, max(s.end, s.start + 60)])
        shown = sum(b - a for a, b in spans)
        pad = min(300.0, max(60.0, shown * 0.02))
        self.spans = [(a - pad, b + pad) for a, b in spans]
        self.cut = (shown + 2 * pad * len(spans)) * 0.05
        """Width of a cut break, in seconds of the axis."""
        self.offsets: list[float] = []
        at = 0.0
        for a, b in self.spans:
            self.offsets.append(at)
            at += b - a + self.cut
        self.width = at - self.cut

    def x(self, ts: float) -> float:
        """Hours from the axis's left edge; an instant inside a cut break falls in its gap."""
        previous_end: float | None = None
        for (a, b), offset in zip(self.spans, self.offsets, strict=True):
            if ts < a:
                if previous_end is None:
                    return 0.0
                inside = (ts - previous_end) / (a - previous_end)
                return (offset - self.cut + self.cut * inside) / 3600
            if ts <= b:
                return (offset + ts - a) / 3600
            previous_end = b
        return self.width / 3600

    def length(self, start: float, end: float) -> float:
        return self.x(end) - self.x(start)

    def draw(self, ax: Axes) -> None:
        """Clock ticks in each span, and each cut break shaded with its real length."""
        step = next((m * 60 for m in (5, 10, 15, 30, 60, 120, 180) if
                     self.width / (m * 60) <= 9), 360 * 60)
        ticks: list[float] = []
        labels: list[str] = []
        for a, b in self.spans:
            base = local_datetime(a, self.tz)
            midnight = a - (base.hour * 3600 + base.minute * 60 + base.second)
            ts = midnight + math.ceil((a - midnight) / step) * step
            while ts <= b:
                x = self.x(ts)
                if not ticks or x - ticks[-1] >= step / 3600 * 0.6:
                    ticks.append(x)
                    labels.append(local_datetime(ts, self.tz).strftime("%H:%M"))
                ts += step
        ax.set_xticks(ticks, labels)
        for (_, b), (c, _) in itertools.pairwise(self.spans):
            lo, hi = self.x(b), self.x(c)
            ax.axvspan(lo, hi, facecolor="#f0f0f0", hatch="//", edgecolor="#d0d0d0",
                       linewidth=0)
            ax.annotate(f"break {format_duration(c - b)}", ((lo + hi) / 2, 0.98),
                        xycoords=("data", "axes fraction"), rotation=90, ha="center",
                        va="top", fontsize=7, color="#555555")
        ax.set_xlim(0, self.width / 3600)


def timeline_chart(summary: DaySummary) -> str:
    """Lanes over the day: sessions by zone, typing bursts, long pauses, test runs, commits
    and stuck moments."""
    timeline = summary.timeline
    assert timeline is not None and summary.sessions
    axis = DayAxis(summary)
    x = axis.x
    min_width = axis.width / 3600 / 400  # a burst of one edit still shows

    lanes = ["zone", "typing", "long pauses", "test runs", "commits", "stuck"]
    y = {name: len(lanes) - 1 - i for i, name in enumerate(lanes)}
    with chart_style("timeline"):
        fig = Figure(figsize=(WIDTH, 2.9))
        ax = fig.add_subplot()
        for s in summary.sessions:
            ax.broken_barh([(x(s.start), max(min_width, axis.length(s.start, s.end)))],
                           (y["zone"] - 0.35, 0.7), color=ZONE_COLOURS[s.zone.zone.value])
        ax.broken_barh([(x(b.start), max(min_width, axis.length(b.start, b.end)))
                        for b in timeline.bursts], (y["typing"] - 0.3, 0.6), color=TYPING)
        ax.broken_barh([(x(p.start), axis.length(p.start, p.end)) for p in timeline.pauses
                        if p.bin is PauseBin.LONG], (y["long pauses"] - 0.2, 0.4),
                       color=BIN_COLOURS["long"], alpha=0.6)
        for outcome, colour, marker in RUN_MARKS:
            xs = [x(r.start) for r in timeline.runs if r.outcome == outcome]
            if xs:
                ax.scatter(xs, [y["test runs"]] * len(xs), color=colour, marker=marker,
                           s=28, linewidths=1.5, label=f"{outcome} run", zorder=3)
        if timeline.commits:
            ax.scatter([x(c.ts) for c in timeline.commits], [y["commits"]] * len(
                timeline.commits), color=COMMIT, marker="D", s=30, label="commit", zorder=3)
        for detected, marker, label in ((False, "v", "stuck (logged)"),
                                        (True, "^", "stuck (detected)")):
            xs = [x(m.start) for m in timeline.stuck if m.detected is detected]
            if xs:
                ax.scatter(xs, [y["stuck"]] * len(xs), color=STUCK, marker=marker, s=34,
                           label=label, zorder=3)
        ax.set_yticks([y[n] for n in lanes], lanes)
        ax.set_ylim(-0.7, len(lanes) - 0.3)
        axis.draw(ax)
        ax.grid(axis="x", color="#e5e5e5")
        ax.set_axisbelow(True)
        handles = [Patch(color=c, label=f"{z} zone") for z, c in ZONE_COLOURS.items()]
        ax.legend(handles=handles + ax.get_legend_handles_labels()[0], fontsize=8,
                  loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=5, frameon=False)
        return svg_of(fig)


def _bin_edges(lo: float, hi: float, per_bin: int = 5) -> list[float]:
    ratio = (hi / lo) ** (1 / per_bin)
    return [lo * ratio ** i for i in range(per_bin + 1)]


def pause_chart(summary: DaySummary) -> str:
    """How long the pauses between bursts were, on a log scale, coloured by bin, with the
    thresholds that make the bins and the median and p90 of pauses inside work."""
    timeline = summary.timeline
    assert timeline is not None
    t = summary.thresholds
    longest = max((p.seconds for p in timeline.pauses), default=t.idle_timeout)
    ranges = {"short": (t.burst_gap, t.medium_pause), "medium": (t.medium_pause, t.long_pause),
              "long": (t.long_pause, t.idle_timeout),
              "break": (t.idle_timeout, max(longest * 1.2, t.idle_timeout * 4))}
    with chart_style("pauses"):
        fig = Figure(figsize=(WIDTH, 2.6))
        ax = fig.add_subplot()
        for name, (lo, hi) in ranges.items():
            values = [p.seconds for p in timeline.pauses if p.bin.value == name]
            ax.hist(values, bins=_bin_edges(lo, hi), color=BIN_COLOURS[name],
                    edgecolor="white", label=f"{name} ({len(values)})")
        ax.set_xscale("log")
        for edge, label in ((t.medium_pause, "medium_pause"), (t.long_pause, "long_pause"),
                            (t.idle_timeout, "idle_timeout")):
            ax.axvline(edge, color="#555555", linestyle="--", linewidth=0.8)
            ax.annotate(f"{label} {format_duration(edge, exact=True)}", (edge, 1), xycoords=("data",
                        "axes fraction"), rotation=90, va="top", ha="right", fontsize=7,
                        color="#555555")
        for value, style, label in ((summary.pauses.median_s, "-", "median"),
                                    (summary.pauses.p90_s, ":", "p90")):
            if value is not None:
                ax.axvline(value, color="black", linestyle=style, linewidth=1.2,
                           label=f"{label} {format_duration(value)}")
        ticks = [5, 10, 30, 60, 120, 300, 900, 1800, 3600, 7200, 14400]
        ax.xaxis.set_major_locator(FixedLocator(ticks))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: format_duration(x)))
        ax.xaxis.set_minor_locator(FixedLocator([]))
        ax.set_xlim(ranges["short"][0], ranges["break"][1])
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("pause length (log scale)")
        ax.set_ylabel("pauses")
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        return svg_of(fig)


def runs_chart(summary: DaySummary) -> str:
    """Each test run at its time: red runs as high as their failing tests, green runs on the
    line, red streaks shaded until the green run that ended them."""
    timeline: Timeline | None = summary.timeline
    assert timeline is not None and timeline.runs
    axis = DayAxis(summary)
    x = axis.x
    with chart_style("runs"):
        fig = Figure(figsize=(WIDTH, 2.4))
        ax = fig.add_subplot()
        for streak in timeline.red_streaks:
            ax.axvspan(x(streak.start), x(streak.end), color=RED, alpha=0.12, linewidth=0)
        xs = [x(r.start) for r in timeline.runs]
        # A red run without counts (a non-zero exit) still shows as one failure.
        heights = [max(1, r.failed + r.errors) if r.red else 0 for r in timeline.runs]
        ax.step(xs, heights, where="post", color="#999999", linewidth=0.8)
        for outcome, colour, marker in RUN_MARKS:
            chosen = [i for i, r in enumerate(timeline.runs) if r.outcome == outcome]
            if chosen:
                ax.scatter([xs[i] for i in chosen], [heights[i] for i in chosen],
                           color=colour, marker=marker, s=30, linewidths=1.5, zorder=3,
                           label=f"{outcome} ({len(chosen)})")
        axis.draw(ax)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(-0.5, max([*heights, 1]) + 0.8)
        ax.set_ylabel("failing tests")
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        return svg_of(fig)


def week_chart(week: WeekSummary) -> str:
    """Active minutes per zone, day by day, and the day's strain (the highest severity of a
    signal that counts toward zones) on the right axis."""
    labels = [f"{d.date:%a}\n{d.date.day}" for d in week.days]
    xs = list(range(len(week.days)))
    with chart_style("week"):
        fig = Figure(figsize=(WIDTH, 2.8))
        ax = fig.add_subplot()
        bottom = [0.0] * len(xs)
        for zone, colour in ZONE_COLOURS.items():
            minutes = [d.zone_seconds[zone] / 60 for d in week.days]
            ax.bar(xs, minutes, bottom=bottom, color=colour, width=0.6, label=f"{zone}")
            bottom = [b + m for b, m in zip(bottom, minutes, strict=True)]
        ax.set_xticks(xs, labels)
        ax.set_ylabel("active minutes")
        ax.set_ylim(0, max([*bottom, 10.0]) * 1.15)
        strain = ax.twinx()
        strain.spines["right"].set_visible(True)
        # A day with nothing recorded has no strain to draw: a gap, not a zero.
        strain.plot(xs, [d.strain if d.active_seconds else math.nan for d in week.days],
                    color="black", marker="o", linewidth=1, markersize=4, label="strain",
                    gid="strain")
        strain.set_ylim(0, 1.05)
        strain.set_ylabel("strain (0.5 warning, 1 strong)")
        strain.axhline(0.5, color="#555555", linestyle="--", linewidth=0.6)
        handles = ax.get_legend_handles_labels()[0] + strain.get_legend_handles_labels()[0]
        ax.legend(handles=handles, fontsize=8, frameon=False, loc="upper left",
                  bbox_to_anchor=(1.08, 1.0))
        return svg_of(fig)


def day_charts(summary: DaySummary, week: WeekSummary | None) -> dict[str, str]:
    """The charts of a day's page, by the section they illustrate."""
    charts: dict[str, str] = {}
    if summary.sessions:
        charts["timeline"] = timeline_chart(summary)
        if summary.timeline and summary.timeline.pauses:
            charts["pauses"] = pause_chart(summary)
        if summary.timeline and summary.timeline.runs:
            charts["tests"] = runs_chart(summary)
    if week is not None:
        charts["week"] = week_chart(week)
    return charts

