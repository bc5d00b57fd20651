"""dptelemetry's built-in strain plugins, one module each.

They are loaded only through the `dptelemetry` entry-point group, exactly like a third-party
plugin, and use nothing but the public plugin API (`dptelemetry.hookspecs`). Each module says
where its default limits come from and which of them give way to your own p90/p95 once 7 of
the last 14 days hold samples (a personal baseline); limits set in `[plugins.<name>]` always
hold.
"""
