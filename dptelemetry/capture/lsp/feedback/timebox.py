"""What the editor shows about the active goal: the progress item's words, and the message
when the time box runs out. Pure: the goal and the time in, text out."""

from __future__ import annotations

from dataclasses import dataclass

from dptelemetry.capture.lsp.commands import GOAL_END
from dptelemetry.durations import format_duration
from dptelemetry.goal_file import GoalFile
from dptelemetry.status_line import shorten, time_text

TITLE_WIDTH = 40
"""Status bars are narrow: the progress title keeps this much of the goal's title."""


@dataclass(frozen=True)
class ProgressView:
    title: str
    message: str
    """`23m left`, `12m over`, or the time so far without a box."""
    percentage: int | None
    """Of the box used (0-100), without a box None."""


def progress_view(goal: GoalFile, now: float) -> ProgressView:
    percentage = None
    if goal.timebox and goal.started is not None:
        percentage = min(100, max(0, int(100 * (now - goal.started) / goal.timebox)))
    return ProgressView(shorten(goal.title, TITLE_WIDTH), time_text(goal, now), percentage)


def box_over(goal: GoalFile, now: float) -> bool:
    left = goal.time_left(now)
    return left is not None and left <= 0


def box_over_message(goal: GoalFile, now: float) -> str:
    """Names the goal, the box and how to end it with a rating."""
    assert goal.timebox is not None and goal.started is not None
    return (f"Time box over: '{goal.title}' has run {format_duration(now - goal.started)} "
            f"of its {format_duration(goal.timebox)} box. End it with a rating: "
            f"`dpt goal end --rating 1-10` in a terminal, or the {GOAL_END} command.")
