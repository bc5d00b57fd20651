"""Small charts of one measure over a row of things: a drill's attempts, progress's weeks,
months or quarters. Static inline SVG like the summary's charts (`charts.py`): no script,
nothing fetched; colour-blind-safe colours, and marks that differ in shape too. A page of
them (`across_page`) is a document with a chart per measure after its first section."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from dptelemetry.analysis.drills import Measure
from dptelemetry.render.blocks import Document, Section
from dptelemetry.render.charts import TYPING, WIDTH, chart_style, svg_of
from dptelemetry.render.html import html_page

CHANGE = "#CC79A7"
T = TypeVar("T")


@dataclass(frozen=True)
class Point:
    label: str
    """Its place on the x axis: `#3`, `Jun 2025`."""
    value: float | None
    """None: nothing measured there (a gap in the line)."""
    faint: bool = False
    """Drawn hollow: an attempt that was abandoned, still running, or a period not over."""


def series_chart(name: str, points: Sequence[Point], unit: str,
                 marks: Sequence[tuple[int, str]] = ()) -> str:
    """`points` left to right joined by a line (no mark and a gap where a value is missing);
    each of
    `marks` (index, text) a dashed vertical line labelled at the top: what changed there."""
    xs = list(range(len(points)))
    scale = 60.0 if unit == "seconds" else 1.0
    with chart_style(f"series-{name}"):
        fig = Figure(figsize=(WIDTH / 2, 2.1))
        ax = fig.add_subplot()
        values = [float("nan") if p.value is None else p.value / scale for p in points]
        ax.plot(xs, values, color=TYPING, linewidth=1.2)
        for faint in (False, True):
            chosen = [i for i in xs if points[i].value is not None and points[i].faint is faint]
            if chosen:
                ax.scatter(chosen, [values[i] for i in chosen], s=30, zorder=3,
                           color="white" if faint else TYPING, edgecolors=TYPING,
                           linewidths=1.3, marker="o")
        for index, text in marks:
            ax.axvline(index - 0.5, color=CHANGE, linestyle="--", linewidth=1)
            ax.annotate(text, (index - 0.45, 1.0), xycoords=("data", "axes fraction"),
                        va="top", ha="left", fontsize=7, color="#7a3b62", rotation=90)
        ax.set_xticks(xs, [p.label for p in points])
        ax.set_xlim(-0.6, len(points) - 0.4)
        if len(points) > 12:
            ax.tick_params(axis="x", labelrotation=90)
        top = max([p.value / scale for p in points if p.value is not None] + [0.0])
        if unit == "rating":
            ax.set_ylim(0, 10.5)
        else:
            ax.set_ylim(0, top * 1.15 if top > 0 else 1.0)
        if unit in ("count", "rating"):
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        if unit == "ratio":
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.2f}"))
        ax.set_title(name + (" (minutes)" if unit == "seconds" else ""), loc="left")
        ax.grid(axis="y", color="#e5e5e5")
        ax.set_axisbelow(True)
        return svg_of(fig)


def across_page(doc: Document, title: str, note: str, measures: Sequence[Measure[T]],
                rows: Sequence[T], point: Callable[[T, float | None], Point],
                caption: Callable[[Measure[T]], str],
                marks: Sequence[tuple[int, str]] = ()) -> str:
    """`doc` as an HTML page with a section `across` after its first one: for each measure
    that some row has, a chart of it row by row (`point`: a row and its value as a point)."""
    pictures = []
    for measure in measures:
        points = [point(row, measure.value(row)) for row in rows]
        if any(p.value is not None for p in points):
            pictures.append((caption(measure),
                             series_chart(measure.label, points, measure.unit, marks)))
    across = Section("across", title, (), note)
    doc = dataclasses.replace(doc, sections=(doc.sections[0], across, *doc.sections[1:]))
    return html_page(doc, {}, {}, {"across": pictures})
