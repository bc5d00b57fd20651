"""`dpt plugins`: the strain plugins, where each came from, and their settings."""

from __future__ import annotations

import json

import click

from dptelemetry.cli.common import cli_config


@click.command()
@click.option("--settings", "show_settings", is_flag=True,
              help="Also show each plugin's settings: the value in force and its source.")
def plugins(show_settings: bool) -> None:
    """List the strain plugins from the `dptelemetry` entry-point group: name, state
    (loaded, disabled, failed), distribution and module, and the hooks each implements.

    Settings go in the config file under [plugins.NAME]; plugins.disabled = ["NAME"] turns
    a plugin off."""
    from dptelemetry.plugins import get_plugin_manager

    config = cli_config()
    manager = get_plugin_manager(config)
    settings = manager.settings()
    if not manager.origins:
        click.echo("no strain plugins installed")
    width = max((len(name) for name in manager.origins), default=0)
    for name, origin in sorted(manager.origins.items()):
        source = (f"{origin.distribution} {origin.version}" if origin.distribution
                  else "(no distribution)")
        click.echo(f"{name:<{width}}  {origin.status:<8}  {source}  {origin.value}")
        if origin.hooks:
            click.echo(f"{'':<{width}}  hooks: {', '.join(origin.hooks)}")
        for key, default in sorted(settings.get(name, {}).items() if show_settings else ()):
            value = config.plugin_setting(name, key, default)
            where = "default" if value == default else str(config.path)
            click.echo(f"{'':<{width}}  plugins.{name}.{key} = {json.dumps(value)}  ({where})")
    for key, why in sorted(config.ignored_plugin_settings(settings).items()):
        click.echo(f"dpt: warning: {key} in {config.path} is ignored: {why}", err=True)
    for failure in manager.failures:
        click.echo(f"dpt: warning: plugin {failure.plugin} failed in {failure.hook}: "
                   f"{failure.error}", err=True)
