"""The report as one self-contained HTML page: a Jinja2 template with inline CSS and the
charts as inline SVG. Nothing is fetched when it is viewed: no scripts, fonts or images from
elsewhere, so it can be mailed to a mentor or opened offline."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from dptelemetry import __version__
from dptelemetry.analysis.week import WeekSummary
from dptelemetry.render.blocks import Bullets, Document, Paragraph, StripBlock, Table
from dptelemetry.render.document import DayReport, as_document

_CODE = re.compile(r"`([^`]+)`")
CAPTIONS = {
    "timeline": "The day: sessions coloured by zone, typing bursts, long pauses, test runs, "
                "commits and stuck moments.",
    "pauses": "Pause lengths between typing bursts (log scale), coloured by bin; dashed lines "
              "are the thresholds that make the bins.",
    "tests": "Test runs over the day: red runs as high as their failing tests, green runs on "
             "the line; shading marks each red streak until the green run that ended it.",
    "week": "Active minutes per zone, day by day; the line is the day's strain (the highest "
            "severity of a signal that counts toward zones).",
}


def inline(text: str) -> Markup:
    """Escaped text with `code` spans."""
    return Markup(_CODE.sub(r"<code>\1</code>", str(escape(text))))


def kind(block: object) -> str:
    for name, cls in (("paragraph", Paragraph), ("bullets", Bullets), ("table", Table),
                      ("strip", StripBlock)):
        if isinstance(block, cls):
            return name
    raise TypeError(f"not a block: {block!r}")


def html_page(doc: Document, charts: Mapping[str, str], captions: Mapping[str, str],
              galleries: Mapping[str, Sequence[tuple[str, str]]] | None = None,
              made_from: str = "the events on this computer") -> str:
    """A document as the page: `charts` (SVG) by the key of the section they illustrate,
    with their `captions`; `galleries` are small charts, each with its own caption, shown
    in a grid at the top of their section; `made_from` says where its numbers come from."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("dptelemetry.render", "templates"),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["inline"] = inline
    env.globals["kind"] = kind
    context: dict[str, Any] = {
        "doc": doc, "charts": {k: Markup(v) for k, v in charts.items()},
        "captions": captions, "version": __version__,
        "galleries": {k: [(caption, Markup(svg)) for caption, svg in pictures]
                      for k, pictures in (galleries or {}).items()},
        "made_from": made_from,
    }
    return env.get_template("report.html.j2").render(context)


def render_html(report: DayReport | WeekSummary) -> str:
    from dptelemetry.render import charts

    if isinstance(report, DayReport):
        pictures = charts.day_charts(report.summary, report.week)
    else:
        pictures = {"week": charts.week_chart(report)} if report.active_seconds else {}
    return html_page(as_document(report), pictures, CAPTIONS)
