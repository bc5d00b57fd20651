"""The `dpt.session` answer: the session so far, in a few lines.

The session is the summary's own (activity with no gap of `idle_timeout`), read from today's
timeline, so every number here is the one tonight's summary will show. Pure: the timeline,
the goal and the time in, text out.
"""

from __future__ import annotations

from dptelemetry.analysis.timeline import Session, Timeline, verdict_runs
from dptelemetry.clock import local_time
from dptelemetry.durations import format_duration
from dptelemetry.events import EventKind
from dptelemetry.goal_file import GoalFile
from dptelemetry.status_line import time_text


def _goal_line(goal: GoalFile | None, now: float) -> str:
    if goal is None:
        return "Goal: none (start one with dpt goal start TITLE --timebox 45m)."
    box = f" of {format_duration(goal.timebox)}" if goal.timebox and goal.started else ""
    when = f": {time_text(goal, now)}{box}" if goal.started is not None else ""
    return f"Goal: {goal.title}{when}."


def _stretch_line(timeline: Timeline, session: Session) -> str:
    if not session.runs:
        return "Test runs: none yet."
    streak = session.red_streaks[-1] if session.red_streaks else None
    if streak is None or streak.recovered_by is not None:
        return "Red stretch: none, the last run was green."
    red = timeline.active_seconds_between(streak.start, max(streak.end, session.end))
    return (f"Red stretch: since {local_time(streak.start)}, {format_duration(red)} of active "
            f"time; red runs: {len(streak.runs)}, failing now: "
            f"{len(streak.runs[-1].signatures)}.")


def session_text(timeline: Timeline, goal: GoalFile | None, now: float) -> str:
    """The current session (one that ended less than `idle_timeout` ago), else a note."""
    lines = []
    session = timeline.sessions[-1] if timeline.sessions else None
    if session is None or now - session.end >= timeline.thresholds.idle_timeout:
        lines.append("No session in progress" + (
            f" (the last ended at {local_time(session.end)})." if session else " today."))
    else:
        verdicts = verdict_runs(session.runs)
        red = sum(1 for r in verdicts if r.red)
        detected = sum(1 for m in session.stuck if m.detected)
        nudges = sum(1 for e in timeline.events if e.kind == EventKind.NUDGE.value
                     and session.start <= e.ts <= now)
        lines += [
            f"Session since {local_time(session.start)}: {format_duration(session.active_seconds)} "
            f"active; test runs: {len(verdicts) - red} green, {red} red"
            + (f", {len(session.runs) - len(verdicts)} other." if len(session.runs) > len(verdicts)
               else "."),
            _stretch_line(timeline, session),
            f"Stuck moments: {detected} detected, {len(session.stuck) - detected} logged; "
            f"nudges shown: {nudges}.",
        ]
    lines.append(_goal_line(goal, now))
    return "\n".join(lines)
