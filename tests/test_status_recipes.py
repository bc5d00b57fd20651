"""The README's status-line snippets for Vim and tmux, tried as written in a terminal (a pty):
what they draw shows `dpt goal status --format line`. (Neovim's and Emacs' are tried in
tests/lsp/test_neovim.py and tests/lsp/test_emacs.py.)"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import RunDpt

from tests.lsp.editors import needs_editor, readme_setup, screen_shows

LINE = "Bowling kata: 30m left"


@pytest.fixture
def goal(run_dpt: RunDpt) -> None:
    assert run_dpt("goal", "start", "Bowling kata", "--timebox", "30m").returncode == 0


@needs_editor(shutil.which("vim") is not None, "Vim is not installed (Debian: vim)")
def test_the_readme_vim_statusline(goal: None, tmp_path: Path) -> None:
    vimrc = readme_setup("vim-statusline", tmp_path, "vimrc")
    assert screen_shows(["vim", "-Nu", str(vimrc), "-c", "redraw!"], LINE, tmp_path)


@needs_editor(shutil.which("tmux") is not None, "tmux is not installed (Debian: tmux)")
def test_the_readme_tmux_status_right(goal: None, tmp_path: Path) -> None:
    conf = readme_setup("tmux-status", tmp_path, "tmux.conf")
    socket = f"dpt-test-{tmp_path.name}"
    try:
        assert screen_shows(["tmux", "-L", socket, "-f", str(conf), "new-session",
                             "sleep 60"], LINE, tmp_path)
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, check=False)
