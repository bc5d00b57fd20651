"""Fixtures for the summary tests: a known practice day in the isolated store, the CLI with a
fixed time zone, and the JSON Schema of docs/summary.schema.json."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RunDpt
from tests.summary.days import UTC_ENV, practice_day, store_days

REPO_ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = REPO_ROOT / "docs" / "summary.schema.json"

Summary = Callable[..., "subprocess.CompletedProcess[str]"]


@pytest.fixture
def known_day(dpt_home: Path) -> None:
    """practice_day() stored in this test's data home."""
    store_days(dpt_home, practice_day())


@pytest.fixture
def summary(run_dpt: RunDpt) -> Summary:
    """`dpt summary ARGS` in UTC, asserting nothing about the outcome."""

    def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return run_dpt("summary", *args, env={**UTC_ENV, **(env or {})})

    return run


@pytest.fixture(scope="session")
def schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SCHEMA_PATH.read_text())
    return data


def validate(data: Any, schema: dict[str, Any]) -> None:
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
