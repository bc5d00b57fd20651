"""The hook scripts as installed: a templated header, the common part, one hook's body.

Modelled on pre-commit's installer: the values the shell cannot find on its own are baked
into a templated block at install time (the data home, the Python that runs the recorder,
where the package lives), and a marker line says the file is ours and which template made
it, so reinstalling is idempotent and `status` can tell a current shim from an old one.
"""

from __future__ import annotations

import hashlib
import shlex
import subprocess
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from dptelemetry import fallback
from dptelemetry.capture.githooks import HOOKS

LEGACY_SUFFIX = ".dpt-legacy"
MARKER = "# dptelemetry hook shim:"


@dataclass(frozen=True)
class ShimSettings:
    """What the shim needs and cannot find without Python."""

    home: str
    """The data home, used when DPT_HOME is not set at commit time."""
    python: str
    """The interpreter that runs the detached recorder."""
    package: str
    """Where the dptelemetry package lives, so a vanished install is noticed cheaply."""

    @classmethod
    def current(cls) -> ShimSettings:
        import dptelemetry
        from dptelemetry.config import data_home

        return cls(home=str(data_home()), python=sys.executable,
                   package=str(Path(dptelemetry.__file__).resolve().parent))


def _source(name: str) -> str:
    return resources.files("dptelemetry_hooks").joinpath(name).read_text(encoding="utf-8")


def template_id(hook: str) -> str:
    """Changes whenever the shell code of this hook changes."""
    code = _source("common.sh") + _source(hook)
    return hashlib.sha256(code.encode("utf-8")).hexdigest()[:12]


def render(hook: str, settings: ShimSettings, chain: bool = True) -> str:
    """The whole script for `hook`; `chain` runs a kept `<hook>.dpt-legacy` first."""
    if hook not in HOOKS:
        raise ValueError(f"not a dptelemetry hook: {hook}")
    header = f"""#!/bin/sh
{MARKER} {hook} (template {template_id(hook)})
# Written by `dpt hooks install`: reinstalling overwrites edits. `dpt hooks uninstall`
# removes it and puts back the hook that was here before (kept as {hook}{LEGACY_SUFFIX},
# and run first as if it were still here).
# start templated
DPT_HOOK={shlex.quote(hook)}
DPT_INSTALL_HOME={shlex.quote(settings.home)}
DPT_INSTALL_PYTHON={shlex.quote(settings.python)}
DPT_INSTALL_PACKAGE={shlex.quote(settings.package)}
DPT_INSTALL_FALLBACK={shlex.quote(fallback.name(Path(settings.home)))}
DPT_CHAIN={"yes" if chain else "no"}
# end templated
"""
    return header + _source("common.sh") + _source(hook)


def runs_as_itself(legacy: Path) -> bool:
    """True when the shims run this kept hook with `$0` its own hook path, as git would (a
    shell script); False for another kind of program, which runs as `<hook>.dpt-legacy`.
    The shims' own shell code decides, so the answer is theirs."""
    probe = _source("common.sh") + 'dpt_legacy=$1\ndpt_legacy_shell\n'
    try:
        done = subprocess.run(["sh", "-c", probe, "sh", str(legacy)], capture_output=True,
                              check=False, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def is_ours(path: Path) -> bool:
    """True for a file some version of dptelemetry wrote (the marker is on line 2)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(200)
    except OSError:
        return False
    return MARKER.encode() in head


def installed_settings(path: Path) -> ShimSettings | None:
    """The values baked into an installed shim, for `status`."""
    values: dict[str, str] = {}
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    for line in lines:
        key, sep, value = line.partition("=")
        if sep and key in ("DPT_INSTALL_HOME", "DPT_INSTALL_PYTHON", "DPT_INSTALL_PACKAGE"):
            words = shlex.split(value)
            values[key] = words[0] if words else ""
        if line == "# end templated":
            break
    if len(values) != 3:
        return None
    return ShimSettings(home=values["DPT_INSTALL_HOME"], python=values["DPT_INSTALL_PYTHON"],
                        package=values["DPT_INSTALL_PACKAGE"])
