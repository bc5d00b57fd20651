"""The git side of sync and sharing: a private clone in the data home that dptelemetry
commits to, pulls with rebase and pushes, retrying a lost push race.

GitPython runs git, so credentials are git's own (ssh agent, credential helper); dptelemetry
never stores any. The clone runs no hooks and signs nothing: the user's global hooks (ours
included) must not tag or block the machine's own bookkeeping commits.
"""

from __future__ import annotations

import random
import shutil
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dptelemetry.errors import DptError

if TYPE_CHECKING:
    from git import Repo

PUSH_ATTEMPTS = 5
"""How often a push that lost a race is retried (after pulling the winner's commits)."""


class RemoteError(DptError):
    """The remote cannot be reached or refused us; local work is kept."""


@dataclass(frozen=True)
class PushResult:
    pushed: bool
    """False when the remote could not be reached: the commits wait for the next run."""
    problem: str = ""


def _problem(exc: Exception) -> str:
    """What git said, in one line: the remote's own words when it gave any."""
    stderr = str(getattr(exc, "stderr", "") or exc).replace("stderr:", "")
    lines = [line.strip().strip("'").strip() for line in stderr.splitlines()]
    lines = [line for line in lines if line]
    remote = [line.removeprefix("remote:").strip() for line in lines
              if line.startswith("remote:") and line.removeprefix("remote:").strip()]
    if remote:
        return "; ".join(remote)
    return lines[-1] if lines else str(exc)


def _declined(exc: Exception) -> bool:
    """The remote refused the push on purpose (a server-side hook), not because we lost a
    race (rejected as behind, or "cannot lock ref" while another push lands): trying again
    cannot help."""
    return "hook declined" in str(getattr(exc, "stderr", "") or exc)


@contextmanager
def open_clone(folder: Path) -> Iterator[Repo]:
    from git import InvalidGitRepositoryError, NoSuchPathError, Repo

    try:
        repo = Repo(folder)
    except (InvalidGitRepositoryError, NoSuchPathError):
        raise DptError(f"{folder} is not a git clone made by dpt; run the init command "
                       "again") from None
    with repo:
        yield repo


def clone(url: str, folder: Path, identity: str) -> None:
    """Clone `url` (an empty remote is fine) into `folder`, set up for machine commits; a
    clone already there is replaced. `folder`'s parent must exist (private to its owner)."""
    from git import GitCommandError, Repo

    if folder.exists():
        shutil.rmtree(folder)
    try:
        repo = Repo.clone_from(url, folder, env={"GIT_TERMINAL_PROMPT": "0"})
    except GitCommandError as exc:
        raise RemoteError(f"cannot clone {url}: {_problem(exc)}") from None
    with repo:
        hooks = folder / ".git" / "dpt-no-hooks"
        hooks.mkdir(exist_ok=True)
        with repo.config_writer() as config:
            config.set_value("core", "hooksPath", str(hooks))
            config.set_value("commit", "gpgsign", "false")
            config.set_value("user", "name", f"dptelemetry ({identity})")
            config.set_value("user", "email", f"{identity}@dptelemetry.invalid")
            config.set_value("pull", "rebase", "true")
        if not repo.head.is_valid():
            branches = [ref.remote_head for ref in repo.remote().refs if ref.remote_head != "HEAD"]
            if branches:  # a remote without HEAD but with branches: follow the first
                repo.git.checkout("-b", branches[0], f"origin/{branches[0]}")
            else:
                repo.git.symbolic_ref("HEAD", "refs/heads/main")


def branch(repo: Repo) -> str:
    return repo.head.ref.name


def commit(repo: Repo, paths: Sequence[str], message: str) -> bool:
    """Stage `paths` and commit them; False when nothing changed."""
    repo.git.add("--", *paths)
    if repo.head.is_valid() and not repo.index.diff("HEAD"):
        return False
    if not repo.head.is_valid() and not repo.index.entries:
        return False
    repo.git.commit("-m", message, "--no-verify")
    return True


def discard_uncommitted(repo: Repo, folder: str) -> None:
    """Drop lines a run appended under `folder` but died before committing: they are
    written again, so the journal never holds them twice."""
    if repo.head.is_valid() and repo.git.ls_files("--", folder):
        repo.git.checkout("HEAD", "--", folder)
    repo.git.clean("-fdq", "--", folder)


def _remote_has(repo: Repo, name: str) -> bool:
    return any(ref.remote_head == name for ref in repo.remote().refs)


def pull(repo: Repo) -> PushResult:
    """Fetch and rebase our unpushed commits on top. They touch only our own files, so in a
    journal the rebase cannot conflict; in a cohort a mentor may have changed a learner's
    file, and then the rebase is undone and git's words are given. An unreachable remote is
    not an error: we work offline."""
    from git import GitCommandError

    try:
        repo.git.fetch("origin", env={"GIT_TERMINAL_PROMPT": "0"})
    except GitCommandError as exc:
        return PushResult(False, _problem(exc))
    name = branch(repo)
    if _remote_has(repo, name):
        if repo.head.is_valid():
            try:
                repo.git.rebase(f"origin/{name}")
            except GitCommandError as exc:
                with suppress(GitCommandError):
                    repo.git.rebase("--abort")
                raise RemoteError(f"cannot put this machine's commits on top of what the "
                                  f"remote holds: {_problem(exc)}") from None
        else:
            repo.git.reset("--hard", f"origin/{name}")
    return PushResult(True)


def unpushed(repo: Repo) -> int:
    """Commits on our branch that the remote does not have yet."""
    if not repo.head.is_valid():
        return 0
    name = branch(repo)
    if not _remote_has(repo, name):
        return int(repo.git.rev_list("--count", "HEAD"))
    return int(repo.git.rev_list("--count", f"origin/{name}..HEAD"))


def push(repo: Repo) -> PushResult:
    """Push our commits; on a lost race pull the winner's and try again. Never forces."""
    from git import GitCommandError

    if not unpushed(repo):
        return PushResult(True)
    name = branch(repo)
    problem = ""
    for attempt in range(PUSH_ATTEMPTS):
        try:
            repo.git.push("origin", f"HEAD:refs/heads/{name}",
                          env={"GIT_TERMINAL_PROMPT": "0"})
            return PushResult(True)
        except GitCommandError as exc:
            problem = _problem(exc)
            if _declined(exc):
                raise RemoteError(f"the remote refused the push: {problem}") from None
        fetched = pull(repo)
        if not fetched.pushed:
            return fetched
        time.sleep(random.uniform(0.05, 0.2) * (attempt + 1))
    raise RemoteError(f"the push was rejected {PUSH_ATTEMPTS} times ({problem}); "
                      "your commits are kept and go out at the next run")
