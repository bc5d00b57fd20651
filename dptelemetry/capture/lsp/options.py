"""The server's settings: the TOML config, overridden by the client's `initializationOptions`.

The options have the TOML file's shape, e.g. `{"thresholds": {"assisted_edit_chars": 400},
"privacy": {"hash_paths": true}}`. Nothing here may stop capture: an unreadable file or a bad
value means defaults, and every problem is gathered into one warning for the log.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dptelemetry.config import Config, load_config

SOURCE = "initializationOptions"


def session_config(options: Any) -> tuple[Config, str | None]:
    """(effective config, one warning line or None)."""
    problems: list[str] = []
    overrides: Mapping[str, Any] | None = None
    if isinstance(options, Mapping):
        overrides = options
    elif options is not None:
        problems.append(f"{SOURCE} must be an object like the config file; ignored")
    config = load_config(overrides=overrides, overrides_source=SOURCE)
    problems.extend(config.warnings)
    if not problems:
        return config, None
    return config, "settings problems, defaults used where bad: " + "; ".join(problems)
