"""What every subcommand needs: the config (warnings shown once), the store, local time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import click

from dptelemetry.config import Config, data_home, load_config
from dptelemetry.store import Store, open_store


def cli_config() -> Config:
    """The effective config; bad values were replaced by defaults, and we say so."""
    config = load_config()
    for warning in config.warnings:
        click.echo(f"dpt: warning: {warning}", err=True)
    return config


@contextmanager
def cli_store() -> Iterator[Store]:
    with open_store(data_home()) as store:
        for note in store.notes:
            click.echo(f"dpt: note: {note}", err=True)
        yield store


def local_time(ts: float, fmt: str = "%H:%M") -> str:
    """A timestamp in the user's local time zone."""
    return datetime.fromtimestamp(ts).astimezone().strftime(fmt)
