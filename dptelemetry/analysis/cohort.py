"""The mentor's view: each learner's shared days over a period, and the flags a coach acts on.

Reads only what learners chose to share (`learners/<name>/days/<date>.json`, see
dptelemetry/sync/share.py); every number is a sum or a count over those files, so it matches
the learner's own summaries. Drills, attempts and ratings are counted as `dpt progress`
counts them: of the goals started in the period (on the learner's local date), drills told
apart by `drill_key`. A goal is shared on every day it was active: it counts once, as the
latest of those days' files says.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path
from statistics import median
from typing import Any

from dptelemetry.drills import drill_key
from dptelemetry.durations import whole_minutes
from dptelemetry.errors import DptError
from dptelemetry.sync.share import FORMAT, LEARNERS_DIR

ZONES = ("comfort", "learning", "panic")
PANIC_SHARE = 0.3
"""A panic-heavy period: at least this share of the practice time in the panic zone..."""
PANIC_MIN_SECONDS = 30 * 60
"""... and at least this much practice, so one bad quarter-hour is not a pattern."""
IDLE_DAYS = 7
"""No practice for this many days (up to the period's end) is flagged."""
FALLING_RATINGS = 3
"""This many ratings in a row, each lower than the one before, is flagged."""


class CohortError(DptError):
    pass


@dataclass(frozen=True)
class Rated:
    goal_id: str
    title: str
    rating: int
    ended: str
    drill: str | None
    at: datetime
    """`ended` read: the order of ratings."""


@dataclass(frozen=True)
class SharedSignal:
    name: str
    severity: float
    lever: str
    suggestion: str
    day: date


@dataclass(frozen=True)
class LearnerDay:
    """One shared day, as the report uses it."""

    day: date
    active_seconds: float
    sessions: int
    zone: str | None
    zone_seconds: dict[str, float]
    runs: int
    red_runs: int
    stuck_logged: int
    stuck_detected: int
    signals: tuple[SharedSignal, ...]
    goals: tuple[dict[str, Any], ...]


@dataclass
class Learner:
    name: str
    start: date
    """The period's first day."""
    end: date
    """The period's last day."""
    days: list[LearnerDay]
    """The period's shared days, oldest first."""
    last_active: date | None
    """The latest shared day with practice, up to the period's end (any period)."""
    ratings: list[Rated]
    """Rated goals ended up to the period's end, oldest first (any period)."""
    flags: list[str] = field(default_factory=list)

    @property
    def active_seconds(self) -> float:
        return sum(d.active_seconds for d in self.days)

    @property
    def sessions(self) -> int:
        return sum(d.sessions for d in self.days)

    def zone_seconds(self) -> dict[str, float]:
        return {z: sum(d.zone_seconds[z] for d in self.days) for z in ZONES}

    @property
    def stuck_logged(self) -> int:
        return sum(d.stuck_logged for d in self.days)

    @property
    def stuck_detected(self) -> int:
        return sum(d.stuck_detected for d in self.days)

    def period_goals(self) -> dict[str, dict[str, Any]]:
        """The goals active in the period by id, as the latest shared day says (a goal is
        shared on every day it was active)."""
        goals: dict[str, dict[str, Any]] = {}
        for d in self.days:
            for goal in d.goals:
                goals[str(goal.get("id"))] = goal
        return goals

    def started_goals(self) -> list[dict[str, Any]]:
        """The goals started in the period (on the learner's local date), oldest first."""
        first, last = self.start.isoformat(), self.end.isoformat()
        started = [g for g in self.period_goals().values()
                   if first <= str(g.get("started"))[:10] <= last]
        return sorted(started, key=lambda g: str(g.get("started")))

    def period_ratings(self) -> list[int]:
        """Ratings of the goals started in the period, as `dpt progress` counts them."""
        return [int(g["rating"]) for g in self.started_goals() if g.get("rating") is not None]

    def drills(self) -> tuple[int, int]:
        """(drills, attempts) started in the period; a drill's name in any case and spacing
        is one drill."""
        attempts = [str(g["drill"]) for g in self.started_goals() if g.get("drill")]
        return len({drill_key(name) for name in attempts}), len(attempts)

    def strongest(self, count: int = 3) -> list[SharedSignal]:
        """The most severe signal of each name, most severe first."""
        best: dict[str, SharedSignal] = {}
        for d in self.days:
            for s in d.signals:
                if s.name not in best or s.severity > best[s.name].severity:
                    best[s.name] = s
        return sorted(best.values(), key=lambda s: (-s.severity, s.name))[:count]

    def median_rating(self) -> float | None:
        ratings = self.period_ratings()
        return median(ratings) if ratings else None


@dataclass(frozen=True)
class Cohort:
    source: str
    start: date
    end: date
    learners: list[Learner]


def _read_json(path: Path) -> dict[str, Any]:
    """A shared file's JSON object."""
    import msgspec

    try:
        data = msgspec.json.decode(path.read_bytes())
    except (OSError, msgspec.DecodeError) as exc:
        raise CohortError(f"{path}: cannot read a shared file ({exc})") from None
    if not isinstance(data, dict):
        raise CohortError(f"{path}: not a file `dpt share` writes (a JSON "
                          f"{type(data).__name__}, not an object)")
    return data


@contextmanager
def _reading(path: Path) -> Iterator[None]:
    """A shared file whose fields are missing or of the wrong type is named, in one line."""
    try:
        yield
    except KeyError as exc:
        raise CohortError(f"{path}: not a file `dpt share` writes (no {exc})") from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise CohortError(f"{path}: not a file `dpt share` writes ({exc})") from None


def _day(data: dict[str, Any]) -> LearnerDay:
    zone_seconds = dict.fromkeys(ZONES, 0.0)
    for session in data.get("sessions", []):
        zone = (session.get("zone") or {}).get("zone")
        if zone in zone_seconds:
            zone_seconds[zone] += float(session.get("active_seconds", 0))
    stuck = data.get("stuck_moments", [])
    runs = data.get("test_runs", {})
    return LearnerDay(
        day=date.fromisoformat(data["date"]),
        active_seconds=float(data.get("active_seconds", 0)),
        sessions=len(data.get("sessions", [])),
        zone=data.get("zone"),
        zone_seconds=zone_seconds,
        runs=int(runs.get("total", 0)),
        red_runs=int(runs.get("failed", 0)),
        stuck_logged=sum(1 for s in stuck if not s.get("detected")),
        stuck_detected=sum(1 for s in stuck if s.get("detected")),
        signals=tuple(SharedSignal(
            s["name"], float(s["severity"]), (s.get("suggestion") or {}).get("lever", ""),
            (s.get("suggestion") or {}).get("text", ""), date.fromisoformat(data["date"]))
            for s in data.get("signals", [])),
        goals=tuple(data.get("goals", [])),
    )


def _dated_files(folder: Path, end: date) -> list[tuple[date, Path]]:
    """The learner's shared days up to `end`, newest first."""
    found = []
    for path in (folder / "days").glob("*.json"):
        try:
            when = date.fromisoformat(path.stem)
        except ValueError:
            continue
        if when <= end:
            found.append((when, path))
    return sorted(found, reverse=True)


def _learner(folder: Path, start: date, end: date) -> Learner:
    info = folder / "learner.json"
    if info.exists():
        found = _read_json(info).get("format", FORMAT)
        if not isinstance(found, int) or found > FORMAT:
            raise CohortError(f"{info}: written by a newer dptelemetry (format {found}, this "
                              f"one knows up to {FORMAT}); upgrade dptelemetry")
    days: list[LearnerDay] = []
    last_active: date | None = None
    ratings: dict[str, Rated] = {}
    for when, path in _dated_files(folder, end):
        if when < start and last_active is not None and len(ratings) >= FALLING_RATINGS:
            break  # older days can change neither the last active day nor the last ratings
        with _reading(path):
            day = _day(_read_json(path))
            if day.active_seconds > 0 and last_active is None:
                last_active = when
            for goal in day.goals:
                key = str(goal.get("id"))
                if goal.get("rating") is not None and goal.get("ended") and key not in ratings:
                    ratings[key] = Rated(key, str(goal.get("title")), int(goal["rating"]),
                                         str(goal["ended"]), goal.get("drill"),
                                         datetime.fromisoformat(str(goal["ended"])))
        if when >= start:
            days.append(day)
    ordered = sorted(ratings.values(), key=lambda r: r.at)
    learner = Learner(folder.name, start, end, days[::-1], last_active, ordered)
    learner.flags = flags(learner, end)
    return learner


def flags(learner: Learner, end: date) -> list[str]:
    """What a coach acts on, each with the numbers behind it."""
    found = []
    total = learner.active_seconds
    panic = learner.zone_seconds()["panic"]
    if total >= PANIC_MIN_SECONDS and panic >= PANIC_SHARE * total:
        # minutes and share cut down, so neither shows a figure the learner did not reach
        found.append(f"panic-heavy: {whole_minutes(panic)} of {whole_minutes(total)} practice "
                     f"minutes in the panic zone ({int(panic * 100 // total)}%, flagged from "
                     f"{PANIC_SHARE:.0%})")
    if learner.last_active is None:
        found.append("no practice shared yet")
    elif (end - learner.last_active).days >= IDLE_DAYS:
        found.append(f"no practice for {(end - learner.last_active).days} days (last "
                     f"{learner.last_active.isoformat()})")
    recent = [r.rating for r in learner.ratings[-FALLING_RATINGS:]]
    if len(recent) == FALLING_RATINGS and all(a > b for a, b in pairwise(recent)):
        found.append(f"ratings falling: {' → '.join(map(str, recent))} over the last "
                     f"{FALLING_RATINGS} rated goals")
    return found


def learner_folders(root: Path) -> Iterable[Path]:
    base = root / LEARNERS_DIR
    if not base.is_dir():
        raise CohortError(f"{root} holds no {LEARNERS_DIR}/ folder: is it a cohort repository "
                          "that learners shared into with `dpt share`?")
    return sorted(p for p in base.iterdir() if p.is_dir())


def read_cohort(root: Path, source: str, start: date, end: date) -> Cohort:
    return Cohort(source, start, end, [_learner(f, start, end) for f in learner_folders(root)])
