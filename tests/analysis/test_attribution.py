"""Numbers land on what they belong to, on days built so that the answers are known by hand:
a file is its repository and path, a goal's commits are found by the goal's id, an edit is
assisted by the limit in force, and a limit you set is the one used (issue 11, items 1-4)."""

from __future__ import annotations

import re
from pathlib import Path

from dptelemetry.analysis.friction import moments_of
from dptelemetry.analysis.summary import DaySummary
from dptelemetry.analysis.zones import Zone
from tests.analysis.builders import DayBuilder
from tests.analysis.test_strain_plugins import history_of, named, signals, teq_day
from tests.analysis.test_summary import summary_of
from tests.summary.test_edges import rendered

NINE = 9 * 3600.0
ALPHA, BETA = "/code/alpha", "/code/beta"
Place = tuple[str, str]
TWO_REPOSITORIES: tuple[Place, Place] = ((ALPHA, "src/app.py"), (BETA, "src/app.py"))
TWO_NAMES: tuple[Place, Place] = ((ALPHA, "src/app.py"), (ALPHA, "src/other.py"))


def alternating(files: tuple[Place, Place], edits: int = 30) -> DayBuilder:
    """From 09:00, one edit every 20 s (each its own burst), alternating between the two
    files: 1 character typed and 1 deleted on line 1 each time, no test run."""
    day = DayBuilder()
    for i in range(edits):
        repo, path = files[i % 2]
        day.edit(NINE + 20 * i, inserted=1, deleted=1, path=path, repo=repo)
    return day


def comparable(summary: DaySummary) -> list[tuple[str, float, dict[str, object]]]:
    """The signals without the names of the files they point at."""
    return [(s.name, s.severity, {k: v for k, v in s.evidence.items() if k not in ("path",
                                                                               "repo")})
            for s in summary.signals]


def test_two_repositories_with_the_same_path_are_two_files(tmp_path: Path) -> None:
    same_path = summary_of(tmp_path / "repos", alternating(TWO_REPOSITORIES))
    other_name = summary_of(tmp_path / "names", alternating(TWO_NAMES))
    for summary in (same_path, other_name):
        assert summary.timeline is not None
        assert len(summary.timeline.switches) == 29  # was 0 for two repositories
        [thrash] = [s for s in summary.signals if s.name == "file_thrash"]
        assert thrash.evidence == {"switches": 29, "files": 2, "net": 0}
        assert thrash.severity == 1.0  # 29 switches in 10 min: past the strong limit 24
        assert summary.sessions[0].zone.zone is Zone.PANIC  # was comfort
    assert comparable(same_path) == comparable(other_name)
    first = same_path.timeline.switches[0] if same_path.timeline else None
    assert first is not None and (first.from_file, first.to_file) == TWO_REPOSITORIES


def test_a_line_is_rewritten_in_one_repository_at_a_time(tmp_path: Path) -> None:
    # 10 alternating edits: line 1 of each file changed in 5 separate bursts, under the
    # rewrite limit 8; keyed by path alone it was one line changed in 10 bursts
    for name, files in (("repos", TWO_REPOSITORIES), ("names", TWO_NAMES)):
        summary = summary_of(tmp_path / name, alternating(files, 10))
        assert [s.name for s in summary.signals if s.name == "rewrite_loop"] == []
    # 30 edits: 15 bursts each, at the strong limit; the file is named with its repository
    [loop] = [s for s in summary_of(tmp_path / "both", alternating(TWO_REPOSITORIES)).signals
              if s.name == "rewrite_loop"]
    assert loop.summary == ("line 1 of src/app.py in /code/alpha rewritten in 15 separate "
                            "bursts")
    assert loop.evidence == {"path": "src/app.py", "line": 1, "bursts": 15,
                             "repo": "/code/alpha"}


def test_the_longest_pauses_name_each_file_with_its_repository(tmp_path: Path) -> None:
    day = alternating(TWO_REPOSITORIES, 2)
    summary = summary_of(tmp_path / "home", day)
    [spot] = summary.pauses.longest
    assert ((spot.repo_before, spot.path_before), (spot.repo_after, spot.path_after)) == (
        TWO_REPOSITORIES)
    assert re.search(r"09:00-09:00\s+20s\s+short\s+src/app\.py in /code/alpha → src/app\.py "
                     r"in /code/beta", rendered(summary))


def test_what_came_after_a_stuck_moment_knows_the_repository(tmp_path: Path) -> None:
    day = alternating(TWO_REPOSITORIES, 2)
    day.add("stuck", NINE + 10, source="cli", text="which app?", impulse="switch")
    [moment] = moments_of(day.timeline())
    assert (moment.repo, moment.path) == TWO_REPOSITORIES[0]
    assert moment.next_step == "switched to another file"  # was "edited the same file"


def test_files_in_and_outside_a_repository_saved_at_once_do_not_break_friction() -> None:
    """"Save All" saves a file outside any repository and one inside in one millisecond:
    ordering them by time alone (comparing no repository with one raised TypeError)."""
    day = DayBuilder()
    day.edit(NINE, path="notes.py", repo=None)
    day.edit(NINE + 1, path="src/app.py")
    day.add("save", NINE + 5, path="notes.py", repo=None)
    day.add("save", NINE + 5, path="src/app.py")
    day.red(NINE + 6)
    day.add("stuck", NINE + 10, source="cli", text="which file?", impulse="search")
    [moment] = moments_of(day.timeline())
    assert moment.text == "which file?"


def test_goals_with_the_same_title_each_count_their_own_commits(tmp_path: Path) -> None:
    day = DayBuilder()
    first = day.goal(NINE, "kata")
    day.end_goal(NINE + 3600, first)
    second = day.goal(NINE + 7200, "kata")
    for goal, offset in ((first, NINE + 1800), (first, NINE + 2700),
                         (second, NINE + 9000), (second, NINE + 9900)):
        day.edit(offset - 60)
        day.commit(offset, goal="kata", goal_id=goal.goal_id)
    summary = summary_of(tmp_path / "ids", day)
    assert [(g.id, g.commits) for g in summary.goals] == [
        (first.goal_id, 2), (second.goal_id, 2)]  # was 4 and 4
    # a commit recorded without a goal id goes by its trailer: the "kata" running at 11:50
    day.commit(NINE + 10200, goal="kata")
    summary = summary_of(tmp_path / "title", day)
    assert [g.commits for g in summary.goals] == [2, 3]
    assert summary.commits.tagged == 5


def pastes(flagged: bool) -> DayBuilder:
    """Typing from 09:00 with three pastes of 250, 400 and 500 characters among it, each
    flagged `flagged` by the capture point (as its limit then decided)."""
    day = DayBuilder()
    for i, size in enumerate((250, 400, 500)):
        t = NINE + 60 * i
        day.edits([t, t + 1, t + 2], inserted=2)
        day.edit(t + 3, inserted=size, assisted=flagged)
    return day


def test_edits_are_assisted_by_the_limit_in_force(tmp_path: Path) -> None:
    raised = summary_of(tmp_path / "raised", pastes(flagged=True),
                        toml="[thresholds]\nassisted_edit_chars = 1000\n")
    assert (raised.assisted.count, raised.assisted.inserted) == (0, 0)  # was 3, 1150
    assert (raised.bursts.edits, raised.bursts.inserted) == (12, 18 + 1150)
    text = rendered(raised)
    assert "None: every recorded edit was typed." in text
    assert "more than 1000 characters" in text and "inserted 1150 characters" not in text
    lowered = summary_of(tmp_path / "lowered", pastes(flagged=False),
                         toml="[thresholds]\nassisted_edit_chars = 300\n")
    assert (lowered.assisted.count, lowered.assisted.inserted) == (2, 900)  # was 0, 0
    assert "2 assisted edits inserted 900 characters" in rendered(lowered)


def test_a_limit_you_set_wins_over_your_baseline(tmp_path: Path) -> None:
    eight_days = history_of("test_error_quotient.session", 0.45, 8)  # your p90: 0.45
    toml = "[plugins.test_error_quotient]\nwarn = 0.9\n"
    # TEQ 0.5: above your p90, under the 0.9 you set
    assert named(signals(teq_day("xx-xx"), tmp_path, toml, eight_days),
                 "test_error_quotient") == []  # was a signal at your p90 0.45
    [signal] = named(signals(teq_day("xxxx"), tmp_path, toml, eight_days), "test_error_quotient")
    assert (signal.threshold.value, signal.threshold.observed) == (0.9, 1.0)
    assert signal.threshold.basis.startswith(
        "set in [plugins.test_error_quotient] warn; strong is the default: p95 / p99")
    # which limit applied, said each time: your baseline without a setting, else the default
    [mine] = named(signals(teq_day("xxxx"), tmp_path, history=eight_days),
                   "test_error_quotient")
    assert mine.threshold.basis == "your p90/p95 over 8 days"
    [default] = named(signals(teq_day("xxxx"), tmp_path), "test_error_quotient")
    assert default.threshold.basis.startswith("default: p95 / p99, to two decimals, of the "
                                              "1,694 per-student CS1 compile EQ values")
