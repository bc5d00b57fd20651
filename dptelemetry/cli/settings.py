"""`dpt config`: the effective settings and where each value came from."""

from __future__ import annotations

import click

from dptelemetry.cli.common import cli_config
from dptelemetry.config import data_home
from dptelemetry.store import store_path


@click.command()
def config() -> None:
    """Show every setting's effective value and its source (default, file or options)."""
    cfg = cli_config()
    home = data_home()
    state = "" if cfg.path and cfg.path.exists() else " (not present: all defaults)"
    click.echo(f"data home:   {home}")
    click.echo(f"store:       {store_path(home)}")
    click.echo(f"config file: {cfg.path}{state}")
    click.echo()
    from dptelemetry.plugins import get_plugin_manager

    ignored = (cfg.ignored_plugin_settings(get_plugin_manager(cfg).settings())
               if cfg.plugins.settings else {})  # no plugin loaded for nothing to check
    rows = [(key, value, f"{source} (ignored: {ignored[key]})" if key in ignored else source)
            for key, value, source in cfg.effective()]
    width = max(len(key) for key, _, _ in rows)
    value_width = max(len(value) for _, value, _ in rows)
    for key, value, source in rows:
        click.echo(f"{key:<{width}}  {value:<{value_width}}  {source}")
