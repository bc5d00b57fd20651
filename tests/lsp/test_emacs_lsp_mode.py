"""A real editor: Emacs with lsp-mode and the README's set-up, in batch mode.

The set-up registers `dpt lsp` as an lsp-mode add-on for every file: it runs beside pylsp for
Python and alone for text files; both are tried as written.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .editors import EACH_CHANGE, edit_counts, edit_in_emacs, emacs_has, needs_editor

SESSION = Path(__file__).with_name("emacs_lsp_mode_session.el")

pytestmark = needs_editor(emacs_has("lsp-mode"), "Emacs with lsp-mode is not installed "
                          "(Debian packages: emacs-nox elpa-lsp-mode)")


@pytest.mark.parametrize(("name", "language", "servers"), [
    ("kata.py", "python", "pylsp+dpt"),  # beside pylsp
    ("notes.txt", "plaintext", "dpt"),   # alone
])
def test_the_readme_emacs_lsp_mode_setup_works_as_written(
        dpt_home: Path, tmp_path: Path, name: str, language: str, servers: str) -> None:
    events, output = edit_in_emacs(SESSION, "emacs-lsp-mode-setup", tmp_path / "kata" / name,
                                   dpt_home, tmp_path)
    assert f"servers: {servers}\n" in output
    assert [e.kind for e in events] == (
        ["lsp_start", "open"] + ["edit"] * 8 + ["save", "close", "lsp_stop"])
    assert events[0].payload["client"] == "emacs"
    assert events[1].payload == {"language": language, "lines": 4}
    assert {(e.repo, e.path) for e in events[1:-1]} == {(str(tmp_path / "kata"), name)}
    assert edit_counts(events) == EACH_CHANGE
    assert events[-1].payload["reason"] == "signal"  # Emacs' SIGHUP as it quits
