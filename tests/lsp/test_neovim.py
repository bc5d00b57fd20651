"""A real editor: Neovim's own LSP client with `dpt lsp` configured, headless."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .lspclient import stored

SESSION = Path(__file__).with_name("neovim_session.lua")

pytestmark = pytest.mark.skipif(shutil.which("nvim") is None,
                                reason="Neovim is not installed (Debian package: neovim)")


def test_neovim_records_open_edits_save_and_close(dpt_home: Path, tmp_path: Path) -> None:
    project = tmp_path / "kata"
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    source = project / "kata.py"
    source.write_text("first line\nsecond line\nthird\n")
    result = subprocess.run(
        ["nvim", "--headless", "--clean", "-c", f"luafile {SESSION}"],
        env={**os.environ, "DPT_TEST_FILE": str(source), "DPT_TEST_PYTHON": sys.executable},
        capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert source.read_text() == "line\nthird\n"

    deadline = time.monotonic() + 15  # the server may still be writing as Neovim quits
    while not stored(dpt_home, "lsp_stop") and time.monotonic() < deadline:
        time.sleep(0.1)
    events = stored(dpt_home)
    assert [e.kind for e in events] == (
        ["lsp_start", "open"] + ["edit"] * 8 + ["save", "close", "lsp_stop"])
    assert events[0].payload["client"] == "Neovim"
    assert events[1].payload == {"language": "python", "lines": 4}
    assert {(e.repo, e.path) for e in events[1:-1]} == {(str(project), "kata.py")}
    edits = [(e.payload["inserted"], e.payload["deleted"], e.payload["line"])
             for e in events if e.kind == "edit"]
    assert edits == [(1, 0, 0)] * 6 + [(0, len("second "), 1), (0, len("first line typed\n"), 0)]
    assert events[-1].payload["reason"] in {"shutdown", "exit", "signal"}
