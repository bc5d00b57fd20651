"""Running git, and the few facts about commits dptelemetry reads from it.

Plain `git` subprocesses: one process per question, no GitPython start-up cost, nothing
left running. `GIT_INDEX_FILE` is dropped from the environment: inside a hook it may name a
temporary index that is gone by the time a detached recorder asks its questions.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from dptelemetry.errors import DptError
from dptelemetry.limits import GOAL_TITLE

TRAILER_KEY = "Practice-Goal"

# One record a commit: it starts with RS, its fields end with NUL, its numstat lines follow.
_FIELDS = ("%H", "%P", "%at", "%ct", f"%(trailers:key={TRAILER_KEY},valueonly,separator=%x1f)",
           "%s")
_FORMAT = "%x1e" + "".join(f"{field}%x00" for field in _FIELDS)


class GitError(DptError):
    """git is missing, the path is not a repository, or a git command failed."""


def git_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("GIT_INDEX_FILE", None)
    return env


def run_git(args: list[str], cwd: Path | None = None, input: str | None = None) -> str:
    """stdout of `git ARGS`; GitError with git's own first line when it fails."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, env=git_env(), input=input,
                              capture_output=True, text=True, encoding="utf-8",
                              errors="replace", check=False)
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        raise GitError(lines[0] if lines else f"git {args[0]} failed ({done.returncode})")
    return done.stdout


def repo_root(path: Path) -> Path:
    """The top of the worktree that holds `path`."""
    if not path.is_dir():
        raise GitError(f"not a git repository: {path} (no such directory)")
    try:
        return Path(run_git(["rev-parse", "--show-toplevel"], cwd=path).strip())
    except GitError:
        raise GitError(f"not a git repository: {path}") from None


@dataclass(frozen=True)
class CommitFacts:
    sha: str
    parents: tuple[str, ...]
    authored: float
    committed: float
    goal: str | None
    """The first Practice-Goal trailer value, if the message has one."""
    subject: str
    files: int = 0
    insertions: int = 0
    deletions: int = 0


def _parse(text: str) -> list[CommitFacts]:
    commits = []
    for record in text.split("\x1e")[1:]:
        sha, parents, authored, committed, goals, subject, numstat = record.split("\x00")
        values = [v.strip() for v in goals.split("\x1f") if v.strip()]
        files = insertions = deletions = 0
        for line in numstat.splitlines():
            added, _, rest = line.partition("\t")
            removed, _, path = rest.partition("\t")
            if path:
                files += 1
                insertions += int(added) if added.isdigit() else 0  # "-": a binary file
                deletions += int(removed) if removed.isdigit() else 0
        commits.append(CommitFacts(
            sha=sha, parents=tuple(parents.split()), authored=float(authored),
            committed=float(committed), subject=subject,
            goal=values[0][:GOAL_TITLE.chars] if values else None,  # none longer: no match
            files=files, insertions=insertions, deletions=deletions,
        ))
    return commits


def read_commits(repo: Path, shas: list[str]) -> dict[str, CommitFacts]:
    """These commits with their change counts (a merge: against its first parent)."""
    if not shas:
        return {}
    out = run_git(["log", "--stdin", "--no-walk=unsorted", "--diff-merges=first-parent", "-M",
                   "--numstat", f"--format={_FORMAT}", "--"], cwd=repo, input="\n".join(shas))
    return {facts.sha: facts for facts in _parse(out)}


def history(repo: Path) -> list[CommitFacts]:
    """Every commit reachable from HEAD or a local branch, newest first (no change counts)."""
    try:
        run_git(["rev-parse", "--verify", "-q", "HEAD"], cwd=repo)
    except GitError:
        return []
    out = run_git(["log", "HEAD", "--branches", f"--format={_FORMAT}", "--"], cwd=repo)
    return _parse(out)


def rewritten_pairs(repo: Path, command: str) -> str:
    """git's post-rewrite input ("old new" lines), rebuilt for a hook manager that does not
    pass it on (pre-commit): a finishing rebase still has its list on disk, and an amend
    is the newest entry of HEAD's reflog."""
    git_dir = Path(run_git(["rev-parse", "--absolute-git-dir"], cwd=repo).strip())
    if command == "rebase":
        for name in ("rebase-merge/rewritten-list", "rebase-apply/rewritten"):
            with contextlib.suppress(OSError):
                return (git_dir / name).read_text(encoding="utf-8")
        return ""
    newest = run_git(["log", "-g", "-2", "--format=%H %gs", "HEAD", "--"], cwd=repo).splitlines()
    if len(newest) == 2 and newest[0].split(" ", 1)[1].startswith("commit (amend)"):
        return f"{newest[1].split()[0]} {newest[0].split()[0]}\n"
    return ""
