"""Where dptelemetry keeps things, and the thresholds it measures with.

Every setting has a documented default; a TOML file (`DPT_CONFIG`, else `config.toml` in
`DPT_HOME` when that is set, else the platform config dir) or a client's options may override
it. A bad value never stops capture: it falls back to the default and leaves a warning, and
`dpt config` shows each effective value with where it came from. So does a file that cannot
be read at all (not TOML, not UTF-8, unreadable): one warning naming the file and the line,
and the defaults, except that paths are stored hashed until it is fixed (the file may have
asked for that, and a path stored in the clear cannot be taken back).
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dptelemetry.durations import format_duration, parse_duration
from dptelemetry.home import APP_NAME, data_home_dir


def data_home() -> Path:
    """`DPT_HOME`, else the platform's user data dir."""
    return Path(data_home_dir())


def config_path() -> Path:
    """`DPT_CONFIG`, else `config.toml` in `DPT_HOME` if set, else the platform config dir."""
    env = os.environ.get("DPT_CONFIG")
    if env:
        return Path(env).expanduser()
    if os.environ.get("DPT_HOME"):
        return data_home() / "config.toml"
    import platformdirs

    return platformdirs.user_config_path(APP_NAME, appauthor=False) / "config.toml"


@dataclass(frozen=True)
class Thresholds:
    """Lower edges of the pause bins, in seconds, the assisted-edit size, and the limits of
    the default zone rule (dptelemetry.analysis.zones).

    A gap below `burst_gap` joins two edits into one burst; pauses are short from `burst_gap`,
    medium from `medium_pause`, long from `long_pause`, and a break (which also ends a
    session) from `idle_timeout`.
    """

    burst_gap: float = 5.0
    medium_pause: float = 30.0
    long_pause: float = 120.0
    idle_timeout: float = 900.0
    assisted_edit_chars: int = 200
    learning_red_share: float = 0.2
    """A session with at least this share of its test runs red is at least in learning."""
    panic_open_red: float = 1800.0
    """A red stretch still open at the session's end this long after it began: panic."""
    panic_signal_window: float = 1800.0
    """Two struggle signals (not on the same runs) starting less than this apart: panic."""


@dataclass(frozen=True)
class Privacy:
    hash_paths: bool = False


@dataclass(frozen=True)
class Capture:
    pytest: bool = True


@dataclass(frozen=True)
class Feedback:
    """What `dpt lsp` shows in the editor while you practise (README: Live feedback)."""

    progress: bool = True
    """The active goal and its time box as work-done progress (the editor's status line)."""
    timebox_message: bool = True
    """One message when the goal's time box runs out."""
    nudges: bool = True
    """A message with the signal's suggestion at the moment of strain."""
    nudge_interval: float = 1200.0
    """At most one nudge in this many seconds."""


@dataclass(frozen=True)
class Drills:
    retune_rating: int = 6
    """Ending an attempt rated at or below this prints the one variable to change next."""


@dataclass(frozen=True)
class Progress:
    """The consistency target `dpt progress` holds weeks against: practice research suggests
    3-4 sessions of 45-60 minutes a week."""

    sessions_per_week: tuple[int, int] = (3, 4)
    session_length: tuple[float, float] = (2700.0, 3600.0)
    """Seconds; a session of at least the first counts toward the target."""


@dataclass(frozen=True)
class Plugins:
    disabled: tuple[str, ...] = ()
    settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    thresholds: Thresholds = field(default_factory=Thresholds)
    privacy: Privacy = field(default_factory=Privacy)
    capture: Capture = field(default_factory=Capture)
    feedback: Feedback = field(default_factory=Feedback)
    plugins: Plugins = field(default_factory=Plugins)
    drills: Drills = field(default_factory=Drills)
    progress: Progress = field(default_factory=Progress)
    path: Path | None = None
    sources: Mapping[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def plugin_setting(self, plugin: str, key: str, default: Any) -> Any:
        """A strain plugin's own setting from `[plugins.<plugin>]`, else its default.

        A value of another type than the default (text where a number belongs) falls back to
        the default, as every bad setting does; a whole number is fine where a float is.
        """
        value = self.plugins.settings.get(plugin, {}).get(key, default)
        return value if _same_kind(value, default) else default

    def sets(self, plugin: str, key: str, default: Any) -> bool:
        """Whether `[plugins.<plugin>] key` is given a usable value (of the default's kind)."""
        given = self.plugins.settings.get(plugin, {})
        return key in given and _same_kind(given[key], default)

    def plugin_settings(self, plugin: str, defaults: Mapping[str, Any]) -> dict[str, Any]:
        """Every setting a plugin declares in `defaults`, as `plugin_setting` reads each."""
        return {key: self.plugin_setting(plugin, key, value) for key, value in defaults.items()}

    def ignored_plugin_settings(self, declared: Mapping[str, Mapping[str, Any]]
                                ) -> dict[str, str]:
        """Why each `[plugins.<plugin>] key` that takes no effect is ignored, given the
        settings each loaded plugin declares: a misspelt name or a quoted number would
        otherwise leave the default in force without a word."""
        ignored: dict[str, str] = {}
        for plugin, values in self.plugins.settings.items():
            defaults = declared.get(plugin)
            for key, value in values.items():
                name = f"plugins.{plugin}.{key}"
                if plugin in self.plugins.disabled:
                    ignored[name] = f"{plugin} is disabled (plugins.disabled)"
                elif defaults is None:
                    ignored[name] = f"no plugin named {plugin} is loaded (see `dpt plugins`)"
                elif key not in defaults:
                    ignored[name] = (f"{plugin} has no setting {key}; its settings: "
                                     f"{', '.join(sorted(defaults))}")
                elif not _same_kind(value, defaults[key]):
                    ignored[name] = (f"{_show(value)} is not of the kind of its default "
                                     f"{_show(defaults[key])}, which is used")
        return ignored

    def effective(self) -> list[tuple[str, str, str]]:
        """(setting, value as written in TOML, source) for every setting, for `dpt config`."""
        rows: list[tuple[str, str, str]] = []
        for section in _SECTIONS:
            group = getattr(self, section)
            for f in dataclasses.fields(group):
                if section == "plugins" and f.name == "settings":
                    continue
                key = f"{section}.{f.name}"
                rows.append((key, _show(getattr(group, f.name), f.name in _DURATION_KEYS),
                             self.sources.get(key, "default")))
        for plugin, values in sorted(self.plugins.settings.items()):
            for key, value in sorted(values.items()):
                rows.append((f"plugins.{plugin}.{key}", _show(value), str(self.path)))
        return rows


_SECTIONS = ("thresholds", "privacy", "capture", "feedback", "plugins", "drills", "progress")
_PAUSE_KEYS = ("burst_gap", "medium_pause", "long_pause", "idle_timeout")
_DURATION_KEYS = {*_PAUSE_KEYS, "panic_open_red", "panic_signal_window", "nudge_interval"}
_SHARE_KEYS = {"learning_red_share"}


def _same_kind(value: Any, default: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float))
    return default is None or isinstance(value, type(default))


def _show(value: Any, duration: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(f'"{v}"' if isinstance(v, str) else _show(v)
                               for v in value) + "]"
    if duration:
        return f'"{format_duration(value, exact=True)}"'
    if isinstance(value, float):
        return f"{value:g}"
    return json.dumps(value) if isinstance(value, str) else str(value)  # as TOML writes it


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError("must be true or false")


def _as_positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError("must be a positive whole number")
    return value


def _as_names(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("must be a list of plugin names")
    return tuple(value)


def _as_share(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
        raise ValueError("must be a share above 0 and at most 1 (0.2 is 20 %)")
    return float(value)


def _as_duration(value: Any) -> float:
    seconds = parse_duration(value)
    if seconds <= 0:
        raise ValueError("must be longer than zero")
    return seconds


def _as_rating(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
        raise ValueError("must be a whole number from 1 to 10")
    return value


def _range(convert: Callable[[Any], Any]) -> Callable[[Any], tuple[Any, Any]]:
    """A [low, high] pair of values that `convert` accepts, low not above high."""
    def pair(value: Any) -> tuple[Any, Any]:
        if not isinstance(value, list) or len(value) != 2:
            raise ValueError("must be a pair [low, high]")
        low, high = convert(value[0]), convert(value[1])
        if low > high:
            raise ValueError("must not have its low end above its high end")
        return low, high
    return pair


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "drills.retune_rating": _as_rating,
    "progress.sessions_per_week": _range(_as_positive_int),
    "progress.session_length": _range(_as_duration),
}


def _converter(section: str, key: str) -> Callable[[Any], Any]:
    if f"{section}.{key}" in _CONVERTERS:
        return _CONVERTERS[f"{section}.{key}"]
    if key in _DURATION_KEYS:
        return _as_duration
    if key in _SHARE_KEYS:
        return _as_share
    default = getattr(_DEFAULTS[section], key)
    if isinstance(default, bool):
        return _as_bool
    if isinstance(default, int):
        return _as_positive_int
    return _as_names


_DEFAULTS: dict[str, Any] = {
    "thresholds": Thresholds(),
    "privacy": Privacy(),
    "capture": Capture(),
    "feedback": Feedback(),
    "plugins": Plugins(),
    "drills": Drills(),
    "progress": Progress(),
}


_UNREADABLE_FILE: dict[str, Any] = {"privacy": {"hash_paths": True}}
"""What stands in for a file that cannot be read: its privacy choice is unknown."""


def read_toml(path: Path) -> tuple[dict[str, Any], str | None]:
    """(the parsed file, None); `{}` if it does not exist. For a file that cannot be used,
    `{}` and one line saying why, naming the file and, where it can, the line."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):  # no such file: nothing configured
        return {}, None
    except OSError as exc:
        return {}, f"cannot read config file {path}: {exc.strerror or exc}"
    try:
        return tomllib.loads(raw.decode("utf-8")), None
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        why = f"not UTF-8 text (at line {line})"
    except tomllib.TOMLDecodeError as exc:
        lines = len(raw.decode("utf-8").splitlines()) or 1
        why = f"not valid TOML: {str(exc).replace('end of document', f'line {lines}, its end')}"
    except RecursionError:
        why = "not valid TOML: nested too deeply"
    return {}, f"config file {path} is {why}"


def load_config(
    path: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    overrides_source: str = "options",
) -> Config:
    """The effective config: defaults, then the TOML file, then `overrides` (same shape).

    Never raises: a bad single value falls back to its default, and a file that cannot be
    read at all to the defaults with paths hashed, each reported in `Config.warnings`.
    """
    path = config_path() if path is None else path
    values: dict[str, dict[str, Any]] = {s: {} for s in _SECTIONS}
    sources: dict[str, str] = {}
    warnings: list[str] = []
    plugin_settings: dict[str, dict[str, Any]] = {}
    data, problem = read_toml(path)
    layers = [(data, str(path))]
    if problem:
        warnings.append(f"{problem}; using the defaults, with paths stored hashed until "
                        "it is fixed")
        layers.append((_UNREADABLE_FILE, f"{path} (unreadable)"))
    if overrides:
        layers.append((dict(overrides), overrides_source))
    for layer, source in layers:
        _apply_layer(layer, source, values, sources, warnings, plugin_settings)

    thresholds = Thresholds(**values["thresholds"])
    edges = [getattr(thresholds, key) for key in _PAUSE_KEYS]
    if edges != sorted(set(edges)):
        warnings.append(
            "thresholds: burst_gap < medium_pause < long_pause < idle_timeout must hold; "
            "using the default pause thresholds"
        )
        thresholds = dataclasses.replace(
            thresholds, **{key: getattr(Thresholds(), key) for key in _PAUSE_KEYS}
        )
        for key in _PAUSE_KEYS:
            sources.pop(f"thresholds.{key}", None)
    return Config(
        thresholds=thresholds,
        privacy=Privacy(**values["privacy"]),
        capture=Capture(**values["capture"]),
        feedback=Feedback(**values["feedback"]),
        plugins=Plugins(settings=plugin_settings, **values["plugins"]),
        drills=Drills(**values["drills"]),
        progress=Progress(**values["progress"]),
        path=path,
        sources=sources,
        warnings=tuple(warnings),
    )


def _apply_layer(
    data: Mapping[str, Any],
    source: str,
    values: dict[str, dict[str, Any]],
    sources: dict[str, str],
    warnings: list[str],
    plugin_settings: dict[str, dict[str, Any]],
) -> None:
    for section, table in data.items():
        if section not in _SECTIONS:
            warnings.append(f"{source}: unknown section [{section}] ignored")
            continue
        if not isinstance(table, Mapping):
            warnings.append(f"{source}: [{section}] must be a table; ignored")
            continue
        known = {f.name for f in dataclasses.fields(_DEFAULTS[section])} - {"settings"}
        for key, raw in table.items():
            if section == "plugins" and key not in known and isinstance(raw, Mapping):
                plugin_settings.setdefault(key, {}).update(raw)
                continue
            if key not in known:
                warnings.append(f"{source}: unknown setting {section}.{key} ignored")
                continue
            try:
                values[section][key] = _converter(section, key)(raw)
            except ValueError as exc:
                warnings.append(
                    f"{source}: {section}.{key} = {raw!r} {exc}; using the default"
                )
                continue
            sources[f"{section}.{key}"] = source
