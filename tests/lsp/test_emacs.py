"""A real editor: Emacs with eglot and the README's set-up, in batch mode.

The set-up runs `dpt lsp` next to pylsp through the rassumfrassum multiplexer for Python,
and `dpt lsp` alone for text files: both are tried as written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import RunDpt

from .editors import edit_in_emacs, emacs_has, needs_editor, readme_setup, screen_shows

SESSION = Path(__file__).with_name("emacs_session.el")


pytestmark = needs_editor(emacs_has("eglot"), "Emacs with eglot is not installed (Debian "
                          "packages: emacs-nox elpa-eglot)")


@pytest.mark.parametrize(("name", "language", "server"), [
    ("kata.py", "python", "pylsp+dptelemetry"),  # through rass, beside pylsp
    ("notes.txt", "text", "dptelemetry"),        # dpt lsp alone
])
def test_the_readme_emacs_eglot_setup_works_as_written(
        dpt_home: Path, tmp_path: Path, name: str, language: str, server: str) -> None:
    events, output = edit_in_emacs(SESSION, "emacs-eglot-setup", tmp_path / "kata" / name,
                                   dpt_home, tmp_path)
    assert f"server: {server}\n" in output
    kinds = [e.kind for e in events]
    assert kinds[:2] == ["lsp_start", "open"] and kinds[-3:] == ["save", "close", "lsp_stop"]
    assert set(kinds[2:-3]) == {"edit"}
    assert events[1].payload == {"language": language, "lines": 4}
    assert {(e.repo, e.path) for e in events[1:-1]} == {(str(tmp_path / "kata"), name)}
    edits = [e.payload for e in events if e.kind == "edit"]  # eglot sends changes when idle
    assert sum(p["inserted"] for p in edits) == len(" typed")
    assert sum(p["deleted"] for p in edits) == len("second ") + len("first line typed\n")



def test_the_readme_emacs_mode_line_shows_the_line_commands_text(
        dpt_home: Path, tmp_path: Path, run_dpt: RunDpt) -> None:
    """Emacs in a terminal (its mode line is not drawn in batch mode), with the snippet."""
    init = readme_setup("emacs-mode-line", tmp_path, "init.el")
    assert run_dpt("goal", "start", "Bowling kata", "--timebox", "30m").returncode == 0
    assert screen_shows(["emacs", "-nw", "-Q", "-l", str(init)], " Bowling kata: 30m left ",
                        tmp_path)
