"""`dpt cohort report URL|DIR`: a mentor's view of the summaries learners shared."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

import click

from dptelemetry.cli.output import OUTPUT_OPTION, parse_day, today, write_report
from dptelemetry.config import data_home

FORMATS = ("text", "markdown", "json", "html")


@click.group()
def cohort() -> None:
    """For mentors: read what learners shared with `dpt share`."""


def _cohort_root(source: str) -> Path:
    """A folder as it is; a git URL fetched into a cache in the data home."""
    folder = Path(source).expanduser()
    if folder.is_dir():
        return folder
    from dptelemetry.sync import gitrepo

    cache = data_home() / "cohorts" / hashlib.sha256(source.encode()).hexdigest()[:16]
    if not cache.exists():
        gitrepo.clone(source, cache, "mentor")
        return cache
    with gitrepo.open_clone(cache) as repo:
        fetched = gitrepo.pull(repo)
    if not fetched.pushed:
        click.echo(f"dpt: warning: {source} could not be reached ({fetched.problem}); "
                   "showing what was fetched before", err=True)
    return cache


@cohort.command()
@click.argument("source", metavar="URL|DIR")
@click.option("--week", is_flag=True, help="The seven days ending today (the default).")
@click.option("--since", callback=lambda c, p, v: None if v is None else parse_day(c, p, v),
              metavar="YYYY-MM-DD", help="From this day to today instead.")
@click.option("--learner", "learners", multiple=True, metavar="NAME",
              help="Only this learner's page (repeatable).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text for the terminal (pages of flagged learners only, unless --learner), "
                   "markdown, json or html (a page per learner).")
@OUTPUT_OPTION
def report(source: str, week: bool, since: date | None, learners: tuple[str, ...], fmt: str,
           output: Path | None) -> None:
    """One row per learner: practice minutes and sessions, minutes per zone, drills and
    attempts, ratings, strongest signals and their suggestions, stuck moments, last active;
    the flags a coach acts on; and each learner's days."""
    from dptelemetry.analysis.cohort import read_cohort
    from dptelemetry.render.cohort import cohort_data, cohort_document

    if week and since is not None:
        raise click.UsageError("give --week or --since, not both")
    end = today()
    start = since if since is not None else end - timedelta(days=6)
    if start > end:
        raise click.BadParameter(f"{start} is after today", param_hint="--since")
    data = read_cohort(_cohort_root(source), source, start, end)
    unknown = set(learners) - {x.name for x in data.learners}
    if unknown:
        raise click.BadParameter(f"no learner {', '.join(sorted(unknown))} in {source}",
                                 param_hint="--learner")
    pages: set[str] | None = set(learners) or None
    if fmt == "text" and pages is None:
        pages = {x.name for x in data.learners if x.flags}
    def html() -> str:
        from dptelemetry.render.html import html_page

        return html_page(cohort_document(data, pages), {}, {},
                         made_from=f"the summaries shared in {source}")

    from dptelemetry.render.json import json_text

    write_report(fmt, output, json=lambda: json_text(cohort_data(data, pages)), html=html,
                 document=lambda glyphs: cohort_document(data, pages),
                 page_name=f"dpt-cohort-{start}-{end}")


@cohort.command()
def hook() -> None:
    """Print a server-side pre-receive hook for the cohort repository that refuses a push
    touching another learner's folder (install it in the bare repository's hooks/)."""
    from importlib.resources import files

    click.echo(files("dptelemetry.sync").joinpath("pre-receive").read_text(encoding="utf-8"),
               nl=False)
