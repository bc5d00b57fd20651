"""The `dpt` command: a root group whose subcommands live one module each, loaded lazily.

Every failure reaches the user as one line on stderr and a non-zero exit, never a traceback:
usage errors exit 2, errors the user can act on (`DptError`) exit 1, and anything unexpected
exits 70 with a hint to rerun with `DPT_DEBUG=1` for the traceback.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

import click

from dptelemetry import __version__
from dptelemetry.errors import DptError

# name -> "module:attribute"; each module defines one click command or group.
COMMANDS = {
    "goal": "dptelemetry.cli.goal:goal",
    "stuck": "dptelemetry.cli.stuck:stuck",
    "export": "dptelemetry.cli.transfer:export",
    "store": "dptelemetry.cli.store:store",
    "import": "dptelemetry.cli.transfer:import_events",
    "config": "dptelemetry.cli.settings:config",
    "plugins": "dptelemetry.cli.plugins:plugins",
    "lsp": "dptelemetry.cli.lsp:lsp",
    "hooks": "dptelemetry.cli.hooks:hooks",
    "log": "dptelemetry.cli.hooks:log",
    "run": "dptelemetry.cli.run:run",
    "summary": "dptelemetry.cli.summary:summary",
    "friction": "dptelemetry.cli.friction:friction",
    "demo": "dptelemetry.cli.demo:demo",
    "sync": "dptelemetry.cli.sync:sync",
    "share": "dptelemetry.cli.share:share",
    "cohort": "dptelemetry.cli.cohort:cohort",
    "drill": "dptelemetry.cli.drill:drill",
    "progress": "dptelemetry.cli.progress:progress",
}


class LazyGroup(click.Group):
    """Imports a subcommand's module only when that subcommand (or the help) needs it."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attribute = target.split(":")
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dpt")
@click.pass_context
def dpt(ctx: click.Context) -> None:
    """Deliberate-practice telemetry: see where you struggle while you practise.

    Data lives in DPT_HOME (default: your platform's user data dir); settings in the TOML
    file at DPT_CONFIG. `dpt COMMAND --help` explains each command.
    """
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


def _fail(message: str, code: int) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(code)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Console entry point: run `dpt` and turn every failure into one line and an exit code."""
    try:
        result = dpt.main(args=list(argv) if argv is not None else None, prog_name="dpt",
                          standalone_mode=False)
    except click.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx else "dpt"
        _fail(f"{where}: {exc.format_message()} (see '{where} --help')", exc.exit_code)
    except click.ClickException as exc:
        _fail(f"dpt: {exc.format_message()}", exc.exit_code)
    except click.Abort:
        _fail("dpt: aborted", 130)
    except DptError as exc:
        _fail(f"dpt: error: {exc}", 1)
    except KeyboardInterrupt:
        _fail("dpt: interrupted", 130)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(141)
    except Exception as exc:
        if os.environ.get("DPT_DEBUG"):
            raise
        _fail(f"dpt: internal error: {type(exc).__name__}: {exc} "
              "(rerun with DPT_DEBUG=1 to see the traceback)", 70)
    sys.exit(result if isinstance(result, int) else 0)
