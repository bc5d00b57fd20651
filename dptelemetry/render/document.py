"""The report as a document, written once: sections of paragraphs, tables and the day strip,
which the text, markdown and HTML renderers each present in their own way.

Wording follows the research note's guardrails: these are signals, not diagnoses; every one
shows the numbers behind it and the threshold that produced it; nobody is compared with
anybody but themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from dptelemetry.analysis.days import local_datetime
from dptelemetry.analysis.history import LOOKBACK_DAYS, MIN_DAYS
from dptelemetry.analysis.next_session import Recommendation, severity_word
from dptelemetry.analysis.signals import Signal
from dptelemetry.analysis.summary import NUDGE_FOLLOW_S, DaySummary, GoalWork
from dptelemetry.analysis.timeline import file_name
from dptelemetry.analysis.zones import Zone
from dptelemetry.config import Thresholds
from dptelemetry.durations import format_duration as dur
from dptelemetry.durations import format_minutes
from dptelemetry.render.blocks import (
    Block,
    Bullets,
    Document,
    Paragraph,
    Section,
    StripBlock,
    Table,
    long_date,
    number,
    plural,
)
from dptelemetry.render.console import NOTHING
from dptelemetry.render.strip import UNICODE, Glyphs, day_strip

if TYPE_CHECKING:  # a day's report without its week never needs the week's module
    from dptelemetry.analysis.week import WeekSummary

DISCLAIMER = ("These are signals, not diagnoses: each one shows the numbers behind it. "
              "Compare your days with your own, never with other people.")


@dataclass(frozen=True)
class DayReport:
    """What every format of a day's summary shows."""

    summary: DaySummary
    next_session: Recommendation | None
    week: WeekSummary | None = None
    """The seven days ending on this one, when the format draws the week's trend."""


def _opt(seconds: float | None) -> str:
    return NOTHING if seconds is None else dur(seconds)


class _Clock:
    """Local wall-clock stamps in the summary's zone."""

    def __init__(self, summary: DaySummary) -> None:
        self.tz = summary.tz
        self.day_start = summary.start

    def __call__(self, ts: float) -> str:
        return local_datetime(ts, self.tz).strftime("%H:%M")

    def span(self, start: float, end: float) -> str:
        return f"{self(start)}-{self(end)}"


def limit(seconds: float) -> str:
    """A limit as configured, to the second: lengths compared with it are cut down (`dur`)."""
    return dur(seconds, exact=True)


def bin_ranges(t: Thresholds) -> dict[str, str]:
    """Each pause bin's range, as the thresholds make it."""
    return {"short": f"{limit(t.burst_gap)}-{limit(t.medium_pause)}",
            "medium": f"{limit(t.medium_pause)}-{limit(t.long_pause)}",
            "long": f"{limit(t.long_pause)}-{limit(t.idle_timeout)}",
            "break": f"{limit(t.idle_timeout)} or more"}


def threshold_words(t: Thresholds) -> str:
    bins = ", ".join(f"{name} {span}" for name, span in bin_ranges(t).items())
    return (f"burst gap {limit(t.burst_gap)}; pauses {bins}; a break ends a session; "
            f"assisted edit: one change inserting more than {t.assisted_edit_chars} "
            f"characters")


def _headline(summary: DaySummary) -> str:
    runs = summary.test_runs
    parts = [f"{dur(summary.active_seconds)} active in "
             f"{plural(len(summary.sessions), 'session')}"]
    if summary.zone is not None:
        parts.append(f"mostly {summary.zone.value} zone")
    parts.append(f"{plural(runs.total, 'test run')}, {runs.failed} red")
    parts.append(plural(summary.commits.total, "commit"))
    parts.append(signal_count(summary.signals))
    return " · ".join(parts)


def signal_count(signals: Sequence[Signal]) -> str:
    """How many signals, and how many of them count toward zones (the struggle signals)."""
    toward = sum(1 for s in signals if s.struggle)
    if not signals:
        return plural(0, "strain signal")
    return (f"{plural(len(signals), 'strain signal')} ({toward or 'none'} "
            f"{'count' if toward > 1 else 'counts'} toward zones)")


def recommendation_section(rec: Recommendation | None, title: str) -> Section:
    if rec is None:
        blocks: tuple[Block, ...] = (Paragraph("Nothing to change yet: no activity."),)
    else:
        blocks = (Paragraph(f"Change one thing, the {rec.lever.value.replace('_', ' ')}: "
                            f"{rec.text}", "good"),
                  Paragraph(f"Why: {rec.because}."))
    return Section("next", title, blocks,
                   "One variable at a time (difficulty, feedback or time block), so the "
                   "next summary shows what the change did.")


def _goal_row(goal: GoalWork, clock: _Clock) -> tuple[str, ...]:
    if goal.timebox_s is None:
        box = NOTHING
    elif goal.ended is None:
        box = f"{dur(goal.timebox_s)} (still open)"
    else:
        took = goal.ended - goal.started
        over = took - goal.timebox_s
        box = (f"{dur(goal.timebox_s)}, took {dur(took)}"
               + (f" (over by {dur(over)})" if over >= 60 else ""))
    rating = f"{goal.rating}/10" if goal.rating is not None else (
        "open" if goal.ended is None else "unrated")
    started = (clock(goal.started) if goal.started >= clock.day_start
               else f"{local_datetime(goal.started, clock.tz):%a %H:%M}")
    title = goal.title + (f" (drill {goal.drill}, attempt {goal.attempt})" if goal.drill else "")
    return (title, started, dur(goal.active_seconds), box, rating, str(goal.commits))


def _goals(summary: DaySummary, clock: _Clock) -> Section:
    if not summary.goals:
        blocks: tuple[Block, ...] = (Paragraph(
            "No practice goal was active. Start one with `dpt goal start TITLE --timebox "
            "45m`: a specific goal is what turns coding into practice."),)
    else:
        blocks = (Table(("Goal", "Started", "Active", "Time box", "Rating", "Commits"),
                        tuple(_goal_row(g, clock) for g in summary.goals),
                        wrap=("Time box",)),)
    return Section("goals", "Goals", blocks,
                   "Active: session time while the goal was the active one. Commits: those "
                   "whose Practice-Goal trailer names it.")


def _sessions(summary: DaySummary, clock: _Clock) -> Section:
    rows = tuple((str(s.index + 1), clock.span(s.start, s.end), dur(s.active_seconds),
                  str(s.bursts), f"{s.runs} ({s.red_runs} red)", s.zone.zone.value)
                 for s in summary.sessions)
    reasons = tuple(f"Session {s.index + 1}, {s.zone.zone.value}: {s.zone.reason}"
                    + (f" (by {s.zone.by})" if s.zone.by != "default rule" else "")
                    for s in summary.sessions)
    t = summary.thresholds
    return Section(
        "sessions", "Sessions and zones",
        (Table(("#", "Time", "Active", "Bursts", "Runs", "Zone"), rows,
               tuple(s.zone.zone.value for s in summary.sessions)),
         Bullets(reasons)),
        f"A gap of {limit(t.idle_timeout)} or more (idle_timeout) ends a session; active time "
        f"is the sessions' length. Zones (comfort, learning, panic) follow the Learning Zone "
        f"Model with heuristic boundaries: a reading of the day, not a verdict on you. "
        f"{zone_rule_words(t)}")


def _file(repo: str | None, path: str | None, repos: set[str | None]) -> str:
    return NOTHING if path is None else file_name((repo, path), repos)


def zone_rule_words(t: Thresholds) -> str:
    """The default zone rule with the limits in force (dptelemetry.analysis.zones)."""
    return (f"Panic: a struggle signal at its strong limit, two different struggle signals "
            f"starting less than {limit(t.panic_signal_window)} apart (panic_signal_window), "
            f"or a red stretch still open at the session's end {limit(t.panic_open_red)} "
            f"after it began (panic_open_red). Learning: otherwise, at least "
            f"{t.learning_red_share * 100:g}% of the session's runs red (learning_red_share) "
            f"or a struggle signal. Comfort: the rest. Struggle signals are those that say "
            f"the work is too hard (all but fatigue and goal drift); signals that rest on the "
            f"same test runs count once. The three limits are set in [thresholds].")


def _pauses(summary: DaySummary, clock: _Clock) -> Section:
    t = summary.thresholds
    b, p = summary.bursts, summary.pauses
    ranges = bin_ranges(t)
    blocks: list[Block] = [
        Paragraph(f"{plural(b.count, 'edit burst')} of {plural(b.edits, 'typed edit')} "
                  f"(+{b.inserted} / -{b.deleted} characters); median burst "
                  f"{_opt(b.median_s)}."),
        Paragraph(f"{plural(p.count, 'pause')} inside work: median {_opt(p.median_s)}, "
                  f"p90 {_opt(p.p90_s)}, longest {_opt(p.max_s)}."),
        Table(("Pause", "Length", "Count"),
              tuple((name, ranges[name], str(p.bins.get(name, 0))) for name in ranges)),
    ]
    if p.longest:
        repos = {r for x in p.longest for r, path in ((x.repo_before, x.path_before),
                                                       (x.repo_after, x.path_after)) if path}
        blocks.append(Table(
            ("Longest pauses", "Length", "Bin", "File before → after"),
            tuple((clock.span(x.start, x.end), dur(x.seconds), x.bin.value,
                   f"{_file(x.repo_before, x.path_before, repos)} → "
                   f"{_file(x.repo_after, x.path_after, repos)}")
                  for x in p.longest)))
    return Section(
        "pauses", "Typing and pauses", tuple(blocks),
        f"A burst is a run of typed edits less than {limit(t.burst_gap)} apart (burst_gap); a "
        f"pause is the gap between two bursts, binned at medium_pause "
        f"{limit(t.medium_pause)}, long_pause {limit(t.long_pause)} and idle_timeout "
        f"{limit(t.idle_timeout)}. Median, p90 and longest leave breaks out.")


def _tests(summary: DaySummary) -> Section:
    r = summary.test_runs
    streaks = summary.timeline.red_streaks if summary.timeline else ()
    recovered = sum(1 for s in streaks if s.recovered_by is not None)
    if r.total == 0:
        return Section("tests", "Test runs", (Paragraph(
            "No test runs recorded. The pytest plugin records pytest sessions; "
            "`dpt run -- CMD` records any other test command."),))
    eq = (f"{r.error_quotient:.2f}" if r.error_quotient is not None
          else "not computed (fewer than 3 runs with code changed between them)")
    lines = (
        Paragraph(f"{plural(r.total, 'run')}: {r.failed} red, {r.green} green"
                  + (f", {r.other} other (interrupted, nothing collected)" if r.other else "")
                  + "."),
        Paragraph(f"Longest red streak: {plural(r.longest_red_streak, 'run')} in a row. "
                  f"Back to green: {recovered} of {plural(len(streaks), 'red streak')}"
                  + (f", median time to green {dur(r.median_time_to_green_s)}"
                     if r.median_time_to_green_s is not None else "") + "."),
        Paragraph(f"Error quotient (Jadud's EQ, 0-1, over runs with code changed between "
                  f"them): {eq}. Repeated error density (Becker's RED, per failure "
                  f"signature): {r.repeated_error_density:.2f}."),
    )
    return Section("tests", "Test runs", lines,
                   "Red: a test failed or errored. A red streak is consecutive red runs; "
                   "time to green runs from its first red run to the end of the green run "
                   "that ended it. EQ and RED compare failure signatures (test id and "
                   "exception type) of consecutive runs.")


def _commits(summary: DaySummary, clock: _Clock) -> Section:
    commits = summary.timeline.commits if summary.timeline else ()
    if not commits:
        return Section("commits", "Commits", (Paragraph(
            "No commits recorded (`dpt hooks install` in a repository records them)."),))
    rows = tuple((clock(c.ts), c.sha[:8] or NOTHING, c.goal or "(untagged)",
                  f"+{c.insertions} -{c.deletions} in {plural(c.files, 'file')}")
                 for c in commits)
    return Section(
        "commits", "Commits",
        (Paragraph(f"{plural(summary.commits.total, 'commit')}, {summary.commits.tagged} "
                   f"tagged with a practice goal."),
         Table(("Time", "Commit", "Goal", "Changes"), rows)),
        "Tagged: the commit message carries a Practice-Goal trailer (added by the "
        "prepare-commit-msg hook while a goal is active).")


def _stuck(summary: DaySummary, clock: _Clock) -> Section:
    t = summary.thresholds
    note = (f"Logged: `dpt stuck TEXT --impulse ...`. Detected: a silence of "
            f"{limit(t.long_pause)} (long_pause) up to {limit(t.idle_timeout)} (idle_timeout) "
            f"right after a red run.")
    if not summary.stuck_moments:
        return Section("stuck", "Stuck moments",
                       (Paragraph("None logged or detected."),), note)
    rows = tuple((clock(m.start), "detected" if m.detected else "logged",
                  dur(m.seconds) if m.detected else NOTHING, m.text or NOTHING,
                  m.impulse or NOTHING)
                 for m in summary.stuck_moments)
    return Section("stuck", "Stuck moments",
                   (Table(("Time", "Kind", "Silence", "What you tried", "First impulse"),
                          rows, wrap=("What you tried",)),), note)


def _nudges(summary: DaySummary, clock: _Clock) -> Section:
    rows = tuple((clock(n.ts), n.signal, _opt(n.observed_s),
                  f"green {dur(n.green_after_s)} later" if n.green_after_s is not None
                  else "no green run after it")
                 for n in summary.nudges)
    helped = sum(1 for n in summary.nudges if n.green_within_10m)
    return Section(
        "nudges", "Nudges in the editor",
        (Paragraph(f"{plural(len(summary.nudges), 'nudge')} shown; the red stretch ended "
                   f"within {dur(NUDGE_FOLLOW_S)} after {helped}."),
         Table(("Time", "Signal", "Number", "What followed"), rows)),
        "A nudge is the signal's suggestion, shown by `dpt lsp` at the moment of strain "
        "(`[feedback]` in the config). What followed: the first green run that ended after "
        "it.")


def _assisted(summary: DaySummary) -> Section:
    a = summary.assisted
    text = (f"{plural(a.count, 'assisted edit')} inserted {a.inserted} characters, "
            f"{a.share:.0%} of all inserted characters; they are left out of bursts and "
            f"pauses, so the practice effort counted is your own.") if a.count else (
        "None: every recorded edit was typed.")
    return Section("assisted", "Assisted edits", (Paragraph(text),),
                   f"One change inserting more than "
                   f"{summary.thresholds.assisted_edit_chars} characters (assisted_edit_chars): "
                   f"a paste, a code action, an AI agent.")


def _evidence(signal: Signal) -> str:
    return ", ".join(f"{k} {v}" for k, v in signal.evidence.items())


def signal_blocks(signals: Sequence[Signal], clock: _Clock | None) -> tuple[Block, ...]:
    blocks: list[Block] = []
    for rank, s in enumerate(signals, 1):
        when = f" · {clock.span(s.start, s.end)}" if clock else ""
        th = s.threshold
        toward = "counts toward zones" if s.struggle else "does not count toward zones"
        blocks.append(Paragraph(f"{rank}. {s.name} · {severity_word(s.severity)} "
                                f"{s.severity:.2f}{when} · {toward}",
                                "panic" if s.strong else "learning"))
        blocks.append(Bullets((
            s.summary,
            f"Evidence: {_evidence(s)}.",
            f"Threshold: {th.metric} reached {number(th.observed)} against a limit of "
            f"{number(th.value)} ({th.basis}).",
            s.suggestion.line(),
        )))
    return tuple(blocks)


def _signals(summary: DaySummary, clock: _Clock) -> Section:
    blocks = signal_blocks(summary.signals, clock) or (
        Paragraph("No strain signal today.", "good"),)
    return Section("signals", "Strain signals", blocks,
                   "Most severe first; severity 0.50 at the warning limit rising to 1.00 at "
                   "the strong limit. Each threshold says which limit applied: one set in "
                   "your config; your own p90/p95, for a metric its plugin keeps a baseline "
                   f"of, once {MIN_DAYS} of the last {LOOKBACK_DAYS} days hold it "
                   f"({plural(summary.baseline_days, 'past day')} with samples); else the "
                   f"default, with its source.")


def week_table(week: WeekSummary) -> Table:
    rows = []
    for day in week.days:
        z = day.zone_seconds
        minutes = "/".join(format_minutes(z[x.value]) for x in Zone)
        rows.append((f"{day.date:%a} {day.date.day}", dur(day.active_seconds),
                     day.zone.value if day.zone else NOTHING,
                     minutes if day.active_seconds else NOTHING,
                     f"{day.runs} ({day.red_runs})", str(day.stuck_moments),
                     f"{len(day.signals)} ({day.struggle_signals})" if day.signals else "0",
                     f"{day.strain:.2f}" if day.signals else NOTHING))
    return Table(("Day", "Active", "Zone", "Min C/L/P", "Runs (red)", "Stuck",
                  "Signals (zones)", "Strain"), tuple(rows),
                 tuple(d.zone.value if d.zone else None for d in week.days))


WEEK_NOTE = ("Min C/L/P: active minutes in the comfort, learning and panic zones (<1: "
             "under a minute). "
             "Signals (zones): the day's strain signals and, in brackets, how many of them "
             "count toward zones. Strain: the highest severity among the day's signals that "
             "count toward zones (0.50 warning, 1.00 strong). Each day is summarized as "
             "`dpt summary --date` would.")


def _week(week: WeekSummary) -> Section:
    return Section("week", f"The week to {long_date(week.end)}", (week_table(week),),
                   WEEK_NOTE)


def _plugin_sections(summary: DaySummary) -> list[Section]:
    return [Section(f"plugin-{s.key}", s.title, tuple(Paragraph(line) for line in s.lines))
            for s in summary.sections]


def _footer(summary: DaySummary) -> tuple[str, ...]:
    lines = [f"Thresholds: {threshold_words(summary.thresholds)}. Change them in "
             f"[thresholds] of your config (`dpt config` shows where).",
             f"Plugins: {', '.join(summary.plugins) or 'none'}."]
    lines += [f"Plugin {f.plugin} failed in {f.hook} and was skipped: {f.error}"
              for f in summary.plugin_failures]
    lines.append(DISCLAIMER)
    return tuple(lines)


def empty_day(day: date) -> Document:
    """A short, friendly page for a day with nothing recorded."""
    return Document(
        f"Practice summary · {long_date(day)}", "Nothing recorded on this day.",
        (Section("empty", "Nothing to summarize", (
            Paragraph("No editor, test or commit activity was recorded. That is fine: "
                      "rest days count too."),
            Bullets((
                "Editor: start `dpt lsp` as a language server (see the README for each "
                "editor).",
                "Tests: pytest sessions are recorded by the plugin; `dpt run -- CMD` records "
                "any other test command.",
                "Commits: `dpt hooks install` in a repository.",
                "To see what a summary looks like, run `dpt demo`.",
            )),
        )),),
        (DISCLAIMER,),
    )


def day_document(report: DayReport, glyphs: Glyphs = UNICODE) -> Document:
    summary = report.summary
    if not summary.sessions:
        return empty_day(summary.date)
    clock = _Clock(summary)
    sections = [
        recommendation_section(report.next_session, "Next session"),
        _goals(summary, clock),
        _sessions(summary, clock),
    ]
    if strip := day_strip(summary, glyphs):
        sections.append(Section("timeline", "The day", (StripBlock(strip),),
                                " ".join(strip.legend)))
    sections += [_pauses(summary, clock), _tests(summary), _commits(summary, clock),
                 _stuck(summary, clock), *([_nudges(summary, clock)] if summary.nudges else []),
                 _assisted(summary), _signals(summary, clock),
                 *_plugin_sections(summary)]
    if report.week is not None:
        sections.append(_week(report.week))
    return Document(f"Practice summary · {long_date(summary.date)}", _headline(summary),
                    tuple(sections), _footer(summary))


def _tally_rows(week: WeekSummary) -> Iterable[tuple[str, ...]]:
    for t in week.tallies():
        yield (t.name, f"{t.days} of {len(week.days)}", str(t.times),
               f"{severity_word(t.max_severity)} {t.max_severity:.2f}")


def week_document(week: WeekSummary) -> Document:
    zones = week.zone_seconds()
    total = week.active_seconds
    active_days = sum(1 for d in week.days if d.active_seconds > 0)
    headline = (f"{dur(total)} active on {active_days} of {len(week.days)} days"
                + (f" · mostly {week.zone.value} zone" if week.zone else "")
                + f" · {signal_count(week.signals)}")
    share = (" · ".join(f"{z.value} {dur(zones[z.value])} ({zones[z.value] / total:.0%})"
                        for z in Zone) if total else "no active time")
    tallies = tuple(_tally_rows(week))
    sections = (
        recommendation_section(week.next_session(), "Next session"),
        Section("week", "Day by day", (week_table(week), Paragraph(f"Zones: {share}.")),
                WEEK_NOTE),
        Section("signals", "Strain signals over the week",
                (Table(("Signal", "Days", "Times", "Strongest"), tallies),) if tallies
                else (Paragraph("No strain signal this week.", "good"),),
                "Ranked by the number of days each appeared on. `dpt summary --date DAY` "
                "shows the evidence of each."),
    )
    return Document(f"Practice week · {long_date(week.start)} to {long_date(week.end)}",
                    headline, sections, (DISCLAIMER,))


def as_document(report: DayReport | WeekSummary, glyphs: Glyphs = UNICODE) -> Document:
    return (day_document(report, glyphs) if isinstance(report, DayReport)
            else week_document(report))
