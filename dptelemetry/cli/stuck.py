"""`dpt stuck`: log the moment you notice you are stuck, and what you felt like doing."""

from __future__ import annotations

import click

from dptelemetry import clock
from dptelemetry.cli.common import cli_store
from dptelemetry.clock import local_time
from dptelemetry.stuck import IMPULSES, log_stuck


@click.command()
@click.argument("text")
@click.option("--impulse", type=click.Choice(IMPULSES),
              help="Your first impulse: search the web, ask someone, switch task, other.")
def stuck(text: str, impulse: str | None) -> None:
    """Log a stuck moment: TEXT says what you were trying to do."""
    now = clock.now()
    with cli_store() as store:
        log_stuck(store, text, now=now, impulse=impulse)
    first = f" (first impulse: {impulse})" if impulse else ""
    click.echo(f"Stuck moment logged at {local_time(now)}{first}.")
