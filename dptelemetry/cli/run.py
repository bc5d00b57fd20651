"""`dpt run -- CMD ...`: run any test command and record it as a test run.

The command's input, output and exit status pass through unchanged; a command killed by
signal N exits 128 + N, as a shell reports it. Counts come from the output of the runners
`dptelemetry.capture.runner_output` knows.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from dptelemetry.capture.runner import Finished


@click.command(context_settings={"ignore_unknown_options": True,
                                 "allow_interspersed_args": False})
@click.argument("command", nargs=-1, required=True, type=click.UNPROCESSED)
def run(command: tuple[str, ...]) -> int:
    """Run COMMAND and record it as a test run. For example: `dpt run -- go test ./...`.

    Input, output and exit status are the command's own. Counts and failing tests are read
    from the output of pytest, unittest, go test, cargo test, jest and vitest; any other
    command is recorded with its duration and exit status.
    """
    from dptelemetry.capture.runner import CommandError, run_command, shell_exit_status

    try:
        finished = run_command(command)
    except CommandError as exc:
        click.echo(f"dpt: {exc}", err=True)
        return exc.exit_status
    for warning in _record(command, finished):
        click.echo(warning, err=True)
    return shell_exit_status(finished.exit_code)


def _record(command: Sequence[str], finished: Finished) -> list[str]:
    """Store the run; the warning lines to show. Never raises: the command's exit status
    must come through whatever happens here (a parser tripping on odd output too)."""
    from dptelemetry.capture.runner_output import parse_output, runner_from_command
    from dptelemetry.capture.testrun import TestRun, record_test_run

    try:
        parsed = parse_output(finished.lines)
    except Exception as exc:
        return [f"dptelemetry: test run not recorded (cannot read its output: {exc})"]
    return record_test_run(TestRun(
        source="run",
        runner=parsed.runner if parsed else runner_from_command(command),
        started=finished.started,
        duration=finished.duration,
        exit_code=finished.exit_code,
        counts=parsed.counts if parsed else None,
        directory=Path.cwd(),
        interrupted=finished.interrupted,
    ))
