"""Finds strain plugins and calls them so that no single plugin can break a summary.

Every plugin, the built-in ones included, comes from the `dptelemetry` entry-point group; the
core never imports one by name. pluggy stops a hook call at the first exception, so each
implementation is called on its own here: one that raises, returns the wrong thing or cannot
even be imported is recorded as a `PluginFailure` and skipped.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import pluggy

from dptelemetry import hookspecs
from dptelemetry.analysis.history import DayMetrics, History
from dptelemetry.analysis.signals import NudgeRule, PluginFailure, Section, Signal
from dptelemetry.analysis.timeline import Session, Timeline
from dptelemetry.analysis.zones import ZoneVerdict
from dptelemetry.config import Config
from dptelemetry.entry_points import GROUP, Release, release


@dataclass(frozen=True)
class PluginOrigin:
    """Where a plugin came from, for `dpt plugins`."""

    name: str
    value: str
    """The entry point's target, `module` or `module:attribute`."""
    distribution: str | None
    version: str | None
    status: str
    """`loaded`, `disabled` (by `plugins.disabled`) or `failed`."""
    hooks: tuple[str, ...] = ()


def _error(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


class StrainPluginManager(pluggy.PluginManager):
    """pluggy's manager with typed, isolated calls for each hook of hookspecs.py."""

    def __init__(self) -> None:
        super().__init__(GROUP)
        self.add_hookspecs(hookspecs)
        self.origins: dict[str, PluginOrigin] = {}
        self.failures: list[PluginFailure] = []

    def _fail(self, plugin: str, hook: str, error: str) -> None:
        self.failures.append(PluginFailure(plugin, hook, error))

    def load_entry_points(self) -> None:
        """Register every plugin of the entry-point group that is not blocked."""
        releases: dict[int, Release] = {}
        for ep in metadata.entry_points(group=GROUP):
            name, version = release(ep.dist, releases)
            origin = PluginOrigin(ep.name, ep.value, name, version, "loaded")
            if self.is_blocked(ep.name):
                self.origins[ep.name] = dataclasses.replace(origin, status="disabled")
                continue
            if ep.name in self.origins:
                taken = self.origins[ep.name].value
                if taken != ep.value:
                    self._fail(ep.name, "load", f"the name is taken by {taken}; "
                                                f"{ep.value} skipped")
                continue
            try:
                self.register(ep.load(), name=ep.name)
            except Exception as exc:
                if self.has_plugin(ep.name):
                    self.unregister(name=ep.name)
                self._fail(ep.name, "load", _error(exc))
                origin = dataclasses.replace(origin, status="failed")
            self.origins[ep.name] = origin
        self._drop_unknown_hooks()
        for name, origin in self.origins.items():
            plugin = self.get_plugin(name)
            if plugin is not None:
                hooks = tuple(sorted(c.name for c in self.get_hookcallers(plugin) or ()))
                self.origins[name] = dataclasses.replace(origin, hooks=hooks)

    def _drop_unknown_hooks(self) -> None:
        """check_pending, one plugin at a time: a misspelt hook unloads only its plugin."""
        while True:
            try:
                self.check_pending()
                return
            except pluggy.PluginValidationError as exc:
                name = self.get_name(exc.plugin) or repr(exc.plugin)
                self.unregister(exc.plugin)
                self._fail(name, "load", _error(exc))
                if name in self.origins:
                    self.origins[name] = dataclasses.replace(self.origins[name],
                                                             status="failed")

    def _each(self, hook: str, **kwargs: Any) -> Iterator[tuple[str, Any]]:
        """(plugin name, result) of each implementation, in pluggy's call order (LIFO,
        tryfirst/trylast honoured); failures are recorded and skipped."""
        for impl in reversed(getattr(self.hook, hook).get_hookimpls()):
            if impl.hookwrapper or impl.wrapper:
                self._fail(impl.plugin_name, hook, "hook wrappers are not supported")
                continue
            try:
                yield impl.plugin_name, impl.function(*(kwargs[a] for a in impl.argnames))
            except Exception as exc:
                self._fail(impl.plugin_name, hook, _error(exc))

    def _checked(self, hook: str, plugin: str, result: Any,
                 check: Callable[[Any], bool], expected: str) -> bool:
        if check(result):
            return True
        self._fail(plugin, hook, f"returned {type(result).__name__}, not {expected}")
        return False

    def strain_signals(self, timeline: Timeline, config: Config,
                       history: History) -> list[Signal]:
        signals: list[Signal] = []
        for plugin, result in self._each("dpt_strain_signals", timeline=timeline,
                                         config=config, history=history):
            found = [] if result is None else result
            if self._checked("dpt_strain_signals", plugin, found, _is_list_of(Signal),
                             "a list of Signal"):
                signals.extend(dataclasses.replace(s, plugin=plugin) for s in found)
        return signals

    def day_metrics(self, timeline: Timeline, config: Config) -> DayMetrics:
        metrics: dict[str, list[float]] = {}
        for plugin, result in self._each("dpt_day_metrics", timeline=timeline, config=config):
            if self._checked("dpt_day_metrics", plugin, result, _is_metrics,
                             "a mapping of metric name to a list of finite numbers"):
                for name, values in result.items():
                    metrics.setdefault(name, []).extend(float(v) for v in values)
        return metrics

    def summary_sections(self, timeline: Timeline, config: Config,
                         signals: Sequence[Signal]) -> list[Section]:
        sections: list[Section] = []
        for plugin, result in self._each("dpt_summary_sections", timeline=timeline,
                                         config=config, signals=signals):
            if self._checked("dpt_summary_sections", plugin, result, _is_list_of(Section),
                             "a list of Section"):
                sections.extend(result)
        return sections

    def zone(self, session: Session, timeline: Timeline, signals: Sequence[Signal],
             config: Config) -> ZoneVerdict | None:
        """The first verdict a plugin gives (firstresult), or None."""
        for plugin, result in self._each("dpt_zone", session=session, timeline=timeline,
                                         signals=signals, config=config):
            if isinstance(result, ZoneVerdict):
                return dataclasses.replace(result, by=plugin)
            if result is not None:
                self._fail(plugin, "dpt_zone",
                           f"returned {type(result).__name__}, not a ZoneVerdict or None")
        return None

    def nudge_rules(self, config: Config) -> list[NudgeRule]:
        rules: list[NudgeRule] = []
        for plugin, result in self._each("dpt_nudge_rules", config=config):
            if self._checked("dpt_nudge_rules", plugin, result, _is_list_of(NudgeRule),
                             "a list of NudgeRule"):
                rules.extend(result)
        return rules

    def settings(self) -> dict[str, Mapping[str, object]]:
        """Each plugin's settings with their defaults."""
        found: dict[str, Mapping[str, object]] = {}
        for plugin, result in self._each("dpt_plugin_settings"):
            if self._checked("dpt_plugin_settings", plugin, result,
                             lambda r: isinstance(r, Mapping), "a mapping"):
                found[plugin] = result
        return found


def _is_list_of(kind: type) -> Callable[[Any], bool]:
    return lambda r: isinstance(r, (list, tuple)) and all(isinstance(x, kind) for x in r)


def _is_metrics(result: Any) -> bool:
    return isinstance(result, Mapping) and all(
        isinstance(name, str) and isinstance(values, (list, tuple))
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                for v in values)
        for name, values in result.items()
    )


def get_plugin_manager(config: Config) -> StrainPluginManager:
    """A fresh manager with every plugin not blocked by `plugins.disabled` loaded."""
    manager = StrainPluginManager()
    for name in config.plugins.disabled:
        manager.set_blocked(name)
    manager.load_entry_points()
    return manager
