"""`dpt sync`, `dpt sync init URL`, `dpt sync status`: one person's machines share their
events through a git repository of their own (the practice journal)."""

from __future__ import annotations

import click

from dptelemetry import clock
from dptelemetry.cli.common import cli_store
from dptelemetry.clock import local_time
from dptelemetry.config import data_home


@click.group(invoke_without_command=True)
@click.pass_context
def sync(ctx: click.Context) -> None:
    """Sync this machine's events with your practice journal (a git repository): send the
    new ones, receive the other machines', push. Offline, they wait and go out next time.

    Only you run it; nothing leaves the machine otherwise. Whoever can read the journal's
    remote can read every event in it: use a private repository."""
    if ctx.invoked_subcommand is not None:
        return
    from dptelemetry.goals import sync_active_goal_file
    from dptelemetry.sync.journal import sync as run_sync

    home = data_home()
    with cli_store() as store:
        report = run_sync(home, store, clock.now())
        if report.received:
            sync_active_goal_file(store, home)
    click.echo(report.sentence())


@sync.command()
@click.argument("url")
def init(url: str) -> None:
    """Set up the practice journal at URL: any git remote (a private repository on a forge,
    a bare repository on a server or a USB disk, file://...). Credentials are git's own."""
    from dptelemetry.sync.journal import init as init_journal

    state = init_journal(data_home(), url)
    click.echo(f"Practice journal: {url} (this machine is {state.machine}). "
               "Run `dpt sync` to send and receive events.")


@sync.command()
def status() -> None:
    """The journal's remote, the machines seen in it, the last sync and what waits to go."""
    from dptelemetry.sync.journal import status as journal_status

    state, machines, waiting = journal_status(data_home())
    last = local_time(state.last_sync, "%Y-%m-%d %H:%M") if state.last_sync else "never"
    click.echo(f"Journal: {state.remote}")
    click.echo(f"This machine: {state.machine}")
    click.echo(f"Last sync: {last}")
    click.echo(f"Commits waiting to be pushed: {waiting}")
    click.echo(f"Machines seen ({len(machines)}):")
    for m in machines:
        mine = " (this machine)" if m.machine == state.machine else ""
        click.echo(f"  {m.machine}{mine}: {m.events:,} events in {m.files} monthly files, "
                   f"latest {m.last_month}")
