"""A real editor: Neovim's own LSP client with `dpt lsp` configured, headless."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dptelemetry.events import Event

from .lspclient import stored

SESSION = Path(__file__).with_name("neovim_session.lua")
README = Path(__file__).parents[2] / "README.md"
TEXT = "first line\nsecond line\nthird\n"

pytestmark = pytest.mark.skipif(shutil.which("nvim") is None,
                                reason="Neovim is not installed (Debian package: neovim)")


def edit_in_neovim(project: Path, home: Path, init: list[str], start: str) -> list[Event]:
    """Run the scripted session on project/kata.py; return the events once the server ended."""
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    source = project / "kata.py"
    source.write_text(TEXT)
    env = {**os.environ, "DPT_TEST_FILE": str(source), "DPT_TEST_PYTHON": sys.executable,
           "DPT_TEST_START": start,
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        ["nvim", "--headless", "-i", "NONE", "-n", *init, "-c", f"luafile {SESSION}",
         str(source)],
        env=env, cwd=project, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert source.read_text() == "line\nthird\n"
    deadline = time.monotonic() + 15  # the server may still be writing as Neovim quits
    while not stored(home, "lsp_stop") and time.monotonic() < deadline:
        time.sleep(0.1)
    return stored(home)


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
    snippet = re.search(r"<!-- neovim-0.7-setup -->\n```lua\n(.*?)```", README.read_text(),
                        re.DOTALL)
    assert snippet, "README.md lost its Neovim 0.7 set-up"
    init = tmp_path / "init.lua"
    init.write_text(snippet.group(1))
    events = edit_in_neovim(tmp_path / "kata", dpt_home, ["-u", str(init)], start="init")
    kinds = [e.kind for e in events]
    assert kinds[:2] == ["lsp_start", "open"] and kinds[-3:] == ["save", "close", "lsp_stop"]
    assert events[1].payload == {"language": "python", "lines": 4}
    edits = [e.payload for e in events if e.kind == "edit"]  # Neovim batches within 150 ms
    assert sum(p["inserted"] for p in edits) == len(" typed")
    assert sum(p["deleted"] for p in edits) == len("second ") + len("first line typed\n")
