"""`dpt demo`: record a realistic practice day in a throw-away data home and summarize it."""

from __future__ import annotations

import importlib.util
import shlex
import time
from datetime import timedelta
from pathlib import Path

import click

from dptelemetry.cli.output import cannot_write
from dptelemetry.errors import DptError

CAPTURE = {
    "dptelemetry.capture.lsp.server": "the language server (dpt lsp)",
    "dptelemetry.capture.githooks": "the git hooks (dpt hooks)",
    "dptelemetry.cli.run": "dpt run",
}


def _check_capture(runner: str) -> None:
    """The demo records through the capture points: say which one this installation lacks."""
    needed = dict(CAPTURE)
    if runner == "pytest":
        needed["dptelemetry.capture.pytest_plugin"] = "the pytest plugin"
    for module, name in needed.items():
        try:
            found = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            raise DptError(f"this installation has no {name} ({module}), which the demo "
                           f"records through")


def _folder(given: Path | None) -> Path:
    import tempfile

    if given is None:
        return Path(tempfile.mkdtemp(prefix="dpt-demo-"))
    try:
        given.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(given, exc) from None
    return given


@click.command()
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path),
              help="Where to put the demo's data home, repository and report "
                   "(default: a new temporary folder). Must be new or empty.")
@click.option("--runner", type=click.Choice(("auto", "pytest", "unittest")), default="auto",
              show_default=True,
              help="How the demo runs its tests: pytest (the pytest plugin records them) or "
                   "unittest through `dpt run`; auto takes pytest where it is installed.")
def demo(folder: Path | None, runner: str) -> None:
    """See dptelemetry work in under a minute: a practice day (yesterday, 09:00 to 16:00) is
    recorded through the real capture paths (the language server over stdio, git hooks in
    a fresh repository, real test runs) into a data home of its own, then summarized here
    and as an HTML report. Your own data home is never touched."""
    began = time.monotonic()
    import asyncio

    from dptelemetry.analysis.days import local_date
    from dptelemetry.cli.output import write_document
    from dptelemetry.config import load_config
    from dptelemetry.demo.recorder import DayRecorder
    from dptelemetry.render.document import day_document
    from dptelemetry.render.html import render_html
    from dptelemetry.render.reports import read_day
    from dptelemetry.store import open_store

    if folder is not None and folder.exists() and any(folder.iterdir()):
        raise DptError(f"{folder} is not empty: give a new or empty folder")
    chosen = runner if runner != "auto" else (
        "pytest" if importlib.util.find_spec("pytest") else "unittest")
    _check_capture(chosen)
    where = _folder(folder)
    day = local_date(time.time()) - timedelta(days=1)
    click.echo(f"Recording a practice day ({day:%a} {day.day} {day:%b}) in {where}:", err=True)
    recorder = DayRecorder(where, day, chosen, say=lambda line: click.echo(line, err=True))
    progress = asyncio.run(recorder.play())
    config = load_config(recorder.config)
    with open_store(recorder.home) as store:
        report = read_day(store, day, config, with_week=True)
    page = where / f"summary-{day.isoformat()}.html"
    page.write_text(render_html(report), encoding="utf-8")
    write_document(lambda glyphs: day_document(report, glyphs), "text", None)
    for problem in progress.missing:
        click.echo(f"dpt demo: warning: {problem}", err=True)
    click.echo("")
    click.echo(f"Recorded {progress.runs} test runs ({chosen}), {progress.commits} commits "
               f"through the git hooks, {progress.editor_sessions} editor sessions through "
               f"`dpt lsp`, and {progress.replayed_edits} replayed keystrokes, in "
               f"{time.monotonic() - began:.0f} s.")
    click.echo(f"HTML report: {page}")
    click.echo(f"Demo data: {where} (delete the folder when done). Your own data was not "
               f"touched. The demo day is {day.isoformat()}; to explore it with other dpt "
               f"commands, give them its data home and the day:")
    click.echo(f"  DPT_HOME={shlex.quote(str(recorder.home))} dpt summary --date "
               f"{day.isoformat()}")
