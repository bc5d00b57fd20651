"""What the README and the plugins say about where limits come from is what the code does:
only a plugin that keeps day metrics can flag at your own p90/p95 (issue 11, item 8)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from tests.analysis.conftest import REPO_ROOT
from tests.analysis.test_strain_plugins import teq_day
from tests.analysis.test_summary import summary_of
from tests.summary.test_edges import rendered

PLUGINS = ("test_error_quotient", "repeated_failure_density", "stuck_stretches",
           "rerun_without_edits", "churn", "file_thrash", "fatigue", "goal_drift")


def readme_baselines() -> dict[str, str]:
    """The README's strain table: plugin -> its "your baseline" cell."""
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)` \|.*\| ([^|]+) \|$", text, flags=re.MULTILINE)
    return {name: cell.strip() for name, cell in rows if name in PLUGINS}


def test_the_readme_says_which_plugins_keep_a_baseline() -> None:
    cells = readme_baselines()
    assert set(cells) == set(PLUGINS)
    for name in PLUGINS:
        module = importlib.import_module(f"dptelemetry_plugins.{name}")
        keeps = hasattr(module, "dpt_day_metrics")
        assert (cells[name] != "no") == keeps, name
        words = " ".join((module.__doc__ or "").split())
        assert ("no personal baseline" in words) == (not keeps), name


def test_the_summary_says_which_limit_applied_without_claiming_a_population(
        tmp_path: Path) -> None:
    text = rendered(summary_of(tmp_path / "home", teq_day("xxxx")))
    assert "population" not in text  # was "Limits are the population's until 7 days ..."
    assert ("Each threshold says which limit applied: one set in your config; your own "
            "p90/p95, for a metric its plugin keeps a baseline of, once 7 of the last 14 days "
            "hold it (0 past days with samples); else the default, with its source.") in text
    assert ("(default: p95 / p99, to two decimals, of the 1,694 per-student CS1 compile EQ "
            "values published with Svabensky et al., ITiCSE 2024)") in text
