"""With `privacy.hash_paths`, no name from your files reaches the data home, whichever capture
point saw it: the language server, the git hooks, the pytest plugin or `dpt run`."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from pathlib import Path

import msgspec
from conftest import RunDpt

from dptelemetry.events import Event
from dptelemetry.privacy import PAYLOAD_NAMES, hashed
from dptelemetry.schema import PAYLOADS
from dptelemetry.store import open_store, store_path
from tests.lsp.rawlsp import start_server
from tests.lsp.test_privacy import files_holding

USER_TEXTS = {"title", "target", "weakness", "note", "text", "goal", "drill", "constraints",
              "from", "to"}
"""What you type to be recorded (a goal, its note, a stuck moment; a commit's trailer names
the goal): kept as typed, within their limits (dptelemetry/limits.py)."""
VOCABULARY = {"language", "client", "server_version", "reason", "runner", "outcome",
              "impulse", "sha", "rewritten_from", "signal", "moment"}
"""Words from a fixed set or made by a program (a language id, an editor's name, a sha, a
strain signal's name)."""
NOTHING_OF_YOURS = {"nudge", "drill_rename"}
"""Kinds that hold no name from your files (only vocabulary, numbers and what you typed, as
the test above checks), so the secret's journey below need not pass through them."""


def _holds_text(info: msgspec.inspect.Type) -> bool:
    if isinstance(info, msgspec.inspect.StrType | msgspec.inspect.LiteralType):
        return True
    inner = [getattr(info, name) for name in ("item_type", "value_type") if hasattr(info, name)]
    inner += list(getattr(info, "types", ()) or getattr(info, "item_types", ()))
    return any(_holds_text(t) for t in inner)


def test_every_text_field_of_every_kind_is_hashed_typed_by_you_or_vocabulary() -> None:
    for kind, schema in PAYLOADS.items():
        info = msgspec.inspect.type_info(schema.struct)
        assert isinstance(info, msgspec.inspect.StructType)
        for field in info.fields:
            if _holds_text(field.type):
                hidden = field.encode_name in PAYLOAD_NAMES.get(kind, {})
                assert hidden or field.encode_name in USER_TEXTS | VOCABULARY, (
                    f"{kind}.{field.encode_name} holds text: hash it (dptelemetry/privacy.py) or "
                    "say here why it cannot hold a name from the user's files")


def _stored(home: Path) -> list[Event]:
    if not store_path(home).exists():
        return []
    with open_store(home) as store:
        return list(store.iter_events())


def _wait_for(home: Path, kind: str, count: int) -> list[Event]:
    """Detached recorders (hooks, the pytest plugin's) store a little after their host."""
    deadline = time.monotonic() + 60
    while True:
        found = [e for e in _stored(home) if e.kind == kind]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_no_name_from_your_files_reaches_the_data_home_through_any_capture_point(
        run_dpt: RunDpt, dpt_home: Path, tmp_path: Path) -> None:
    secret = f"Sekrit{uuid.uuid4().hex[:12]}"
    Path(tmp_path / "dpt-config.toml").write_text("[privacy]\nhash_paths = true\n")
    repo = tmp_path / f"kata_{secret}"
    (repo / "pkg").mkdir(parents=True)
    git = ["git", "-C", str(repo)]
    subprocess.run([*git, "init", "-q", "-b", f"topic/{secret}"], check=True)
    assert run_dpt("hooks", "install", "--repo", str(repo)).returncode == 0
    assert run_dpt("goal", "start", "Bowling kata", "--target", "five green",
                   "--weakness", "naming", "--timebox", "45m").returncode == 0
    test_file = repo / "pkg" / f"test_{secret}_file.py"
    test_file.write_text(
        "import pytest\n\n\n"
        f"class {secret}Error(Exception):\n    pass\n\n\n"
        f'@pytest.mark.parametrize("p", ["{secret}_param"])\n'
        f"def test_{secret}_func(p):\n    raise {secret}Error(p)\n")

    # the pytest plugin, then `dpt run`, each records the same failing test
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "pkg"],
                   cwd=repo, capture_output=True, check=False)
    _wait_for(dpt_home, "test_run", 1)
    ran = run_dpt("run", "--", sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                  "pkg", cwd=repo, env={"COLUMNS": "300"})  # summary lines not cut short
    assert ran.returncode == 1
    # the git hooks: a commit on the secret branch, in the secret repository
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", f"add {secret}\n\nbody {secret}"], check=True)
    # the language server: the secret file opened, typed in, saved, closed; a stuck moment
    server, client = start_server()
    try:
        client.request("initialize", {"processId": None, "capabilities": {},
                                      "rootUri": repo.as_uri(),
                                      "clientInfo": {"name": "privacy-test"}})
        client.notify("initialized", {})
        uri = test_file.as_uri()
        client.open(uri, test_file.read_text())
        client.type(uri, 0, 0, f"# {secret}\n")
        client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
        client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        client.request("workspace/executeCommand", {"command": "dpt.stuck",
                                                    "arguments": ["mocking the clock"]})
        client.request("shutdown")
        client.notify("exit")
        server.wait(20)
    finally:
        server.kill()
    assert run_dpt("goal", "end", "--rating", "7", "--note", "smaller steps").returncode == 0

    runs = _wait_for(dpt_home, "test_run", 2)
    commits = _wait_for(dpt_home, "commit", 1)
    assert {e.kind for e in _stored(dpt_home)} >= set(PAYLOADS) - NOTHING_OF_YOURS  # every kind
    assert files_holding(dpt_home, secret) == []
    # stably hashed: the same failure from both runners, so EQ and RED still see a repeat
    assert [r.payload["failures"] for r in runs] == [
        [[hashed(f"pkg/test_{secret}_file.py::test_{secret}_func[{secret}_param]"),
          hashed(f"{secret}Error")]]] * 2
    assert commits[0].payload["branch"] == hashed(f"topic/{secret}")
