"""`dpt log`: a repository's commits grouped by the goal their trailer names, and goals that
are attempts of a drill gathered under it.

The trailers are the source (they travel with the history, to clones and other machines);
the store adds what only it knows: when each goal started and ended, so the time from the
goal's start (or its previous commit) to each commit can be shown. Times are author times,
which a rebase or an amend keeps.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from dptelemetry.capture.githooks.git import CommitFacts
from dptelemetry.goals import Goal, goal_titled, one_line


@dataclass(frozen=True)
class LoggedCommit:
    facts: CommitFacts
    since_previous: float | None
    """Seconds from the goal's start or its previous commit; None when the store does not
    know the goal, or the commit falls outside the time the goal ran."""


@dataclass(frozen=True)
class GoalCommits:
    title: str | None
    """The trailer value; None for the commits without a trailer."""
    goal: Goal | None
    commits: tuple[LoggedCommit, ...]
    """Oldest first."""

    @property
    def time_between_commits(self) -> float:
        return sum(c.since_previous or 0.0 for c in self.commits)


def _goal(facts: CommitFacts, goals: Mapping[str, Goal], recorded: Mapping[str, str | None],
          all_goals: list[Goal]) -> Goal | None:
    """The goal the recorder linked this commit to, else the one its trailer names."""
    assert facts.goal is not None
    linked = goals.get(recorded.get(facts.sha) or "")
    if linked is not None and linked.title == one_line(facts.goal):
        return linked
    return goal_titled(all_goals, facts.goal, facts.authored)


def _timed(commits: list[CommitFacts], goal: Goal | None) -> tuple[LoggedCommit, ...]:
    timed, previous = [], None
    for facts in sorted(commits, key=lambda c: c.authored):
        since = None
        if goal is not None:
            start = max(previous if previous is not None else goal.started, goal.started)
            end = goal.ended if goal.ended is not None else float("inf")
            # git keeps whole seconds: a commit in the goal's first second still counts.
            if start - 1 < facts.authored <= end:
                since = max(0.0, facts.authored - start)
        timed.append(LoggedCommit(facts, since))
        previous = facts.authored
    return tuple(timed)


def group_by_goal(history: Iterable[CommitFacts], goals: list[Goal],
                  recorded: Mapping[str, str | None], *, untagged: bool = False,
                  title: str | None = None) -> list[GoalCommits]:
    """Commits per goal, goals in the order of their first commit, untagged ones last.

    `recorded` maps the shas the recorder stored to the goal it linked them to; `title`
    keeps only the goal with that title; `untagged` adds the commits without a trailer.
    """
    by_id = {g.id: g for g in goals}
    groups: dict[object, tuple[str | None, Goal | None, list[CommitFacts]]] = {}
    for facts in history:
        if facts.goal is None:
            if untagged and title is None:
                groups.setdefault(None, (None, None, []))[2].append(facts)
            continue
        if title is not None and one_line(facts.goal) != one_line(title):
            continue
        goal = _goal(facts, by_id, recorded, goals)
        key = goal.id if goal else ("title", facts.goal)
        groups.setdefault(key, (facts.goal, goal, []))[2].append(facts)
    result = [GoalCommits(name, goal, _timed(commits, goal))
              for name, goal, commits in groups.values()]
    return sorted(result, key=lambda g: (g.title is None, g.commits[0].facts.authored))


def by_drill(groups: Sequence[GoalCommits]) -> list[tuple[str | None, list[GoalCommits]]]:
    """The groups gathered per drill, attempts in order, each drill where its first commit
    falls; goals that are no drill's attempt stay apart, one "drill" of None each."""
    drills: dict[str | None, list[GoalCommits]] = {}
    order: list[tuple[str | None, list[GoalCommits]]] = []
    for group in groups:
        drill = group.goal.drill if group.goal is not None else None
        if drill is None:
            order.append((None, [group]))
        elif drill in drills:
            drills[drill].append(group)
        else:
            drills[drill] = [group]
            order.append((drill, drills[drill]))
    for _, members in order:
        members.sort(key=lambda g: (g.goal.attempt or 0) if g.goal is not None else 0)
    return order
