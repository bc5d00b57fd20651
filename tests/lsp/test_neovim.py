"""A real editor: Neovim's own LSP client with `dpt lsp` configured, headless."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dptelemetry.events import Event

from .editors import edit_in_editor, readme_setup

SESSION = Path(__file__).with_name("neovim_session.lua")

pytestmark = pytest.mark.skipif(shutil.which("nvim") is None,
                                reason="Neovim is not installed (Debian package: neovim)")


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
