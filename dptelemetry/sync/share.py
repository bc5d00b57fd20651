"""Sharing with a mentor, opt in: a learner's daily summaries, cut to the fields a coach needs,
in their own folder of the mentor's cohort repository.

Layout of a cohort repository: `learners/<name>/learner.json` (format and name),
`learners/<name>/days/<YYYY-MM-DD>.json` (one shared day summary each) and
`learners/<name>/drills/<goal id>.json` (a drill's attempts, as `dpt drill show` gives
them, named by its first attempt's goal id so that a renamed drill keeps its file; a drill
merged into another loses its file to the merged one's). A learner writes only under their
own folder, so learners never conflict; a day shared again replaces its file in a new commit
(history is never rewritten).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path, PurePosixPath
from typing import Any

from dptelemetry.config import Config
from dptelemetry.errors import DptError
from dptelemetry.events import EventKind
from dptelemetry.private_files import private_dir
from dptelemetry.store.db import Store
from dptelemetry.sync import gitrepo
from dptelemetry.sync.shared_fields import DAY, DRILL, Redactor, allowed
from dptelemetry.sync.state import load_state, save_state

FORMAT = 1
SHARE_DIR = "share"
LEARNERS_DIR = "learners"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class ShareError(DptError):
    pass


@dataclass
class ShareState:
    remote: str
    name: str
    last_shared: str | None = None
    """The last day shared (YYYY-MM-DD): the next plain `dpt share` starts there."""

    def save(self, folder: Path) -> None:
        save_state(folder, self.__dict__)

    @classmethod
    def load(cls, folder: Path) -> ShareState:
        return load_state(folder, cls, ShareError, init="dpt share init URL --as NAME",
                          missing="sharing is not set up: run `dpt share init URL --as NAME` "
                                  "with your mentor's cohort repository first")


def share_folder(home: Path) -> Path:
    return home / SHARE_DIR


def learner_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise ShareError(f"{name!r} cannot be a learner name: use letters, digits, '.', '_' "
                         "or '-' (at most 64, starting with a letter or digit)")
    return name


def init(home: Path, url: str, name: str) -> ShareState:
    state = ShareState(remote=url, name=learner_name(name))
    folder = private_dir(home, SHARE_DIR)
    gitrepo.clone(url, folder / "cohort", f"learner-{state.name}")
    state.save(folder)
    return state


def _private_names(store: Store, start: float, end: float) -> Iterator[tuple[str, str]]:
    """Every path, repository and test id in the events of [start, end), with its
    placeholder."""
    for event in store.events_between(start, end):
        if event.repo:
            yield event.repo, "[repository]"
        if event.path:
            yield event.path, "[file]"
            yield Path(event.path).name, "[file]"
        if event.kind == EventKind.TEST_RUN:
            for failure in event.payload.get("failures") or ():
                test = str(failure[0]) if failure else ""
                yield test, "[test]"
                bare = test.split("[")[0]  # as people write it: without its parameters
                yield bare, "[test]"
                yield bare.rsplit("::", 1)[-1], "[test]"
                yield test.split("::")[0].split(" ")[0], "[file]"


def shared_files(store: Store, config: Config, name: str, days: list[date]) -> dict[str, str]:
    """The files `dpt share` writes for these days: relative path -> exact text. Days with
    nothing recorded are left out; each drill with an attempt started on one of them is
    written whole (all its attempts), its text cleared of the names recorded on those days
    and during any of its attempts (a note may name a file of an attempt long before)."""
    from dptelemetry.analysis.day_cache import DayCache
    from dptelemetry.analysis.days import day_bounds
    from dptelemetry.analysis.drills import drill_report
    from dptelemetry.goals import load_goals
    from dptelemetry.render.drills import drill_data
    from dptelemetry.render.json import day_data
    from dptelemetry.render.reports import day_report

    goals = load_goals(store)
    cache = DayCache(store, config, goals=goals)
    folder = f"{LEARNERS_DIR}/{name}"
    files = {f"{folder}/learner.json": _dump({"format": FORMAT, "name": name})}
    for day in days:
        data = day_data(day_report(cache, day))
        if _recorded(data):
            redact = Redactor(_private_names(store, *day_bounds(day)))
            files[f"{folder}/days/{day.isoformat()}.json"] = _dump(redact(allowed(data, DAY)))
    first, last = day_bounds(days[0])[0], day_bounds(days[-1])[1]
    shared_days: list[tuple[str, str]] | None = None  # the names in the days shared, read once
    for drill in sorted({g.drill for g in goals if g.drill and first <= g.started < last}):
        report = drill_report(goals, drill, cache)
        if report is not None:
            if shared_days is None:
                shared_days = list(dict.fromkeys(_private_names(store, first, last)))
            others = [(a.goal.started, a.end) for a in report.attempts
                      if a.goal.started < first or a.end > last]  # attempts outside them
            redact = Redactor([*shared_days, *(name for span in others
                                               for name in _private_names(store, *span))])
            files[f"{folder}/drills/{drill_file(report.attempts[0].goal.id)}"] = _dump(
                redact(allowed(drill_data(report), DRILL)))
    return files


def drill_file(first_attempt: str) -> str:
    """A drill's file name: its first attempt's goal id, which no rename changes."""
    return f"{first_attempt}.json"


def _merged_away(clone: Path, relative: str, text: str) -> list[str]:
    """The files of drills merged into the drill file `relative` (named by one of its later
    attempts, once the first of another drill): they would show its attempts twice."""
    folder = PurePosixPath(relative).parent
    return [path for a in json.loads(text)["attempts"][1:]
            if (clone / (path := str(folder / drill_file(a["goal_id"])))).exists()]


def _recorded(day: dict[str, Any]) -> bool:
    return bool(day["active_seconds"] or day["test_runs"]["total"] or day["goals"]
                or day["stuck_moments"] or day["commits"]["total"])


def _dump(data: Any) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def days_to_share(state: ShareState, today: date, day: date | None,
                  since: date | None) -> list[date]:
    if day is not None:
        return [day]
    first = since or (date.fromisoformat(state.last_shared) if state.last_shared else today)
    if first > today:
        raise ShareError(f"{first} is in the future")
    return [first + timedelta(days=n) for n in range((today - first).days + 1)]


@dataclass(frozen=True)
class ShareReport:
    files: int
    changed: bool
    pushed: gitrepo.PushResult


def share(home: Path, files: dict[str, str], days: list[date]) -> ShareReport:
    """Write the files into the cohort clone, commit and push them."""
    folder = share_folder(home)
    state = ShareState.load(folder)
    with gitrepo.open_clone(folder / "cohort") as repo:
        gitrepo.discard_uncommitted(repo, f"{LEARNERS_DIR}/{state.name}")
        fetched = gitrepo.pull(repo)
        clone = folder / "cohort"
        removed = [old for relative, text in files.items() if "/drills/" in relative
                   for old in _merged_away(clone, relative, text)]
        for relative in removed:
            (clone / relative).unlink()
        for relative, text in files.items():
            path = clone / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        span = f"{days[0]}" if len(days) == 1 else f"{days[0]} to {days[-1]}"
        changed = gitrepo.commit(repo, sorted([*files, *removed]),
                                 f"dpt share: {state.name}, {span}")
        pushed = gitrepo.push(repo) if fetched.pushed else fetched
    state.last_shared = max(d.isoformat() for d in days)
    state.save(folder)
    return ShareReport(len(files), changed, pushed)
