"""Goal drift: practice without a goal, commits without one, time boxes overrun.

Deliberate practice needs a specific goal (DESIGN). The limits are design choices with no
personal baseline. These signals say "focus", not "too hard", so they do not count toward a
session's zone.
"""

from __future__ import annotations

from collections.abc import Mapping

from dptelemetry import hookimpl
from dptelemetry.hookspecs import (
    Config,
    Lever,
    Limits,
    Signal,
    Suggestion,
    Timeline,
    format_duration,
)

NAME = "goal_drift"
DEFAULTS: Mapping[str, object] = {
    "min_active_minutes": 30, "no_goal_warn": 0.5, "no_goal_strong": 0.9,
    "min_commits": 3, "untagged_warn": 0.5, "untagged_strong": 1.0,
    "overrun_warn": 1.25, "overrun_strong": 2.0,
}
BASIS = "a design choice: deliberate practice needs a specific goal"
START_GOAL = Suggestion(Lever.TIME_BLOCK, 'Start each practice block with a goal and a box: '
                        'dpt goal start "..." --timebox 45m')


@hookimpl
def dpt_plugin_settings() -> Mapping[str, object]:
    return DEFAULTS


@hookimpl
def dpt_strain_signals(timeline: Timeline, config: Config) -> list[Signal]:
    found = [_no_goal(timeline, config), _untagged(timeline, config)]
    return [s for s in found if s is not None] + _overruns(timeline, config)


def _no_goal(timeline: Timeline, config: Config) -> Signal | None:
    settings = config.plugin_settings(NAME, DEFAULTS)
    total = timeline.active_seconds
    if total < settings["min_active_minutes"] * 60:
        return None
    free = timeline.goal_seconds().get(None, 0.0)
    limits = Limits.configured(config, NAME, DEFAULTS, "no_goal_warn", "no_goal_strong", BASIS)
    level = limits.severity(free / total)
    if level is None:
        return None
    return Signal(
        name="no_goal", severity=level, start=timeline.sessions[0].start,
        end=timeline.sessions[-1].end,
        summary=f"{format_duration(free)} of {format_duration(total)} active time "
                f"({free / total:.0%}) with no practice goal",
        evidence={"no_goal_s": round(free, 1), "active_s": round(total, 1)},
        threshold=limits.crossed("no_goal_share", free / total),
        suggestion=START_GOAL, struggle=False,
    )


def _untagged(timeline: Timeline, config: Config) -> Signal | None:
    settings = config.plugin_settings(NAME, DEFAULTS)
    commits = timeline.commits
    if len(commits) < settings["min_commits"]:
        return None
    untagged = [c for c in commits if c.goal is None]
    limits = Limits.configured(config, NAME, DEFAULTS, "untagged_warn", "untagged_strong",
                               BASIS)
    level = limits.severity(len(untagged) / len(commits))
    if level is None:
        return None
    return Signal(
        name="untagged_commits", severity=level, start=commits[0].ts, end=commits[-1].ts,
        summary=f"{len(untagged)} of {len(commits)} commits carry no Practice-Goal",
        evidence={"untagged": len(untagged), "commits": len(commits)},
        threshold=limits.crossed("untagged_share", len(untagged) / len(commits)),
        suggestion=START_GOAL, struggle=False,
    )


def _overruns(timeline: Timeline, config: Config) -> list[Signal]:
    limits = Limits.configured(config, NAME, DEFAULTS, "overrun_warn", "overrun_strong", BASIS)
    seconds = timeline.goal_seconds()
    signals = []
    for goal in timeline.goals:
        used = seconds.get(goal.id, 0.0)
        if not goal.timebox or not used:
            continue
        level = limits.severity(used / goal.timebox)
        if level is None:
            continue
        signals.append(Signal(
            name="timebox_overrun", severity=level, start=max(goal.started, timeline.start),
            end=min(goal.ended or timeline.sessions[-1].end, timeline.end),
            summary=f"goal '{goal.title}' had a {format_duration(goal.timebox)} time box and "
                    f"took {format_duration(used)} of active time today",
            evidence={"goal": goal.title, "timebox_s": goal.timebox,
                      "active_s": round(used, 1)},
            threshold=limits.crossed("timebox_used", used / goal.timebox),
            suggestion=Suggestion(Lever.TIME_BLOCK, "When the box runs out, end the goal "
                                  "(dpt goal end --rating N) and start a smaller one."),
            struggle=False,
        ))
    return signals
