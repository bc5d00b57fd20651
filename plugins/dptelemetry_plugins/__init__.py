"""dptelemetry's built-in strain plugins, one module each.

They are loaded only through the `dptelemetry` entry-point group, exactly like a third-party
plugin, and use nothing but the public plugin API (`dptelemetry.hookspecs`).
"""
