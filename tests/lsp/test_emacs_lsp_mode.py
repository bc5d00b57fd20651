"""A real editor: Emacs with lsp-mode and the README's set-up, in batch mode.

The set-up registers `dpt lsp` as an lsp-mode add-on for every file: it runs beside pylsp for
Python and alone for text files; both are tried as written.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .editors import edit_in_editor, emacs_has, readme_setup

SESSION = Path(__file__).with_name("emacs_lsp_mode_session.el")

pytestmark = pytest.mark.skipif(not emacs_has("lsp-mode"), reason="Emacs with lsp-mode is not "
                                "installed (Debian packages: emacs-nox elpa-lsp-mode)")


@pytest.mark.parametrize(("name", "language", "servers"), [
    ("kata.py", "python", "pylsp+dpt"),  # beside pylsp
    ("notes.txt", "plaintext", "dpt"),   # alone
])
def test_the_readme_emacs_lsp_mode_setup_works_as_written(
        dpt_home: Path, tmp_path: Path, name: str, language: str, servers: str) -> None:
    init = readme_setup("emacs-lsp-mode-setup", tmp_path, "init.el")
    events, output = edit_in_editor(["emacs", "--batch", "-l", str(SESSION)],
                                    tmp_path / "kata" / name, dpt_home,
                                    env={"DPT_TEST_INIT": str(init)})
    assert f"servers: {servers}\n" in output
    assert [e.kind for e in events] == (
        ["lsp_start", "open"] + ["edit"] * 8 + ["save", "close", "lsp_stop"])
    assert events[0].payload["client"] == "emacs"
    assert events[1].payload == {"language": language, "lines": 4}
    assert {(e.repo, e.path) for e in events[1:-1]} == {(str(tmp_path / "kata"), name)}
    edits = [(e.payload["inserted"], e.payload["deleted"], e.payload["line"])
             for e in events if e.kind == "edit"]
    assert edits == [(1, 0, 0)] * 6 + [(0, len("second "), 1), (0, len("first line typed\n"), 0)]
    assert events[-1].payload["reason"] == "signal"  # Emacs' SIGHUP as it quits
