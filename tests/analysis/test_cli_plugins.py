"""`dpt plugins` through the real CLI."""

from __future__ import annotations

from pathlib import Path

from tests.analysis.test_plugins import BUILT_IN
from tests.conftest import RunDpt


def test_lists_the_built_in_plugins_with_their_origin(run_dpt: RunDpt) -> None:
    result = run_dpt("plugins")
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()
            if not line.startswith(" ")}
    assert set(rows) == BUILT_IN
    for name, row in rows.items():
        assert row[1:4] == ["loaded", "dptelemetry", "0.1.0"]
        assert row[4] == f"dptelemetry_plugins.{name}"
    assert result.stderr == ""


def test_shows_settings_and_where_each_value_comes_from(run_dpt: RunDpt, tmp_path: Path) -> None:
    config = tmp_path / "dpt-config.toml"
    config.write_text("[plugins.churn]\nwarn = 0.5\n")
    result = run_dpt("plugins", "--settings")
    assert result.returncode == 0, result.stderr
    assert f"plugins.churn.warn = 0.5  ({config})" in result.stdout
    assert "plugins.churn.strong = 0.6  (default)" in result.stdout


def test_reports_third_party_failures_and_disabled_plugins(
    run_dpt: RunDpt, third_party_dist: Path, tmp_path: Path
) -> None:
    (tmp_path / "dpt-config.toml").write_text('[plugins]\ndisabled = ["goal_drift"]\n')
    result = run_dpt("plugins", env={"PYTHONPATH": str(third_party_dist)})
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()
            if not line.startswith(" ")}
    states = {name: row[1] for name, row in rows.items()}
    assert states["raiser"] == states["always"] == "loaded"
    assert states["broken"] == states["typo"] == "failed"
    assert states["goal_drift"] == "disabled"
    assert rows["always"][2:] == ["strain-extras", "1.0", "strain_extras.always"]
    assert "dpt: warning: plugin broken failed in load: ModuleNotFoundError" in result.stderr
    assert "Traceback" not in result.stderr
