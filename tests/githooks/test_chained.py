"""Hooks that were there before `dpt hooks install` run exactly as git would run them: the
real husky 9 (from npm) and the pre-commit framework's generated hooks, blocking and
passing, before install, after install and after uninstall; `$0`, arguments, input,
directory and exit status of hand-written hooks too."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from gitrepo import Git, RunDpt, commit_events, goal_trailers

GOAL = "Bowling kata"
HUSKY_BIN = Path("node_modules") / "husky" / "bin.js"


@pytest.fixture(scope="session")
def husky(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """husky 9 installed from npm once per session: the path of its `bin.js`."""
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        reason = "npm and node are needed to install husky 9"
        if os.environ.get("DPT_REQUIRE_NPM"):
            pytest.fail(reason + " and DPT_REQUIRE_NPM is set")
        pytest.skip(reason)
    where = tmp_path_factory.mktemp("husky")
    done = subprocess.run([npm, "install", "--prefer-offline", "--no-audit", "--no-fund",
                           "husky@9"], cwd=where, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, f"npm install husky@9 failed:\n{done.stdout}{done.stderr}"
    return where / HUSKY_BIN


def snapshot(directory: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mode) for p in sorted(directory.iterdir())}


def commit(git: Git, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    if cwd is None:
        return git("commit", "--allow-empty", *args, check=False)
    return subprocess.run(["git", "commit", "--allow-empty", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=60, check=False)


def husky_project(repo: Path, husky: Path, log: Path) -> None:
    """husky's own set-up (`.husky/_`, core.hooksPath), with user scripts that block a
    message saying BLOCK, add a line to every message, and log what they were given."""
    done = subprocess.run(["node", str(husky)], cwd=repo, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    scripts = {
        "commit-msg": 'grep -q BLOCK "$1" && { echo "husky says no" >&2; exit 1; }; exit 0',
        "prepare-commit-msg": 'printf "\\nReviewed-by: husky\\n" >> "$1"',
        "post-commit": f'echo "post-commit $(pwd)" >> "{log}"',
        "post-rewrite": f'{{ echo "post-rewrite $1 $(pwd)"; cat; }} >> "{log}"',
    }
    for hook, script in scripts.items():
        (repo / ".husky" / hook).write_text(script + "\n")


def test_husky_blocks_and_passes_before_after_install_and_after_uninstall(
        repo: Path, git: Git, husky: Path, run_dpt: RunDpt, start_goal: Callable[..., None],
        dpt_home: Path, tmp_path: Path) -> None:
    log = tmp_path / "husky.log"
    husky_project(repo, husky, log)
    hooks = repo / ".husky" / "_"
    assert git("config", "core.hooksPath").stdout.strip() == ".husky/_"
    pristine = snapshot(hooks)
    subdir = repo / "src"
    subdir.mkdir()

    def blocks_and_passes(phase: str, count: int) -> None:
        blocked = commit(git, "-m", f"BLOCK {phase}")
        assert blocked.returncode == 1, blocked.stdout + blocked.stderr
        assert "husky says no" in blocked.stderr
        assert "husky - commit-msg script failed (code 1)" in blocked.stdout + blocked.stderr
        passed = commit(git, "-m", f"fine {phase}", cwd=subdir)
        assert passed.returncode == 0, passed.stdout + passed.stderr
        assert "Reviewed-by: husky" in git("log", "-1", "--format=%B").stdout
        assert git("rev-list", "--count", "HEAD").stdout.strip() == str(count)

    blocks_and_passes("before", 1)
    before_lines = log.read_text().splitlines()
    assert before_lines == [f"post-commit {repo}"]  # hooks run at the top of the worktree

    start_goal(GOAL)
    installed = run_dpt("hooks", "install", "--repo", str(repo))
    assert installed.returncode == 0, installed.stderr
    assert installed.stderr == ""  # husky's hooks are shell scripts: no warning
    assert (hooks / "commit-msg.dpt-legacy").read_bytes() == pristine["commit-msg"][0]
    blocks_and_passes("installed", 2)
    assert goal_trailers(git) == [GOAL]
    old = git("rev-parse", "HEAD").stdout.strip()
    git("commit", "-q", "--amend", "--allow-empty", "-m", "fine, amended")
    new = git("rev-parse", "HEAD").stdout.strip()
    assert log.read_text().splitlines()[1:] == [  # the amend runs post-commit too
        f"post-commit {repo}", f"post-commit {repo}", f"post-rewrite amend {repo}",
        f"{old} {new}"]
    events = {e.payload["sha"]: e for e in commit_events(dpt_home, 2)}
    assert events[new].payload["rewritten_from"] == old

    # `npm install` runs husky again (its `prepare` script): it writes its hooks over our
    # shims. Installing again is not refused: the kept copies are identical, so stale.
    rerun = subprocess.run(["node", str(husky)], cwd=repo, capture_output=True, text=True,
                           timeout=60, check=False)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    status = run_dpt("hooks", "status", "--repo", str(repo)).stdout
    assert ("commit-msg          not installed: another tool wrote its hook over ours (husky "
            "does on npm install); install again\n") in status
    again = run_dpt("hooks", "install", "--repo", str(repo))
    assert again.returncode == 0, again.stderr
    blocks_and_passes("reinstalled", 3)

    removed = run_dpt("hooks", "uninstall", "--repo", str(repo))
    assert removed.returncode == 0, removed.stderr
    assert snapshot(hooks) == pristine
    blocks_and_passes("after", 4)


def test_uninstall_after_husky_rewrote_its_hooks_leaves_husky_as_it_was(
        repo: Path, git: Git, husky: Path, run_dpt: RunDpt, tmp_path: Path) -> None:
    husky_project(repo, husky, tmp_path / "husky.log")
    pristine = snapshot(repo / ".husky" / "_")
    assert run_dpt("hooks", "install", "--repo", str(repo)).returncode == 0
    subprocess.run(["node", str(husky)], cwd=repo, check=True, capture_output=True)
    removed = run_dpt("hooks", "uninstall", "--repo", str(repo))
    assert removed.returncode == 0, removed.stderr
    assert snapshot(repo / ".husky" / "_") == pristine
    assert commit(git, "-m", "BLOCK").returncode == 1


@pytest.fixture
def pre_commit_hooks(repo: Path, git: Git, tmp_path: Path,
                     monkeypatch: pytest.MonkeyPatch) -> Path:
    """The pre-commit framework's own generated hooks in `repo`: a commit-msg check that
    rejects BLOCK, and a post-commit one that logs; returns that log."""
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "pre-commit-cache"))
    log = tmp_path / "pre-commit.log"
    check = "import sys; sys.exit('BLOCK' in open(sys.argv[1]).read())"
    note = f"import os; open({str(log)!r}, 'a').write('post-commit ' + os.getcwd() + '\\n')"
    hooks = [
        {"id": "no-block", "name": "no-block", "language": "system", "stages": ["commit-msg"],
         "entry": f"{sys.executable} -c \"{check}\""},
        {"id": "note", "name": "note", "language": "system", "stages": ["post-commit"],
         "always_run": True, "pass_filenames": False,
         "entry": f"{sys.executable} -c \"{note}\""},
    ]
    (repo / ".pre-commit-config.yaml").write_text(
        yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]}))
    done = subprocess.run([sys.executable, "-m", "pre_commit", "install", "-t", "commit-msg",
                           "-t", "post-commit"], cwd=repo, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    git("add", ".pre-commit-config.yaml")
    return log


def test_pre_commit_hooks_block_and_pass_before_after_install_and_after_uninstall(
        repo: Path, git: Git, pre_commit_hooks: Path, run_dpt: RunDpt,
        start_goal: Callable[..., None], dpt_home: Path) -> None:
    hooks = repo / ".git" / "hooks"
    pristine = snapshot(hooks)
    subdir = repo / "src"
    subdir.mkdir()

    def blocks_and_passes(count: int) -> None:
        blocked = commit(git, "-m", "BLOCK")
        assert blocked.returncode == 1, blocked.stdout + blocked.stderr
        assert "no-block" in blocked.stdout + blocked.stderr
        passed = commit(git, "-m", "fine", cwd=subdir)
        assert passed.returncode == 0, passed.stdout + passed.stderr
        assert git("rev-list", "--count", "HEAD").stdout.strip() == str(count)
        assert pre_commit_hooks.read_text().splitlines()[-1] == f"post-commit {repo}"

    blocks_and_passes(1)
    start_goal(GOAL)
    installed = run_dpt("hooks", "install", "--repo", str(repo))
    assert installed.returncode == 0, installed.stderr
    assert "Kept your commit-msg as commit-msg.dpt-legacy" in installed.stdout
    assert installed.stderr == ""
    blocks_and_passes(2)
    assert goal_trailers(git) == [GOAL]
    assert len(commit_events(dpt_home, 1)) == 1
    removed = run_dpt("hooks", "uninstall", "--repo", str(repo))
    assert removed.returncode == 0, removed.stderr
    assert snapshot(hooks) == pristine
    blocks_and_passes(3)


def write_hook(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(0o755)


@pytest.mark.parametrize("shebang", ["#!/bin/sh", "#!/usr/bin/env sh", "#!/bin/bash",
                                     "#!/usr/bin/env -S bash -e", "#! /bin/sh -e", ""])
def test_a_kept_shell_script_sees_what_git_gives_it(repo: Path, git: Git, run_dpt: RunDpt,
                                                    tmp_path: Path, shebang: str) -> None:
    """The same `$0`, arguments, directory and exit status as without dptelemetry."""
    log = tmp_path / "seen.log"
    hook = repo / ".git" / "hooks" / "commit-msg"
    write_hook(hook, f'{shebang}\necho "$0|$*|$(pwd)" >> "{log}"\n'
                     'grep -q BLOCK "$1" && exit 7\nexit 0\n')
    assert commit(git, "-m", "one").returncode == 0
    assert commit(git, "-m", "BLOCK").returncode == 1
    without = log.read_text()
    log.unlink()
    assert run_dpt("hooks", "install", "--repo", str(repo)).returncode == 0
    assert commit(git, "-m", "one").returncode == 0
    assert commit(git, "-m", "BLOCK").returncode == 1
    assert log.read_text() == without
    assert without.startswith(".git/hooks/commit-msg|.git/COMMIT_EDITMSG|")
    msg = tmp_path / "msg"
    msg.write_text("BLOCK\n")
    direct = subprocess.run([str(hook), str(msg)], cwd=repo, check=False)
    assert direct.returncode == 7  # the shim passes the kept hook's own status on


def test_a_kept_post_rewrite_gets_its_input_byte_for_byte(repo: Path, git: Git,
                                                          run_dpt: RunDpt,
                                                          tmp_path: Path) -> None:
    out = tmp_path / "input"
    hooks = repo / ".git" / "hooks"
    write_hook(hooks / "post-rewrite", f'#!/bin/sh\ncat > "{out}"\nexit 3\n')
    assert run_dpt("hooks", "install", "--repo", str(repo)).returncode == 0
    odd = b"a b\n\n  c\\d  \n\te\tf\ng h"  # blank line, blanks, a backslash, no final newline
    done = subprocess.run([str(hooks / "post-rewrite"), "amend"], cwd=repo, input=odd,
                          capture_output=True, check=False)
    assert done.returncode == 3
    assert out.read_bytes() == odd


def test_a_kept_program_runs_and_install_says_its_name_differs(
        repo: Path, git: Git, run_dpt: RunDpt, tmp_path: Path) -> None:
    log = tmp_path / "argv0"
    write_hook(repo / ".git" / "hooks" / "commit-msg",
               f"#!{sys.executable}\nimport sys\nopen({str(log)!r}, 'w').write(sys.argv[0])\n"
               "sys.exit('BLOCK' in open(sys.argv[1]).read())\n")
    done = run_dpt("hooks", "install", "--repo", str(repo))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ("dpt: warning: your commit-msg is not a shell script, so it runs as "
                           "commit-msg.dpt-legacy: a program that reads its own name from "
                           "argv[0] may behave differently\n")
    assert commit(git, "-m", "BLOCK").returncode == 1
    assert commit(git, "-m", "fine").returncode == 0
    assert log.read_text() == ".git/hooks/commit-msg.dpt-legacy"


def test_an_install_by_the_previous_version_is_brought_up_to_date_and_uninstalls(
        repo: Path, git: Git, run_dpt: RunDpt) -> None:
    """Earlier versions kept hooks the same way but ran them from their kept name: such an
    install is made current by installing again, and uninstalls byte for byte."""
    hooks = repo / ".git" / "hooks"
    theirs = b'#!/bin/sh\ncase $0 in */commit-msg) ;; *) exit 0 ;; esac\n' \
             b'grep -q BLOCK "$1" && exit 1\nexit 0\n'
    write_hook(hooks / "commit-msg", theirs.decode())
    pristine = snapshot(hooks)
    assert run_dpt("hooks", "install", "--repo", str(repo)).returncode == 0
    shim = hooks / "commit-msg"
    old = shim.read_text().replace("(template ", "(template 0ld")
    old = old.replace('-c ". $dpt_quoted" "$dpt_hook_path"', '-c ". $dpt_quoted" "$dpt_legacy"')
    shim.write_text(old)
    assert commit(git, "-m", "BLOCK").returncode == 0  # the old shim: husky-like check skipped
    status = run_dpt("hooks", "status", "--repo", str(repo)).stdout
    assert "commit-msg          installed, outdated" in status
    assert run_dpt("hooks", "install", "--repo", str(repo)).returncode == 0
    assert commit(git, "-m", "BLOCK").returncode == 1
    assert run_dpt("hooks", "uninstall", "--repo", str(repo)).returncode == 0
    assert snapshot(hooks) == pristine


def test_a_hook_run_by_its_bare_name_still_runs_the_kept_one(repo: Path, run_dpt: RunDpt,
                                                             tmp_path: Path) -> None:
    """`sh post-commit` from the hooks folder: the kept hook is found beside it, never
    looked up in PATH (where `. post-commit.dpt-legacy` would fail and stop a commit-msg)."""
    hooks = repo / ".git" / "hooks"
    marker = tmp_path / "kept-hook-ran"
    kept = hooks / "commit-msg"
    kept.write_text(f'#!/bin/sh\necho "$1" > "{marker}"\n')
    kept.chmod(0o755)
    assert run_dpt("hooks", "install", "--repo", str(repo)).returncode == 0
    (repo / "msg").write_text("a message\n")
    done = subprocess.run(["sh", "commit-msg", str(repo / "msg")], cwd=hooks,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert marker.read_text() == f"{repo / 'msg'}\n"
