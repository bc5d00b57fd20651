"""Fixtures for the analysis tests: the shared reference data, found beside the checkout."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def find_shared_data() -> Path | None:
    """`DPT_SHARED_DATA`, else the first `shared/data` beside the checkout or above it.

    The main checkout's sibling is `../shared`; a worktree sits deeper, so search upward.
    """
    env = os.environ.get("DPT_SHARED_DATA")
    if env:
        return Path(env)
    for folder in (REPO_ROOT, *REPO_ROOT.parents):
        candidate = folder / "shared" / "data"
        if candidate.is_dir():
            return candidate
    return None


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The reference data folder; skips (or fails with DPT_REQUIRE_SHARED_DATA=1) without it."""
    folder = find_shared_data()
    if folder is None or not folder.is_dir():
        reason = (f"reference data not found (looked for DPT_SHARED_DATA, then shared/data "
                  f"beside {REPO_ROOT} and its parents)")
        if os.environ.get("DPT_REQUIRE_SHARED_DATA") == "1":
            pytest.fail(reason + " and DPT_REQUIRE_SHARED_DATA=1")
        pytest.skip(reason)
    return folder
