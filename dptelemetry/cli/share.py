"""`dpt share init URL --as NAME` and `dpt share [--date D | --since D] [--dry-run]`: a
learner's daily summaries, cut to what a coach needs, pushed to a mentor's cohort repository."""

from __future__ import annotations

from datetime import date

import click

from dptelemetry.cli.common import cli_config, cli_reader
from dptelemetry.cli.output import parse_day, today
from dptelemetry.config import data_home
from dptelemetry.errors import DptError


def _optional_day(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    return None if value is None else parse_day(ctx, param, value)


@click.group(invoke_without_command=True)
@click.option("--date", "day", callback=_optional_day, metavar="YYYY-MM-DD|today|yesterday",
              help="Share this one day.")
@click.option("--since", callback=_optional_day, metavar="YYYY-MM-DD",
              help="Share every day from this one to today.")
@click.option("--dry-run", is_flag=True,
              help="Print exactly what would be sent, file by file, and send nothing.")
@click.pass_context
def share(ctx: click.Context, day: date | None, since: date | None, dry_run: bool) -> None:
    """Share your daily summaries with your mentor (opt in; nothing is shared unless you run
    this). Without --date or --since: the days since the last share, through today.

    Only the summary fields listed in docs/sharing.md leave this machine: never the events,
    file paths, repository names or test ids (they are replaced by [file], [repository] and
    [test] in any sentence that names them)."""
    if ctx.invoked_subcommand is not None:
        return
    if day is not None and since is not None:
        raise click.UsageError("give --date or --since, not both")
    from dptelemetry.sync.share import ShareState, days_to_share, share_folder, shared_files
    from dptelemetry.sync.share import share as push_share

    home = data_home()
    state = ShareState.load(share_folder(home))
    days = days_to_share(state, today(), day, since)
    with cli_reader() as store:
        files = shared_files(store, cli_config(), state.name, days)
    if dry_run:
        for relative, text in files.items():
            click.echo(f"=== {relative}")
            click.echo(text, nl=False)
        click.echo(f"(dry run: {len(files)} files would go to {state.remote}; nothing was sent)",
                   err=True)
        return
    report = push_share(home, files, days)
    shared = sum(1 for path in files if "/days/" in path)
    what = f"{shared} day{'s' if shared != 1 else ''}" if shared else "no recorded day"
    if not report.changed:
        click.echo(f"Nothing new to share ({what} checked, all already shared).")
    elif report.pushed.pushed:
        click.echo(f"Shared {what} as {state.name} with {state.remote}.")
    else:
        raise DptError(f"{what} committed for {state.remote}, but it could not be reached "
                       f"({report.pushed.problem}); run `dpt share` again to send them")


@share.command()
@click.argument("url")
@click.option("--as", "name", required=True, metavar="NAME",
              help="Your name in the cohort: your folder is learners/NAME/.")
def init(url: str, name: str) -> None:
    """Join a mentor's cohort repository at URL (any git remote) as NAME."""
    from dptelemetry.sync.share import init as init_share

    state = init_share(data_home(), url, name)
    click.echo(f"Joined {url} as {state.name}. `dpt share --dry-run` shows what would be "
               "sent; `dpt share` sends it.")
