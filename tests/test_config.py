"""Config: defaults, the TOML file, client options, and what happens with bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from dptelemetry.config import Thresholds, config_path, load_config
from dptelemetry.durations import format_duration, format_minutes, parse_duration, whole_minutes


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("45m", 2700), ("1h30m", 5400), ("90s", 90), ("2.5", 2.5), (" 1h 5m ", 3900), (30, 30)],
)
def test_durations_people_write(text: str | int, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "4q", "m", "-5", "5m5", "inf", "nan", "1h-2m"])
def test_malformed_durations_are_rejected(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)


@pytest.mark.parametrize(("seconds", "text"),
                         [(0, "0s"), (59.4, "59s"), (60, "1m"), (2700, "45m"), (3900, "1h05m")])
def test_durations_print_short(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


@pytest.mark.parametrize(("seconds", "text"),
                         [(4.999, "4s"), (29.999, "29s"), (30, "30s"), (119.999, "1m"),
                          (120, "2m"), (1799.999, "29m"), (1800, "30m"), (3599.999, "59m"),
                          (5399.999, "1h29m")])
def test_durations_are_cut_down_never_rounded_up_across_an_edge(seconds: float,
                                                                  text: str) -> None:
    assert format_duration(seconds) == text


@pytest.mark.parametrize(("seconds", "minutes", "text"),
                         [(0, 0, "0"), (0.5, 0, "<1"), (59.999, 0, "<1"), (60, 1, "1"),
                          (89.9, 1, "1"), (1799.5, 29, "29"), (1800, 30, "30"),
                          (-1, 0, "0")])
def test_minutes_are_cut_down_as_durations_are(seconds: float, minutes: int,
                                               text: str) -> None:
    assert whole_minutes(seconds) == minutes
    assert format_minutes(seconds) == text


@pytest.mark.parametrize(("seconds", "text"),
                         [(2.5, "2.5s"), (90, "1m30s"), (120, "2m"), (3605, "1h00m05s")])
def test_limits_print_exactly(seconds: float, text: str) -> None:
    assert format_duration(seconds, exact=True) == text


def test_config_shows_a_duration_as_configured(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[thresholds]\nlong_pause = "90s"\nburst_gap = 2.5\n')
    rows = {key: value for key, value, _ in load_config(path).effective()}
    assert (rows["thresholds.long_pause"], rows["thresholds.burst_gap"]) == ('"1m30s"', '"2.5s"')


def test_defaults_are_designs_thresholds(tmp_path: Path) -> None:
    config = load_config(tmp_path / "absent.toml")
    assert config.thresholds == Thresholds(burst_gap=5, medium_pause=30, long_pause=120,
                                           idle_timeout=900, assisted_edit_chars=200)
    assert config.privacy.hash_paths is False
    assert config.warnings == ()
    assert {source for _, _, source in config.effective()} == {"default"}


def test_file_then_options_override_with_sources(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[thresholds]\nidle_timeout = "20m"\nburst_gap = 3\n'
                    "[privacy]\nhash_paths = true\n"
                    '[plugins]\ndisabled = ["fatigue"]\n[plugins.fatigue]\nlate_start = "22:00"\n')
    config = load_config(path, overrides={"thresholds": {"burst_gap": "4s"}},
                         overrides_source="initializationOptions")
    assert config.thresholds.idle_timeout == 1200
    assert config.thresholds.burst_gap == 4
    assert config.privacy.hash_paths is True
    assert config.plugins.disabled == ("fatigue",)
    assert config.plugin_setting("fatigue", "late_start", "23:00") == "22:00"
    assert config.plugin_setting("churn", "window", "10m") == "10m"
    rows = {key: (value, source) for key, value, source in config.effective()}
    assert rows["thresholds.idle_timeout"] == ('"20m"', str(path))
    assert rows["thresholds.burst_gap"] == ('"4s"', "initializationOptions")
    assert rows["thresholds.long_pause"] == ('"2m"', "default")
    assert rows["plugins.fatigue.late_start"] == ('"22:00"', str(path))  # as TOML writes it
    assert config.ignored_plugin_settings({"churn": {"window_minutes": 10}}) == {
        "plugins.fatigue.late_start": "fatigue is disabled (plugins.disabled)"}


def test_bad_values_fall_back_to_defaults_with_a_warning_each(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[thresholds]\nburst_gap = "soon"\nassisted_edit_chars = -3\n'
                    '[privacy]\nhash_paths = "yes"\n[nonsense]\nx = 1\n')
    config = load_config(path)
    assert config.thresholds == Thresholds()
    assert config.privacy.hash_paths is False
    assert len(config.warnings) == 4
    assert any("thresholds.burst_gap" in w and "default" in w for w in config.warnings)
    assert any("[nonsense]" in w for w in config.warnings)


def test_pause_edges_out_of_order_fall_back_together(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[thresholds]\nmedium_pause = "20m"\nassisted_edit_chars = 500\n')
    config = load_config(path)
    assert config.thresholds == Thresholds(assisted_edit_chars=500)
    assert any("must hold" in w for w in config.warnings)


@pytest.mark.parametrize("raw, why", [
    (b"x = = [\n", "is not valid TOML: Invalid value (at line 1, column 5)"),
    (b"[thresholds]\nburst_gap = 4\n[thresholds]\n", "is not valid TOML: Cannot declare"),
    (b"a = 1\nb = '\xff'\n", "is not UTF-8 text (at line 2)"),
    (b"x = " + b"[" * 5000, "is not valid TOML: nested too deeply"),
    (b"a = 1\nthresholds = [\n", "is not valid TOML: Invalid value (at line 2, its end)"),
])
def test_a_file_that_cannot_be_parsed_is_one_warning_and_the_defaults(
        tmp_path: Path, raw: bytes, why: str) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(raw)
    config = load_config(path)
    assert config.thresholds == Thresholds()
    assert config.capture.pytest is True
    assert config.privacy.hash_paths is True  # the file may have asked for it
    [warning] = config.warnings
    assert warning.startswith(f"config file {path} {why}")
    assert warning.endswith("; using the defaults, with paths stored hashed until it is fixed")


def test_a_file_that_cannot_be_read_is_one_warning(tmp_path: Path) -> None:
    config = load_config(tmp_path)  # a directory
    assert config.warnings == (f"cannot read config file {tmp_path}: Is a directory; using the "
                               "defaults, with paths stored hashed until it is fixed",)


def test_config_path_follows_dpt_home_when_dpt_config_is_unset(
    dpt_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DPT_CONFIG")
    assert config_path() == dpt_home / "config.toml"
