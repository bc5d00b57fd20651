"""`dpt export` and `dpt import`: every event as JSON lines, and back.

Import is all-or-nothing and streams: every line is checked against the event schema as it
is read, a bad one anywhere rejects the whole file and is named, a kill at any point leaves
the store as it was, and memory stays flat however long the file (see
`Store.append_all_or_nothing`). Events whose id is already stored are skipped, so stores
from two machines merge without duplicates.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import click
import msgspec

from dptelemetry.cli.common import cli_reader, cli_store
from dptelemetry.cli.output import cannot_write
from dptelemetry.config import data_home
from dptelemetry.errors import DptError
from dptelemetry.events import Event, EventFormatError, from_json, to_jsonl
from dptelemetry.goals import sync_active_goal_file
from dptelemetry.limits import MAX_TEST_RUN_PAYLOAD_BYTES
from dptelemetry.private_files import open_private

MAX_LINE_CHARS = MAX_TEST_RUN_PAYLOAD_BYTES + 64 * 1024
"""The largest payload and room for its envelope: a longer line is refused unread."""
_decode = msgspec.json.Decoder().decode


@contextmanager
def _opened(output: str) -> Iterator[IO[str]]:
    if output == "-":
        with click.open_file("-", "w", encoding="utf-8") as stdout:
            yield stdout
        return
    try:
        out = open_private(Path(output))
    except OSError as exc:
        raise cannot_write(output, exc) from None
    with out:
        yield out


@click.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl",
              show_default=True, help="One JSON object per line.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="File to write (default: standard output).")
def export(fmt: str, output: str) -> None:
    """Write every event, oldest first.

    A file written with --output is readable by you only: it holds all your data."""
    try:
        with cli_reader() as store, _opened(output) as out:
            count = 0
            for event in store.iter_events():
                out.write(to_jsonl(event) + "\n")
                count += 1
    except BrokenPipeError:
        raise  # the reader left: the entry point's to handle
    except OSError as exc:
        raise cannot_write(output, exc) from None
    if output != "-":
        from dptelemetry.render.blocks import plural

        click.echo(f"Exported {plural(count, 'event')} to {output}.", err=True)


class ExportReader:
    """The events of an export, read one line at a time, knowing which line it is on: so an
    error found while they are stored (the event schema's) still names its line."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self.line = 0

    def __iter__(self) -> Iterator[Event]:
        while text := self._stream.readline(MAX_LINE_CHARS + 1):
            self.line += 1
            if len(text) > MAX_LINE_CHARS:
                raise EventFormatError(f"longer than {MAX_LINE_CHARS:,} characters")
            if text.strip():
                yield parse_line(text)


def parse_line(text: str) -> Event:
    try:
        data = _decode(text)
    except RecursionError:
        raise EventFormatError("not JSON (nested too deeply)") from None
    except msgspec.MsgspecError as exc:  # an integer too long to read is a ValidationError
        raise EventFormatError(f"not JSON ({str(exc).split(' - at ')[0]})") from None
    return from_json(data)


@click.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
def import_events(file: str) -> None:
    """Read events exported by `dpt export` (FILE, or - for standard input): all of them or,
    if one line is not a valid event, none."""
    name = "<stdin>" if file == "-" else file
    try:
        with click.open_file(file, "r", encoding="utf-8") as stream:
            reader = ExportReader(stream)
            try:
                with cli_store() as store:
                    added, given = store.append_all_or_nothing(reader)
                    sync_active_goal_file(store, data_home())
            except EventFormatError as exc:
                raise DptError(f"{name} line {reader.line}: {exc}; nothing imported") from None
            except UnicodeDecodeError:
                raise DptError(f"{name} line {reader.line + 1}: not UTF-8 text; "
                               "nothing imported") from None
    except OSError as exc:
        raise DptError(f"cannot read {file}: {exc.strerror or exc}; nothing imported") from None
    from dptelemetry.render.blocks import plural

    click.echo(f"Imported {plural(added, 'event')} ({given - added} already present).")
