"""The plugins' releases, as the day cache's key reads them: from the packages' metadata,
kept in the data home while no folder on sys.path changes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dptelemetry import __version__, entry_points, hookspecs
from dptelemetry.config import load_config
from dptelemetry.entry_points import RELEASES_FILE, plugin_releases


def test_the_group_is_pluggys_project() -> None:
    assert entry_points.GROUP == hookspecs.PROJECT


def test_releases_are_scanned_once_then_kept_until_a_folder_changes(
        installed_extras: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    config = load_config(tmp_path / "absent.toml")
    first = plugin_releases(config, home)
    assert ["always", "strain_extras.always", "1.0"] in first
    assert ["test_error_quotient", "dptelemetry_plugins.test_error_quotient",
            __version__] in first
    assert (home / RELEASES_FILE).stat().st_mode & 0o777 == 0o600
    scans: list[int] = []
    real = entry_points._scan

    def counted() -> list[list[str | None]]:
        scans.append(1)
        return real()

    monkeypatch.setattr(entry_points, "_scan", counted)
    assert plugin_releases(config, home) == first and scans == []
    (installed_extras / "strain_extras-1.0.dist-info").rename(
        installed_extras / "strain_extras-1.1.dist-info")  # an upgrade changes the folder
    metadata = installed_extras / "strain_extras-1.1.dist-info" / "METADATA"
    metadata.write_text(metadata.read_text().replace("Version: 1.0", "Version: 1.1"))
    stat = installed_extras.stat()
    os.utime(installed_extras, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    upgraded = plugin_releases(config, home)
    assert scans == [1]
    assert ["always", "strain_extras.always", "1.1"] in upgraded
    blocked = load_config(overrides={"plugins": {"disabled": ["always"]}})
    assert "always" not in [r[0] for r in plugin_releases(blocked, home)] and scans == [1]


def test_an_unwritable_or_garbled_file_only_means_scanning(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / RELEASES_FILE).write_text("{not json")
    config = load_config(tmp_path / "absent.toml")
    assert plugin_releases(config, home)
    missing = tmp_path / "nowhere"
    assert plugin_releases(config, missing) == plugin_releases(config, home)


def test_a_plugin_edited_in_place_changes_its_sources_without_a_scan_or_an_import(
        installed_extras: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An editable install keeps its release while its code changes: the files of each
    plugin's module folder are read every time, the plugin never imported for it."""
    import sys

    from dptelemetry.entry_points import plugin_sources

    home = tmp_path / "home"
    home.mkdir()
    config = load_config(tmp_path / "absent.toml")
    before = dict((place, stamps) for place, stamps in plugin_sources(config, home))
    extras = str(installed_extras / "strain_extras")
    assert [name for name, *_ in before[extras]] == [
        "__init__.py", "always.py", "raiser.py", "typo.py", "wrong_type.py"]
    assert not [m for m in sys.modules if m.startswith("strain_extras")]
    monkeypatch.setattr(entry_points, "_scan", lambda: pytest.fail("scanned again"))
    always = installed_extras / "strain_extras" / "always.py"
    always.write_text(always.read_text().replace("always there", "always here, edited"))
    after = dict((place, stamps) for place, stamps in plugin_sources(config, home))
    assert after[extras] != before[extras]
    assert {p: s for p, s in after.items() if p != extras} == {
        p: s for p, s in before.items() if p != extras}
    blocked = load_config(overrides={"plugins": {"disabled": [
        "always", "raiser", "broken", "typo", "wrong_type"]}})
    assert extras not in dict((p, s) for p, s in plugin_sources(blocked, home))
