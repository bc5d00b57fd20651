"""Fixtures for the analysis tests: the shared reference data, found beside the checkout."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def find_shared_data(checkout: Path = REPO_ROOT) -> Path | None:
    """`DPT_SHARED_DATA`, else the first `shared/data` beside the checkout or above it, else
    beside the checkout it was cloned from (a clone of a local checkout made elsewhere, as
    `git clone . "$(mktemp -d)"`).

    The main checkout's sibling is `../shared`; a worktree sits deeper, so search upward.
    """
    env = os.environ.get("DPT_SHARED_DATA")
    if env:
        return Path(env)
    for root in (checkout, _local_origin(checkout)):
        for folder in (root, *root.parents) if root else ():
            candidate = folder / "shared" / "data"
            if candidate.is_dir():
                return candidate
    return None


def _local_origin(checkout: Path) -> Path | None:
    """The checkout this one was cloned from, when that is a folder on this machine."""
    try:
        url = subprocess.run(["git", "-C", str(checkout), "config", "--get",
                              "remote.origin.url"], capture_output=True, text=True,
                             check=False).stdout.strip()
    except OSError:  # no git: only the folders above the checkout are searched
        return None
    path = Path(url.removeprefix("file://"))
    return path.resolve() if path.is_absolute() and path.is_dir() else None


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


EXTRAS = {
    "strain_extras/__init__.py": "",
    "strain_extras/raiser.py": '''
from dptelemetry import hookimpl

@hookimpl
def dpt_strain_signals(timeline):
    raise RuntimeError("boom")

@hookimpl
def dpt_zone(session):
    raise RuntimeError("zone boom")
''',
    "strain_extras/always.py": '''
from dptelemetry import hookimpl
from dptelemetry.hookspecs import Lever, Signal, Suggestion, Threshold

@hookimpl
def dpt_strain_signals(timeline):
    return [Signal(name="always", severity=0.5, start=timeline.start, end=timeline.start,
                   summary="always there", evidence={"n": 1},
                   threshold=Threshold("n", 1, 1, "test"),
                   suggestion=Suggestion(Lever.FEEDBACK, "none"))]
''',
    "strain_extras/typo.py": '''
from dptelemetry import hookimpl

@hookimpl
def dpt_strain_signal(timeline):  # misspelt hook name
    return []
''',
    "strain_extras/wrong_type.py": '''
from dptelemetry import hookimpl

@hookimpl
def dpt_strain_signals():
    return "not a list"
''',
}
ENTRY_POINTS = """[dptelemetry]
raiser = strain_extras.raiser
always = strain_extras.always
broken = strain_extras.does_not_exist
typo = strain_extras.typo
wrong_type = strain_extras.wrong_type
"""


@pytest.fixture
def third_party_dist(tmp_path: Path) -> Path:
    """A folder holding an installed distribution, `strain-extras 1.0`, whose `dptelemetry`
    entry points name a plugin that raises, one that works, one that cannot be imported, one
    with a misspelt hook and one returning the wrong type. Put the folder on the path to
    install it (importlib.metadata finds the dist-info there)."""
    site = tmp_path / "site"
    for name, text in EXTRAS.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text)
    info = site / "strain_extras-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: strain-extras\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(ENTRY_POINTS)
    return site


@pytest.fixture
def installed_extras(third_party_dist: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """strain-extras on sys.path, after everything else: its plugins register last, so
    pluggy would call them first."""
    import importlib
    import sys

    monkeypatch.setattr(sys, "path", [*sys.path, str(third_party_dist)])
    importlib.invalidate_caches()
    yield third_party_dist
    for name in [m for m in sys.modules if m.startswith("strain_extras")]:
        del sys.modules[name]
