"""A real editor: Neovim's own LSP client with `dpt lsp` configured, headless."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import RunDpt

from dptelemetry.events import Event

from .editors import README, edit_in_editor, needs_editor, readme_setup, with_our_path

SESSION = Path(__file__).with_name("neovim_session.lua")
STATUSLINE = Path(__file__).with_name("neovim_statusline.lua")

pytestmark = needs_editor(shutil.which("nvim") is not None,
                          "Neovim is not installed (Debian package: neovim)")


def edit_in_neovim(project: Path, home: Path, init: list[str], start: str) -> list[Event]:
    source = project / "kata.py"
    events, _ = edit_in_editor(
        ["nvim", "--headless", "-i", "NONE", "-n", *init, "-c", f"luafile {SESSION}",
         str(source)], source, home, env={"DPT_TEST_START": start})
    return events


def test_neovim_records_open_edits_save_and_close(dpt_home: Path, tmp_path: Path) -> None:
    events = edit_in_neovim(tmp_path / "kata", dpt_home, ["--clean"], start="here")
    assert [e.kind for e in events] == (
        ["lsp_start", "open"] + ["edit"] * 8 + ["save", "close", "lsp_stop"])
    assert events[0].payload["client"] == "Neovim"
    assert events[1].payload == {"language": "python", "lines": 4}
    assert {(e.repo, e.path) for e in events[1:-1]} == {(str(tmp_path / "kata"), "kata.py")}
    edits = [(e.payload["inserted"], e.payload["deleted"], e.payload["line"])
             for e in events if e.kind == "edit"]
    assert edits == [(1, 0, 0)] * 6 + [(0, len("second "), 1), (0, len("first line typed\n"), 0)]
    assert events[-1].payload["reason"] in {"shutdown", "exit", "signal"}


def test_the_readme_neovim_0_7_setup_works_as_written(dpt_home: Path, tmp_path: Path) -> None:
    init = readme_setup("neovim-0.7-setup", tmp_path, "init.lua")
    events = edit_in_neovim(tmp_path / "kata", dpt_home, ["-u", str(init)], start="init")
    kinds = [e.kind for e in events]
    assert kinds[:2] == ["lsp_start", "open"] and kinds[-3:] == ["save", "close", "lsp_stop"]
    assert events[1].payload == {"language": "python", "lines": 4}
    edits = [e.payload for e in events if e.kind == "edit"]  # Neovim batches within 150 ms
    assert sum(p["inserted"] for p in edits) == len(" typed")
    assert sum(p["deleted"] for p in edits) == len("second ") + len("first line typed\n")



NVIM_0_10 = os.environ.get("DPT_TEST_NVIM_0_10")
"""An `nvim` of 0.10 or later (Debian 12 has 0.7.2; see the research note for 0.10.4)."""


def readme_0_10_setup() -> str:
    found = re.search(r"### Neovim 0.10 and later\n\n```lua\n(.*?)```", README.read_text(),
                      re.DOTALL)
    assert found, "README.md lost its Neovim 0.10 set-up"
    return found.group(1)


@pytest.mark.parametrize("version", [
    "0.7",
    pytest.param("0.10", marks=pytest.mark.skipif(
        NVIM_0_10 is None, reason="DPT_TEST_NVIM_0_10 names no Neovim 0.10+")),
])
def test_the_readme_neovim_statusline_shows_the_goal_and_its_time_left(
        dpt_home: Path, tmp_path: Path, run_dpt: RunDpt, version: str) -> None:
    setup = (readme_setup("neovim-0.7-setup", tmp_path, "setup.lua").read_text()
             if version == "0.7" else readme_0_10_setup())
    statusline = readme_setup(f"neovim-{version}-statusline", tmp_path, "status.lua")
    init = tmp_path / "init.lua"
    init.write_text(setup + statusline.read_text())
    assert run_dpt("goal", "start", "Bowling kata", "--timebox", "30m").returncode == 0
    source = tmp_path / "kata.py"
    source.write_text("x = 1\n")
    nvim = "nvim" if version == "0.7" else str(NVIM_0_10)
    result = subprocess.run(
        [nvim, "--headless", "-i", "NONE", "-n", "-u", str(init), "-c",
         f"luafile {STATUSLINE}"],
        env=with_our_path({"DPT_TEST_FILE": str(source)}),
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    # a loaded machine may take more than a minute (a percent of the box is 18 s) to get here
    if version == "0.7":  # what Neovim itself received, as the snippet reads it
        assert re.search(r"received: Bowling kata \| (30|29)m left \| [0-3]\n", result.stdout)
    assert re.search(r"kata\.py Bowling kata: (30|29)m left$", result.stdout.rstrip())
