"""The detached recorder the post-commit, post-merge and post-rewrite shims start.

It runs after git has returned, so it may take its time: it reads the commit from git,
links it to a goal, and stores one `commit` event. It never reports to the terminal (the
user's prompt is back by then); a problem becomes one line in `hook-warning` in the data
home (or, when the home cannot take it, in the fallback directory), which the next commit's
shim prints. Whatever fails, the commit event is kept for later where anything can be
written (`record_fail_open`). The event id is derived from the repository
and the sha, so a commit seen twice (an amend inside a rebase is reported by both) is
stored once.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path

from dptelemetry import clock, fallback
from dptelemetry.capture import deferred
from dptelemetry.capture.githooks.git import (
    CommitFacts,
    GitError,
    read_commits,
    repo_root,
    run_git,
)
from dptelemetry.config import data_home, load_config
from dptelemetry.events import Event, EventKind, new_event_id
from dptelemetry.goal_file import read_active_goal_file
from dptelemetry.goals import Goal, goal_titled, load_goals
from dptelemetry.limits import MAX_NAME
from dptelemetry.privacy import private_event
from dptelemetry.store import Kept, Store, open_store, record_fail_open

WARNING_FILE = "hook-warning"
SHIM_WARNED = "DPT_HOOK_WARNED"
"""Set by a shim that has told the user the data home cannot be written."""
_REFLOG_DEPTH = 50


def commit_event_id(repo: Path, facts: CommitFacts) -> str:
    """The same for every recording of one commit in one repository."""
    return new_event_id(facts.committed, key=f"commit\0{repo}\0{facts.sha}")


def _commit_event(repo: Path, facts: CommitFacts, *, branch: str | None, goal_id: str | None,
                  rewritten_from: str | None, hash_paths: bool) -> Event:
    payload = {
        "sha": facts.sha, "branch": branch and branch[:MAX_NAME], "goal": facts.goal,
        "files": facts.files, "insertions": facts.insertions, "deletions": facts.deletions,
        "rewritten_from": rewritten_from, "merge": len(facts.parents) > 1,
    }
    return private_event(Event(kind=EventKind.COMMIT.value, ts=clock.now(), source="git",
                               payload=payload, goal_id=goal_id, repo=str(repo),
                               id=commit_event_id(repo, facts)), hash_paths)


def _made_by(repo: Path, sha: str) -> str:
    """What HEAD's reflog says made `sha` ("commit (amend): ...", "merge topic: ...")."""
    log = run_git(["log", "-g", f"-n{_REFLOG_DEPTH}", "--format=%H %gs", "HEAD", "--"], cwd=repo)
    for line in log.splitlines():
        found, _, subject = line.partition(" ")
        if found == sha:
            return subject
    return ""


def _recorded_elsewhere(hook: str, action: str) -> bool:
    """An amend is reported by post-rewrite, with the commit it replaces; a fast-forward
    merge made no commit here (the ones it brings were made, and recorded, elsewhere)."""
    if hook == "merge":
        return "Merge made by" not in action
    return action.startswith("commit (amend)")


class _Linker:
    """Finds the goal a commit belongs to, from what the store knows (if it opened)."""

    def __init__(self, store: Store | None, home: Path) -> None:
        self.store = store
        self.active = read_active_goal_file(home)
        self.goals: list[Goal] = load_goals(store) if store else []

    def for_new(self, facts: CommitFacts) -> str | None:
        """The trailer's goal; an untagged commit belongs to the goal active now."""
        if self.active and (facts.goal is None or facts.goal == self.active.title):
            return self.active.goal_id
        return self._titled(facts)

    def for_rewrite(self, facts: CommitFacts, old: CommitFacts | None,
                    recorded: dict[str, str | None]) -> str | None:
        """The old commit's goal while the trailer is unchanged, else the trailer's goal: a
        rewrite never adopts the goal that happens to be active."""
        if old is not None and old.goal == facts.goal and recorded.get(old.sha):
            return recorded[old.sha]
        return self._titled(facts)

    def _titled(self, facts: CommitFacts) -> str | None:
        goal = goal_titled(self.goals, facts.goal, facts.authored) if facts.goal else None
        return goal.id if goal else None

    def recorded_goals(self, repo: Path, commits: list[CommitFacts]) -> dict[str, str | None]:
        return recorded_goals(self.store, repo, commits) if self.store else {}


def recorded_goals(store: Store, repo: Path, commits: list[CommitFacts]
                   ) -> dict[str, str | None]:
    """sha -> goal id, for those of `commits` the store has recorded."""
    ids = {commit_event_id(repo, facts): facts.sha for facts in commits}
    return {ids[e.id]: e.goal_id for e in store.events_with_ids(ids)}


def _commit_events(store: Store | None, home: Path, repo: Path, hook: str,
                   args: Sequence[str], pairs: str, hash_paths: bool) -> list[Event]:
    linker = _Linker(store, home)
    if hook in ("commit", "merge"):
        sha, head = args[0], (args[1] if len(args) > 1 else "HEAD")
        if _recorded_elsewhere(hook, _made_by(repo, sha)):
            return []
        facts = read_commits(repo, [sha])[sha]
        return [_commit_event(repo, facts, branch=None if head == "HEAD" else head,
                              goal_id=linker.for_new(facts), rewritten_from=None,
                              hash_paths=hash_paths)]
    rewritten: dict[str, str] = {}  # new -> old; a squash maps several old to one new
    for line in pairs.splitlines():
        words = line.split()
        if len(words) >= 2 and words[0] != words[1]:
            rewritten.setdefault(words[1], words[0])
    commits = read_commits(repo, [*rewritten, *rewritten.values()])
    recorded = linker.recorded_goals(
        repo, [commits[old] for old in rewritten.values() if old in commits])
    branch = run_git(["branch", "--show-current"], cwd=repo).strip() or None
    return [_commit_event(repo, commits[new], branch=branch, rewritten_from=old,
                          goal_id=linker.for_rewrite(commits[new], commits.get(old), recorded),
                          hash_paths=hash_paths)
            for new, old in rewritten.items()]


def record(hook: str, args: Sequence[str], pairs: str, cwd: Path) -> tuple[list[str], Kept]:
    """Store the commit events for one hook call: (config warnings, what became of them).

    `hook` is `commit` or `merge` (args: sha, branch) or `rewrite` (args: amend|rebase;
    `pairs` holds git's "old new" lines).
    """
    home = data_home()
    config = load_config()
    hash_paths = config.privacy.hash_paths
    repo = repo_root(cwd)
    events = None
    try:
        with open_store(home) as store:
            events = _commit_events(store, home, repo, hook, args, pairs, hash_paths)
            store.append(events)
        kept = Kept(None)
    except GitError:  # git itself failed: asking it again without the store cannot help
        raise
    except Exception:  # whatever else failed, keep the facts for later, with goal links if made
        if events is None:  # the store could not even be read
            events = _commit_events(None, home, repo, hook, args, pairs, hash_paths)
        kept = record_fail_open(events, home, timeout=5.0)
    return list(config.warnings), kept


def record_detached(hook: str, args: Sequence[str], pairs: str) -> None:
    """Entry point for the shims: never raises, leaves any problem in `hook-warning`.

    A shim that found the data home unwritable has said so already (SHIM_WARNED): then only
    a commit that could not be kept anywhere is worth another warning.
    """
    with contextlib.suppress(OSError):
        os.setsid()  # out of the terminal's process group: a Ctrl-C after commit spares us
    try:
        warnings, kept = record(hook, args, pairs, Path.cwd())
    except Exception as exc:
        warnings, kept = [], Kept(f"commit not recorded: {type(exc).__name__}: {exc}", True)
    if kept.warning and (kept.lost or not os.environ.get(SHIM_WARNED)):
        warnings.append(kept.warning)
    if warnings:
        line = "; ".join(" ".join(w.removeprefix("dptelemetry: ").split()) for w in warnings)
        with contextlib.suppress(Exception):
            _leave_warning(data_home(), line)


def _leave_warning(home: Path, line: str) -> None:
    """Where the next commit's shim looks: the data home, else the fallback directory. If
    neither takes the text, an empty file in the home still says that something failed."""
    target = home / WARNING_FILE
    try:
        deferred.leave(target, line + "\n")
        return
    except OSError:
        pass
    try:
        deferred.leave(fallback.make_directory(home) / WARNING_FILE, line + "\n")
    except OSError:
        deferred.leave(target, "")
