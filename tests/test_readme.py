"""The README as a newcomer reads it: a table of contents that reaches every section, install
advice true to the package, synopses true to the CLI, and reference data the tests can find
where the README says."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import RunDpt

from tests.analysis.conftest import find_shared_data

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def sections() -> list[str]:
    return re.findall(r"^## (.+)$", README, re.M)


def test_the_two_commands_stay_at_the_top() -> None:
    top = README[:README.index("\n## ")]
    assert "python -m pip install . && dpt demo" in top
    assert ("<!-- test-command -->\n```sh\n"
            "python -m pip install -e '.[test]' && python -m pytest\n") in top


def test_the_contents_list_every_section_in_order() -> None:
    contents = README[README.index("## Contents\n"):]
    contents = contents[:contents.index("\n## ", 1)]
    listed = re.findall(r"^- \[([^\]]+)\]\(#([^)]+)\)", contents, re.M)
    assert [title for title, _ in listed] == [s for s in sections() if s != "Contents"]
    assert all(anchor == slug(title) for title, anchor in listed)


def test_every_link_inside_the_readme_reaches_a_heading() -> None:
    anchors = {slug(h) for h in re.findall(r"^#+ (.+)$", README, re.M)}
    assert set(re.findall(r"\]\(#([^)]+)\)", README)) <= anchors


def test_install_advice_names_the_python_the_package_needs() -> None:
    needs = re.search(r'^requires-python = ">=([\d.]+)"$',
                      (ROOT / "pyproject.toml").read_text(), re.M)
    assert needs is not None
    least = needs[1]
    install = README[README.index("## Install\n"):]
    install = install[:install.index("\n## ", 1)]
    assert f"Python {least} or later" in install
    assert "pipx install" in install and "python3 -m venv" in install
    assert "dpt run -- python -m pytest" in install  # tests recorded without a per-venv install


def test_the_demo_synopsis_shows_the_runners_the_cli_takes(run_dpt: RunDpt) -> None:
    shown = re.search(r"--runner \[([a-z|]+)\]", run_dpt("demo", "--help").stdout)
    assert shown is not None
    assert f"`dpt demo [--dir PATH] [--runner {shown[1]}]`" in README
    assert shown[1].split("|")[0] == "auto"


def test_the_reference_data_folder_is_found_where_the_readme_says(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "DPT_SHARED_DATA=~/dpt-reference python -m pytest" in README
    monkeypatch.setenv("DPT_SHARED_DATA", str(tmp_path))
    assert find_shared_data(tmp_path / "elsewhere") == tmp_path  # it wins over any search
    for copied in ("results/jadud-compiler-errors.csv", "results/RED.csv"):
        assert f'"$data/{copied}"' in README


def test_a_clone_made_elsewhere_finds_the_data_beside_the_checkout_it_came_from(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DPT_SHARED_DATA", raising=False)
    (tmp_path / "work" / "shared" / "data").mkdir(parents=True)
    origin, clone = tmp_path / "work" / "main", tmp_path / "elsewhere" / "clone"
    subprocess.run(["git", "init", "-q", str(origin)], check=True)
    subprocess.run(["git", "clone", "-q", str(origin), str(clone)], check=True,
                   capture_output=True)
    assert find_shared_data(origin) == tmp_path / "work" / "shared" / "data"
    assert find_shared_data(clone) == tmp_path / "work" / "shared" / "data"
    subprocess.run(["git", "-C", str(clone), "remote", "remove", "origin"], check=True)
    assert find_shared_data(clone) != tmp_path / "work" / "shared" / "data"


def test_the_event_schema_in_the_docs_names_every_kind_and_declared_field() -> None:
    """docs/events.md's table of what the store accepts against `schema.PAYLOADS`."""
    from dptelemetry.schema import PAYLOADS

    docs = (ROOT / "docs" / "events.md").read_text(encoding="utf-8")
    accepted = docs.split("## What the store accepts", 1)[1]
    rows = {}
    for kinds, fields in re.findall(r"^\| (`[^|]+`) \| (.+) \|$", accepted, re.M):
        for kind in re.findall(r"`(\w+)`", kinds):
            rows[kind] = fields
    assert set(PAYLOADS) <= set(rows)
    for kind, schema in PAYLOADS.items():
        for field in schema.struct.__struct_encode_fields__:
            assert f"`{field}`" in rows[kind], f"{kind}.{field} is not in docs/events.md"


def test_every_command_of_the_language_server_is_in_the_readme_table() -> None:
    from dptelemetry.capture.lsp import commands

    names = {value for value in vars(commands).values()
             if isinstance(value, str) and value.startswith("dpt.")}
    assert len(names) == 7
    assert names <= set(re.findall(r"^\| `(dpt\.[\w.]+)` \|", README, re.M))
