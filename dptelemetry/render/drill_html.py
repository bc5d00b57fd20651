"""`dpt drill show --format html`: the drill's document as a page, with a chart per measure
across the attempts and each change marked on the axis where it was made."""

from __future__ import annotations

import dataclasses
from datetime import tzinfo

from dptelemetry.analysis.drills import MEASURES, DrillReport
from dptelemetry.render.document import Section
from dptelemetry.render.drills import drill_document
from dptelemetry.render.html import html_page

ACROSS = ("Each measure attempt by attempt. A dashed line marks an attempt that changed "
          "something (its lever is written beside it); a hollow mark is an attempt ended "
          "without a rating, replaced, or still running; no mark: not measured in it.")


def measure_charts(report: DrillReport) -> list[tuple[str, str]]:
    """(caption, SVG) for each measure that some attempt has."""
    from dptelemetry.render.trend_charts import Point, series_chart

    marks = [(i, ", ".join(c.lever for c in a.goal.changes))
             for i, a in enumerate(report.attempts) if a.goal.changes]
    pictures = []
    for measure in MEASURES:
        points = [Point(f"#{a.number}", measure.value(a), a.status != "rated")
                  for a in report.attempts]
        if all(p.value is None for p in points):
            continue
        caption = f"{measure.label} by attempt" + (
            "" if measure.better == 0 else
            f" ({'lower' if measure.better < 0 else 'higher'} reads as better)")
        pictures.append((caption, series_chart(measure.label, points, measure.unit, marks)))
    return pictures


def render_drill_html(report: DrillReport, tz: tzinfo | None = None) -> str:
    doc = drill_document(report, tz)
    across = Section("across", "Across the attempts", (), ACROSS)
    doc = dataclasses.replace(doc, sections=(doc.sections[0], across, *doc.sections[1:]))
    return html_page(doc, {}, {}, {"across": measure_charts(report)})
