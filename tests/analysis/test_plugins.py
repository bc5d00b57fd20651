"""The plugin manager: every plugin from real entry points, each called on its own."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pluggy
import pytest

from dptelemetry import hookimpl
from dptelemetry.analysis.history import History
from dptelemetry.analysis.zones import Zone, ZoneVerdict
from dptelemetry.config import load_config
from dptelemetry.plugins import PluginFailure, get_plugin_manager
from tests.analysis.builders import DayBuilder

BUILT_IN = {"churn", "fatigue", "file_thrash", "goal_drift", "repeated_failure_density",
            "rerun_without_edits", "stuck_stretches", "test_error_quotient"}


def config(tmp_path: Path, toml: str = "") -> Any:
    path = tmp_path / "config.toml"
    path.write_text(toml)
    return load_config(path)


def stuck_day() -> DayBuilder:
    """The same test failing the same way six runs in a row, code changing in between."""
    day = DayBuilder()
    for i in range(6):
        day.edit(600 + i * 60, inserted=3)
        day.red(610 + i * 60, "test_score")
    return day


def test_built_in_plugins_come_from_the_entry_point_group(tmp_path: Path) -> None:
    manager = get_plugin_manager(config(tmp_path))
    origins = manager.origins
    assert set(origins) == BUILT_IN
    for name, origin in origins.items():
        assert origin.status == "loaded"
        assert origin.distribution == "dptelemetry"
        assert origin.value == f"dptelemetry_plugins.{name}"
        assert "dpt_strain_signals" in origin.hooks
        assert manager.get_plugin(name).__name__ == origin.value
    assert manager.failures == []


def test_a_raising_third_party_plugin_is_reported_and_the_others_still_run(
    tmp_path: Path, installed_extras: Path
) -> None:
    manager = get_plugin_manager(config(tmp_path))
    # pluggy calls the last registered first: the raiser runs before the built-ins
    order = [impl.plugin_name for impl in
             reversed(manager.hook.dpt_strain_signals.get_hookimpls())]
    assert order.index("raiser") < order.index("repeated_failure_density")
    timeline = stuck_day().timeline()
    signals = manager.strain_signals(timeline, config(tmp_path), History())
    assert {s.plugin for s in signals} >= {"always", "repeated_failure_density"}
    assert PluginFailure("raiser", "dpt_strain_signals", "RuntimeError: boom") in (
        manager.failures)
    assert PluginFailure("wrong_type", "dpt_strain_signals",
                         "returned str, not a list of Signal") in manager.failures


def test_plugins_that_cannot_load_are_reported_with_their_origin(
    tmp_path: Path, installed_extras: Path
) -> None:
    manager = get_plugin_manager(config(tmp_path))
    failed = {f.plugin: f for f in manager.failures if f.hook == "load"}
    assert set(failed) == {"broken", "typo"}
    assert failed["broken"].error.startswith("ModuleNotFoundError")
    assert "dpt_strain_signal" in failed["typo"].error
    assert manager.origins["broken"].status == manager.origins["typo"].status == "failed"
    assert not manager.has_plugin("typo")
    assert (manager.origins["always"].distribution, manager.origins["always"].version) == (
        "strain-extras", "1.0")
    assert {n for n, o in manager.origins.items() if o.status == "loaded"} >= BUILT_IN


def test_the_config_blocks_plugins_by_name_before_importing_them(
    tmp_path: Path, installed_extras: Path
) -> None:
    cfg = config(tmp_path, '[plugins]\ndisabled = ["raiser", "churn"]\n')
    manager = get_plugin_manager(cfg)
    assert manager.origins["raiser"].status == manager.origins["churn"].status == "disabled"
    assert "strain_extras.raiser" not in sys.modules
    assert not manager.has_plugin("churn")
    signals = manager.strain_signals(stuck_day().timeline(), cfg, History())
    assert "raiser" not in {f.plugin for f in manager.failures}
    assert "churn" not in {s.plugin for s in signals}


class FirstZone:
    @hookimpl
    def dpt_zone(self, session: Any) -> ZoneVerdict:
        return ZoneVerdict(Zone.COMFORT, f"session {session.index} is always comfortable")


class Abstains:
    @hookimpl(tryfirst=True)
    def dpt_zone(self) -> None:
        return None


def test_the_first_zone_verdict_wins_and_names_its_plugin(
    tmp_path: Path, installed_extras: Path
) -> None:
    cfg = config(tmp_path)
    manager = get_plugin_manager(cfg)
    manager.register(FirstZone(), name="first_zone")
    manager.register(Abstains(), name="abstains")
    timeline = stuck_day().timeline()
    verdict = manager.zone(timeline.sessions[0], timeline, [], cfg)
    assert verdict == ZoneVerdict(Zone.COMFORT, "session 0 is always comfortable",
                                  by="first_zone")
    # registered last, first_zone answered before the raising classifier was reached
    assert [f for f in manager.failures if f.hook == "dpt_zone"] == []


def test_a_raising_zone_classifier_leaves_the_default_rule_in_charge(
    tmp_path: Path, installed_extras: Path
) -> None:
    cfg = config(tmp_path)
    manager = get_plugin_manager(cfg)
    timeline = stuck_day().timeline()
    assert manager.zone(timeline.sessions[0], timeline, [], cfg) is None
    assert PluginFailure("raiser", "dpt_zone", "RuntimeError: zone boom") in manager.failures


class Wrapper:
    @hookimpl(wrapper=True)
    def dpt_strain_signals(self) -> Any:
        return (yield)


def test_hook_wrappers_are_refused_not_run(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    manager = get_plugin_manager(cfg)
    manager.register(Wrapper(), name="wrapper")
    manager.strain_signals(stuck_day().timeline(), cfg, History())
    assert manager.failures == [PluginFailure("wrapper", "dpt_strain_signals",
                                              "hook wrappers are not supported")]


def test_pluggy_alone_would_let_one_raising_plugin_stop_the_call(
    tmp_path: Path, installed_extras: Path
) -> None:
    """Why the manager calls each implementation itself."""
    manager = get_plugin_manager(config(tmp_path))
    with pytest.raises(RuntimeError, match="boom"):
        manager.hook.dpt_strain_signals(timeline=stuck_day().timeline(),
                                        config=config(tmp_path), history=History())
    assert isinstance(manager, pluggy.PluginManager)
