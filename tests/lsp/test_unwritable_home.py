"""`dpt lsp` with a data home that cannot take a write (under a regular file; on a really full
disk), and with a config file that is not TOML: the editor notices nothing, the edits wait
elsewhere until the home works again, and the server says why once, on stderr (which editors
keep in their log for it) when its own log cannot be written."""

from __future__ import annotations

from pathlib import Path

import pytest
from smalldisk import UnwritableHome

from dptelemetry import fallback
from dptelemetry.capture.lsp.log import LOG_FILE
from dptelemetry.store import open_store

from .rawlsp import start_server


def typed_edits(home: Path) -> int:
    with open_store(home) as store:  # opening it reads back what waited elsewhere
        return len(store.events_between(0, 2**40, kinds=["edit"]))


def test_edits_wait_elsewhere_and_the_server_says_why_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        unwritable_home: UnwritableHome) -> None:
    home = unwritable_home.home
    monkeypatch.setenv("DPT_HOME", str(home))
    process, client = start_server()
    try:
        client.initialize()
        uri = (tmp_path / "a.py").as_uri()
        client.open(uri, "x\n")
        for column in range(10):
            client.type(uri, 0, column, "y")
        assert client.flush()["result"] == {"written": 0, "spooled": 12}  # start, open
        for column in range(10, 20):
            client.type(uri, 0, column, "y")
        assert client.flush()["result"] == {"written": 0, "spooled": 22}
        client.request("shutdown")
        client.notify("exit")
        assert process.wait(10) == 0
    finally:
        process.kill()
    assert process.stderr is not None
    said = [line for line in process.stderr.read().decode().splitlines()
            if "cannot write the store" in line]
    assert len(said) == 1, said
    assert unwritable_home.why in said[0]
    assert said[0].endswith(f"events wait in {fallback.directory(home)}/spool until it can "
                            "take them")
    assert not home.is_dir() or list(home.rglob("*.tmp")) == []
    unwritable_home.mend()
    assert typed_edits(home) == 20


def test_a_config_file_that_is_not_toml_is_logged_and_edits_are_recorded(
        dpt_home: Path, tmp_path: Path) -> None:
    config = tmp_path / "dpt-config.toml"  # DPT_CONFIG, from the autouse fixture
    config.write_text("x = = [\n")
    process, client = start_server()
    try:
        client.initialize()
        uri = (tmp_path / "a.py").as_uri()
        client.open(uri, "x\n")
        client.type(uri, 0, 1, "y")
        assert client.flush()["result"]["written"] == 3
        client.request("shutdown")
        client.notify("exit")
        assert process.wait(10) == 0
    finally:
        process.kill()
    [line] = (dpt_home / LOG_FILE).read_text().splitlines()
    assert (f"config file {config} is not valid TOML: Invalid value (at line 1, column 5); "
            "using the defaults, with paths stored hashed until it is fixed") in line
    assert typed_edits(dpt_home) == 1
