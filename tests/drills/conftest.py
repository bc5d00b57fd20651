"""Fixtures for the drill tests: the CLI in a fixed zone and at a fixed "now", the config
that keeps only the test_error_quotient plugin, the scenario of scenario.py imported, and the
JSON Schemas of docs/."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RunDpt
from tests.drills.scenario import (
    ONLY_TEQ,
    RENAMED_AT,
    at,
    bowling_after_rename,
    bowling_before_rename,
    write_jsonl,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
NOW = "2024-05-21T12:00:00+00:00"

Dpt = Callable[..., "subprocess.CompletedProcess[str]"]


def offset_to(instant: str) -> str:
    """DPT_CLOCK_OFFSET that makes the CLI's clock read `instant` (to a few milliseconds)."""
    return str(at(instant) - time.time())


@pytest.fixture
def dpt(run_dpt: RunDpt, tmp_path: Path) -> Dpt:
    """`dpt ARGS` in UTC with only the test_error_quotient plugin, its clock at `now`
    (default NOW); fails the test on a non-zero exit unless `code` says otherwise."""
    (tmp_path / "dpt-config.toml").write_text(ONLY_TEQ)

    def run(*args: str, now: str = NOW, code: int | None = 0, tz: str = "UTC",
            input: str | None = None) -> subprocess.CompletedProcess[str]:
        result = run_dpt(*args, input=input,
                         env={"TZ": tz, "DPT_CLOCK_OFFSET": offset_to(now)})
        if code is not None:
            assert result.returncode == code, result.stderr
        return result

    return run


@pytest.fixture
def bowling(dpt: Dpt, tmp_path: Path) -> None:
    """The scenario: attempts 1-2 of "kata" imported, the rename run, attempts 3-5 of
    "bowling" and the new "kata" imported."""
    dpt("import", str(write_jsonl(tmp_path / "before.jsonl", bowling_before_rename().events)))
    dpt("drill", "rename", "kata", "bowling", now=RENAMED_AT)
    dpt("import", str(write_jsonl(tmp_path / "after.jsonl", bowling_after_rename().events)))


def load_schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((REPO_ROOT / "docs" / name).read_text())
    return data


def validate(data: Any, schema: dict[str, Any]) -> None:
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
