"""`dpt drill show --format html`: the drill's document as a page, with a chart per measure
across the attempts and each change marked on the axis where it was made."""

from __future__ import annotations

from datetime import tzinfo

from dptelemetry.analysis.drills import MEASURES, Attempt, DrillReport, Measure
from dptelemetry.render.drills import drill_document

ACROSS = ("Each measure attempt by attempt. A dashed line marks an attempt that changed "
          "something (its lever is written beside it); a hollow mark is an attempt ended "
          "without a rating, replaced, or still running; no mark: not measured in it.")


def _caption(measure: Measure[Attempt]) -> str:
    return f"{measure.label} by attempt" + (
        "" if measure.better == 0 else
        f" ({'lower' if measure.better < 0 else 'higher'} reads as better)")


def render_drill_html(report: DrillReport, tz: tzinfo | None = None) -> str:
    from dptelemetry.render.trend_charts import Point, across_page

    marks = [(i, ", ".join(c.lever for c in a.goal.changes))
             for i, a in enumerate(report.attempts) if a.goal.changes]
    return across_page(drill_document(report, tz), "Across the attempts", ACROSS, MEASURES,
                       report.attempts,
                       lambda a, value: Point(f"#{a.number}", value, a.status != "rated"),
                       _caption, marks)
