"""The feedback thread: once a second it looks at the goal file, the clock and (every few
seconds, only with nudges on) the store's new test runs, and tells the editor what changed.

The editor's event loop never waits on any of it: `tick` runs in this thread and hands what
the editor should see to a `Channel`, which sends it from the event loop. Tests call `tick`
with the time they choose. With every feedback setting off it only keeps the goal id fresh for
the recorder, as the server always did: the editor hears nothing more than before.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from dptelemetry.analysis.signals import NudgeRule
from dptelemetry.capture.lsp.active_goal import ActiveGoal
from dptelemetry.capture.lsp.feedback.nudges import StrainWatch
from dptelemetry.capture.lsp.feedback.runs import RunFeed
from dptelemetry.capture.lsp.feedback.timebox import (
    ProgressView,
    box_over,
    box_over_message,
    progress_view,
)
from dptelemetry.capture.lsp.log import describe
from dptelemetry.config import Config
from dptelemetry.events import Event
from dptelemetry.goal_file import GoalFile
from dptelemetry.goals import sync_active_goal_file
from dptelemetry.store import open_store

logger = logging.getLogger(__name__)

TICK = 1.0
READ_RUNS = 2.0
"""Seconds between reads of new test runs (only with nudges on)."""
REPORT_EVERY = 60.0
"""A progress report at most this often (and at once when the goal changes)."""


class Channel(Protocol):
    """What reaches the editor; implementations must not block the caller."""

    def begin(self, token: str, view: ProgressView) -> None: ...
    def report(self, token: str, view: ProgressView) -> None: ...
    def end(self, token: str) -> None: ...
    def show(self, text: str) -> None: ...


class EventSink(Protocol):
    def put(self, event: Event) -> None: ...


class FeedbackLoop:
    def __init__(self, home: Path, goal: ActiveGoal, config: Config, sink: EventSink, *,
                 clock: Callable[[], float], last_edit: Callable[[], float | None]) -> None:
        self._home = home
        self.goal = goal
        self._config = config
        self._settings = config.feedback
        self._sink = sink
        self._clock = clock
        self._last_edit = last_edit
        self._channel: Channel | None = None
        self._progress = False
        self._token: str | None = None
        self._shown: GoalFile | None = None
        self._reported: tuple[float, ProgressView] | None = None
        self._told: set[str] = set()
        self._healed: set[str] = set()
        self._feed: RunFeed | None = None
        self._watch: StrainWatch | None = None
        self._next_read = 0.0
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="dpt-feedback", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def join(self, timeout: float | None = None) -> None:
        """After `stop`: wait for a tick in flight, so a nudge it puts still reaches the
        writer before the writer closes."""
        if self._thread.is_alive():
            self._thread.join(timeout)

    def attach(self, channel: Channel, progress: bool) -> None:
        """Start telling the editor (after `initialized`); `progress`: the client declared
        `window.workDoneProgress`. Once: a second `initialized` changes nothing."""
        if self._channel is not None:
            return
        self._progress = progress and self._settings.progress
        self._channel = channel
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick(self._clock())
            except Exception as exc:  # feedback must never take the recorder down
                logger.warning("feedback: a tick failed: %s", describe(exc))
            self._wake.wait(TICK)
            self._wake.clear()
        if self._feed is not None:
            self._feed.close()

    def tick(self, now: float) -> None:
        self.goal.poll()
        goal = self.goal.goal
        if goal is not None and goal.started is None:
            self._heal(goal)
            goal = None
        if self._channel is None:
            return
        if self._progress:
            self._update_progress(self._channel, goal, now)
        if self._settings.timebox_message and goal is not None:
            self._timebox(self._channel, goal, now)
        if self._settings.nudges:
            self._nudge(self._channel, now)

    def _heal(self, goal: GoalFile) -> None:
        """A goal file from an older version lacks the start: rewrite it from the store once."""
        if goal.goal_id in self._healed:
            return
        self._healed.add(goal.goal_id)
        with open_store(self._home) as store:
            sync_active_goal_file(store, self._home)

    def _update_progress(self, channel: Channel, goal: GoalFile | None, now: float) -> None:
        if goal is None or self._shown is None or goal.goal_id != self._shown.goal_id:
            if self._token is not None:
                channel.end(self._token)
                self._token = None
            if goal is not None:
                self._token = f"dpt-goal-{goal.goal_id}"
                view = progress_view(goal, now)
                channel.begin(self._token, view)
                self._reported = (now, view)
        elif self._token is not None and self._reported is not None:
            view = progress_view(goal, now)
            when, last = self._reported
            if goal != self._shown or (now - when >= REPORT_EVERY and view != last):
                channel.report(self._token, view)
                self._reported = (now, view)
        self._shown = goal

    def _timebox(self, channel: Channel, goal: GoalFile, now: float) -> None:
        if goal.goal_id not in self._told and box_over(goal, now):
            self._told.add(goal.goal_id)
            channel.show(box_over_message(goal, now))

    def _nudge(self, channel: Channel, now: float) -> None:
        if self._feed is None:
            self._feed = RunFeed(self._home, now)
        if now >= self._next_read:
            self._next_read = now + READ_RUNS
            runs = self._feed.new_runs(now)
            if runs and self._watch is None:
                self._watch = StrainWatch(self._rules(), self._config.thresholds,
                                          self._settings.nudge_interval)
            if self._watch is not None:
                self._watch.add(runs)
        if self._watch is None:
            return
        nudge = self._watch.check(now, self._last_edit(), self._feed.activity)
        if nudge is not None:
            channel.show(nudge.text)
            self._sink.put(nudge.event(self.goal.id))

    def _rules(self) -> list[NudgeRule]:
        """The strain plugins' nudge rules, loaded once the first test run arrives (pluggy
        and the plugins stay out of a server that never sees one)."""
        from dptelemetry.plugins import get_plugin_manager

        manager = get_plugin_manager(self._config)
        rules = manager.nudge_rules(self._config)
        for failure in manager.failures:
            logger.warning("feedback: plugin %s failed in %s", failure.plugin, failure.hook)
        return rules
