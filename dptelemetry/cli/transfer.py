"""`dpt export` and `dpt import`: every event as JSON lines, and back.

Import is all-or-nothing: the whole file is validated before anything is written, and events
whose id is already stored are skipped, so stores from two machines merge without duplicates.
"""

from __future__ import annotations

import json
from typing import IO

import click

from dptelemetry.cli.common import cli_reader, cli_store
from dptelemetry.cli.output import cannot_write
from dptelemetry.config import data_home
from dptelemetry.errors import DptError
from dptelemetry.events import Event, EventFormatError, from_json, to_jsonl
from dptelemetry.goals import sync_active_goal_file


@click.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl",
              show_default=True, help="One JSON object per line.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="File to write (default: standard output).")
def export(fmt: str, output: str) -> None:
    """Write every event, oldest first."""
    try:
        with cli_reader() as store, click.open_file(output, "w", encoding="utf-8") as out:
            count = 0
            for event in store.iter_events():
                out.write(to_jsonl(event) + "\n")
                count += 1
    except BrokenPipeError:
        raise  # the reader left: the entry point's to handle
    except OSError as exc:
        raise cannot_write(output, exc) from None
    if output != "-":
        from dptelemetry.render.document import plural

        click.echo(f"Exported {plural(count, 'event')} to {output}.", err=True)


def _read_events(stream: IO[str], name: str) -> list[Event]:
    events = []
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            events.append(from_json(json.loads(line)))
        except json.JSONDecodeError as exc:
            raise DptError(
                f"{name} line {number}: not JSON ({exc.msg}); nothing imported"
            ) from None
        except EventFormatError as exc:
            raise DptError(f"{name} line {number}: {exc}; nothing imported") from None
    return events


@click.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
def import_events(file: str) -> None:
    """Read events exported by `dpt export` (FILE, or - for standard input)."""
    try:
        with click.open_file(file, "r", encoding="utf-8") as stream:
            events = _read_events(stream, "<stdin>" if file == "-" else file)
    except OSError as exc:
        raise DptError(f"cannot read {file}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise DptError(f"{file} is not UTF-8 text; nothing imported") from None
    with cli_store() as store:
        added = store.append(events)
        sync_active_goal_file(store, data_home())
    skipped = len(events) - added
    from dptelemetry.render.document import plural

    click.echo(f"Imported {plural(added, 'event')} ({skipped} already present).")
