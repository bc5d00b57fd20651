"""A real editor: Vim 9 with ALE and the README's set-up, headless (silent Ex mode)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from .editors import edit_counts, edit_in_editor, needs_editor, readme_setup

SESSION = Path(__file__).with_name("vim_session.vim")


def _has_ale() -> bool:
    if shutil.which("vim") is None:
        return False
    probe = subprocess.run(["vim", "-N", "-u", "NONE", "-i", "NONE", "-es", "-c",
                            "packadd ale | if !exists('g:loaded_ale') | cquit 1 | endif | qall!"],
                           capture_output=True, timeout=60, check=False)
    return probe.returncode == 0


pytestmark = needs_editor(_has_ale(), "Vim with ALE is not installed (Debian packages: vim "
                          "vim-ale)")


def test_the_readme_vim_ale_setup_works_as_written(dpt_home: Path, tmp_path: Path) -> None:
    init = readme_setup("vim-ale-setup", tmp_path, "vimrc")
    source = tmp_path / "kata" / "kata.py"
    events, _ = edit_in_editor(["vim", "-N", "-u", str(init), "-i", "NONE", "-n", "-es",
                                "-S", str(SESSION)], source, dpt_home)
    assert [e.kind for e in events] == (
        ["lsp_start", "open"] + ["edit"] * 3 + ["save", "close", "lsp_stop"])
    assert "client" not in events[0].payload  # ALE sends no client name
    assert events[1].payload == {"language": "python", "lines": 4}
    assert {(e.repo, e.path) for e in events[1:-1]} == {(str(source.parent), "kata.py")}
    # ALE sends the whole document after each change, and again, unchanged, before the save:
    # that one is no edit.
    assert edit_counts(events) == [(len(" typed"), 0, 0), (0, len("second "), 1),
                     (0, len("first line typed\n"), 0)]
    assert events[-1].payload["reason"] == "signal"  # no shutdown: Vim stops the job
