"""The package root stays import-free: the pytest plugin and git hooks import it."""

from __future__ import annotations

import subprocess
import sys


def test_importing_dptelemetry_loads_no_plugin_machinery() -> None:
    code = ("import sys, dptelemetry; "
            "print(sorted(m for m in ('pluggy', 'dptelemetry.hookspecs') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_hookimpl_is_loaded_on_first_use() -> None:
    import pluggy

    import dptelemetry

    assert isinstance(dptelemetry.hookimpl, pluggy.HookimplMarker)
    assert dptelemetry.hookimpl.project_name == "dptelemetry"
