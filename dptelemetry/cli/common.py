"""What every subcommand needs: the config (warnings shown once), the store (to write, or
only to read: then never waiting for a writer), whole numbers in a range."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from dptelemetry.config import Config, data_home, load_config
from dptelemetry.store import Store, open_reader, open_store


def cli_config() -> Config:
    """The effective config; bad values were replaced by defaults, and we say so."""
    config = load_config()
    for warning in config.warnings:
        click.echo(f"dpt: warning: {warning}", err=True)
    return config


@contextmanager
def cli_store() -> Iterator[Store]:
    """The store for a command that writes: waits for the write lock a few seconds."""
    with open_store(data_home()) as store:
        _say_notes(store)
        yield store


@contextmanager
def cli_reader() -> Iterator[Store]:
    """The store for a command that only reads: works while a writer holds the lock, with
    events waiting in the spool, and in a read-only data home."""
    with open_reader(data_home()) as store:
        _say_notes(store)
        yield store


def _say_notes(store: Store) -> None:
    for note in store.notes:
        click.echo(f"dpt: note: {note}", err=True)


class WholeNumber(click.IntRange):
    """click's IntRange, saying what it wants when given something that is no whole number
    (click says "not a valid integer range")."""

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        if isinstance(value, str):
            try:
                int(value)
            except ValueError:
                self.fail(f"{value!r} is not a whole number: give one from {self.min} to "
                          f"{self.max}", param, ctx)
        return super().convert(value, param, ctx)
