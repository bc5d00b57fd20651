"""What sync and sharing remember between runs: a small JSON file in their folder of the data
home, written whole or not at all, readable by its owner only."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from dptelemetry.errors import DptError
from dptelemetry.private_files import write_private_atomic

STATE_FILE = "state.json"
T = TypeVar("T")


def save_state(folder: Path, fields: Mapping[str, Any]) -> None:
    write_private_atomic(folder / STATE_FILE, json.dumps(dict(fields), indent=1))


def load_state(folder: Path, make: Callable[..., T], error: type[DptError], *, missing: str,
               init: str) -> T:
    """The state `make` builds from the file; `error(missing)` when there is none, and one
    naming the file and `init` (the command that writes it again) when it is damaged."""
    path = folder / STATE_FILE
    try:
        return make(**json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise error(missing) from None
    except (ValueError, TypeError, OSError) as exc:
        raise error(f"{path} is damaged ({exc}); run `{init}` again") from None
