"""The Practice-Goal trailer, through real `git commit`s with the shims installed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from gitrepo import Git, RunDpt, commit_file, goal_trailers, message

GOAL = "Bowling kata, test first"
# An "editor" that writes a subject on the first line and keeps everything else.
TYPE_SUBJECT = "sed -i '1s/^/typed subject/'"


def test_trailer_added_with_an_active_goal(installed: Path, git: Git,
                                           start_goal: Callable[..., None]) -> None:
    start_goal(GOAL)
    done = commit_file(git, "a.txt", "a\n", "-m", "Score a gutter game")
    assert done.returncode == 0, done.stderr
    assert message(git) == f"Score a gutter game\n\nPractice-Goal: {GOAL}\n\n"
    assert goal_trailers(git) == [GOAL]


def test_no_trailer_without_a_goal(installed: Path, git: Git, run_dpt: RunDpt,
                                   start_goal: Callable[..., None]) -> None:
    assert commit_file(git, "a.txt", "a\n", "-m", "before any goal").returncode == 0
    start_goal(GOAL)
    assert run_dpt("goal", "end").returncode == 0
    assert commit_file(git, "b.txt", "b\n", "-m", "after the goal ended").returncode == 0
    assert goal_trailers(git, "HEAD~1") == []
    assert goal_trailers(git) == []
    assert "Practice-Goal" not in git("log", "--format=%B").stdout


def test_editor_session_keeps_a_blank_line_before_the_trailer(
        installed: Path, git: Git, start_goal: Callable[..., None]) -> None:
    start_goal(GOAL)
    done = commit_file(git, "a.txt", "a\n", env={"GIT_EDITOR": TYPE_SUBJECT})
    assert done.returncode == 0, done.stderr
    assert git("log", "-1", "--format=%s").stdout == "typed subject\n"
    assert message(git) == f"typed subject\n\nPractice-Goal: {GOAL}\n\n"


def test_no_duplicate_on_amend_and_the_original_goal_stays(
        installed: Path, git: Git, start_goal: Callable[..., None]) -> None:
    start_goal(GOAL)
    assert commit_file(git, "a.txt", "a\n", "-m", "first").returncode == 0
    start_goal("Another goal")
    git("commit", "--amend", "--no-edit")
    git("commit", "--amend", env={"GIT_EDITOR": "sed -i '1s/first/first, reworded/'"})
    assert message(git) == f"first, reworded\n\nPractice-Goal: {GOAL}\n\n"


def test_no_duplicate_when_the_message_already_has_the_trailer(
        installed: Path, git: Git, start_goal: Callable[..., None]) -> None:
    start_goal(GOAL)
    done = commit_file(git, "a.txt", "a\n", "-m", "subject", "-m",
                       "Practice-Goal: written by hand\nSigned-off-by: Practice Tester <t@x>")
    assert done.returncode == 0, done.stderr
    assert goal_trailers(git) == ["written by hand"]


def test_no_duplicate_on_cherry_pick(installed: Path, git: Git,
                                     start_goal: Callable[..., None]) -> None:
    start_goal(GOAL)
    assert commit_file(git, "a.txt", "a\n", "-m", "base").returncode == 0
    git("checkout", "-q", "-b", "side")
    assert commit_file(git, "b.txt", "b\n", "-m", "on the side").returncode == 0
    git("checkout", "-q", "main")
    start_goal("Another goal")
    git("cherry-pick", "side")
    assert goal_trailers(git) == [GOAL]
    assert message(git).count("Practice-Goal") == 1
    git("checkout", "-q", "-b", "other", "main~1")
    git("cherry-pick", "-x", "side")
    assert goal_trailers(git) == [GOAL]
    assert message(git).count("Practice-Goal") == 1


def test_rebase_reword_keeps_one_trailer_and_untagged_commits_stay_untagged(
        installed: Path, git: Git, start_goal: Callable[..., None], run_dpt: RunDpt) -> None:
    assert commit_file(git, "a.txt", "a\n", "-m", "untagged root").returncode == 0
    assert commit_file(git, "b.txt", "b\n", "-m", "untagged").returncode == 0
    start_goal(GOAL)
    assert commit_file(git, "c.txt", "c\n", "-m", "tagged").returncode == 0
    start_goal("Another goal")
    # reword every commit: the hooks run for each, with a goal active
    git("rebase", "-i", "--root", env={
        "GIT_SEQUENCE_EDITOR": "sed -i 's/^pick/reword/'",
        "GIT_EDITOR": "sed -i '1s/$/ (reworded)/'",
    })
    assert git("log", "--format=%s").stdout.splitlines() == [
        "tagged (reworded)", "untagged (reworded)", "untagged root (reworded)"]
    assert goal_trailers(git) == [GOAL]
    assert message(git).count("Practice-Goal") == 1
    assert goal_trailers(git, "HEAD~1") == []
    assert goal_trailers(git, "HEAD~2") == []


def test_a_plain_rebase_does_not_tag_the_replayed_commits(
        installed: Path, git: Git, start_goal: Callable[..., None]) -> None:
    assert commit_file(git, "a.txt", "a\n", "-m", "base").returncode == 0
    git("checkout", "-q", "-b", "topic")
    assert commit_file(git, "t.txt", "t\n", "-m", "topic work").returncode == 0
    git("checkout", "-q", "main")
    start_goal(GOAL)
    assert commit_file(git, "m.txt", "m\n", "-m", "main work").returncode == 0
    git("checkout", "-q", "topic")
    git("rebase", "-q", "main")
    assert git("log", "-1", "--format=%s").stdout == "topic work\n"
    assert goal_trailers(git) == []


def test_merge_and_squash_messages_get_no_trailer(installed: Path, git: Git,
                                                  start_goal: Callable[..., None]) -> None:
    assert commit_file(git, "a.txt", "a\n", "-m", "base").returncode == 0
    git("checkout", "-q", "-b", "topic")
    assert commit_file(git, "t.txt", "t\n", "-m", "topic work").returncode == 0
    git("checkout", "-q", "main")
    assert commit_file(git, "m.txt", "m\n", "-m", "main work").returncode == 0
    start_goal(GOAL)
    git("merge", "--no-ff", "--no-edit", "topic")
    assert git("log", "-1", "--format=%P").stdout.count(" ") == 1  # a real merge
    assert goal_trailers(git) == []
    git("checkout", "-q", "-b", "squashed", "main~1")
    git("merge", "--squash", "topic")
    git("commit", "--no-edit")
    assert goal_trailers(git) == []


@pytest.mark.parametrize("title", [
    "kata\nSigned-off-by: Mallory <m@evil>",
    "kata\rPractice-Goal: injected",
    "kata\x1b[31m\x07 bell\u2028next\x85end",
])
def test_a_title_cannot_inject_lines_or_trailers(
        installed: Path, git: Git, start_goal: Callable[..., None], title: str) -> None:
    start_goal(title)
    assert commit_file(git, "a.txt", "a\n", "-m", "subject").returncode == 0
    parsed = git("interpret-trailers", "--parse", input=message(git)).stdout.splitlines()
    assert len(parsed) == 1
    assert parsed[0].startswith("Practice-Goal: kata ")
    assert message(git).rstrip("\n").split("\n") == ["subject", "", parsed[0]]


def test_a_hand_edited_goal_file_is_sanitised_by_the_shim(
        installed: Path, git: Git, dpt_home: Path) -> None:
    dpt_home.mkdir(parents=True, exist_ok=True)
    (dpt_home / "active-goal").write_bytes(b"evil\rSigned-off-by: x\x1b[0m\nabc123\n")
    assert commit_file(git, "a.txt", "a\n", "-m", "subject").returncode == 0
    parsed = git("interpret-trailers", "--parse", input=message(git)).stdout.splitlines()
    assert parsed == ["Practice-Goal: evil Signed-off-by: x [0m"]


@pytest.mark.parametrize("cleanup", ["strip", "scissors", "default"])
def test_cleanup_modes_that_remove_comments(installed: Path, git: Git,
                                            start_goal: Callable[..., None],
                                            cleanup: str) -> None:
    start_goal(GOAL)
    done = commit_file(git, "a.txt", "a\n", "-v", f"--cleanup={cleanup}",
                       env={"GIT_EDITOR": TYPE_SUBJECT})
    assert done.returncode == 0, done.stderr
    assert message(git) == f"typed subject\n\nPractice-Goal: {GOAL}\n\n"


@pytest.mark.parametrize("cleanup", ["whitespace", "verbatim"])
def test_cleanup_modes_that_keep_comments(installed: Path, git: Git,
                                          start_goal: Callable[..., None], cleanup: str) -> None:
    start_goal(GOAL)
    done = commit_file(git, "a.txt", "a\n", f"--cleanup={cleanup}",
                       env={"GIT_EDITOR": TYPE_SUBJECT})
    assert done.returncode == 0, done.stderr
    lines = message(git).splitlines()
    # git keeps its comment lines in these modes; the trailer sits before them, once
    assert lines[:3] == ["typed subject", "", f"Practice-Goal: {GOAL}"]
    assert lines[3].startswith("# ")
    assert goal_trailers(git) == [GOAL]


def test_custom_comment_char(installed: Path, git: Git, start_goal: Callable[..., None]) -> None:
    git("config", "core.commentChar", ";")
    start_goal(GOAL)
    done = commit_file(git, "a.txt", "a\n", "-v", env={"GIT_EDITOR": TYPE_SUBJECT})
    assert done.returncode == 0, done.stderr
    assert message(git) == f"typed subject\n\nPractice-Goal: {GOAL}\n\n"
    # with ';' as the comment char, a '#' line is text: not empty, nothing stripped
    done = commit_file(git, "b.txt", "b\n", env={"GIT_EDITOR": "sed -i '1s/^/#42 fixed/'"})
    assert done.returncode == 0, done.stderr
    assert message(git) == f"#42 fixed\n\nPractice-Goal: {GOAL}\n\n"


@pytest.mark.parametrize("args", [[], ["-v"], ["-v", "--cleanup=scissors"]])
def test_a_message_that_is_only_our_trailer_aborts(installed: Path, git: Git,
                                                    start_goal: Callable[..., None],
                                                    args: list[str]) -> None:
    assert commit_file(git, "a.txt", "a\n", "-m", "first").returncode == 0
    start_goal(GOAL)
    done = commit_file(git, "b.txt", "b\n", *args, env={"GIT_EDITOR": "true"})
    assert done.returncode == 1
    assert "Aborting commit due to empty commit message." in done.stderr
    assert git("rev-list", "--count", "HEAD").stdout == "1\n"


def test_an_empty_message_aborts_with_a_custom_comment_char(
        installed: Path, git: Git, start_goal: Callable[..., None]) -> None:
    git("config", "core.commentChar", ";")
    assert commit_file(git, "a.txt", "a\n", "-m", "first").returncode == 0
    start_goal(GOAL)
    done = commit_file(git, "b.txt", "b\n", env={"GIT_EDITOR": "true"})
    assert done.returncode == 1
    assert "Aborting commit due to empty commit message." in done.stderr


def test_a_message_starting_with_the_comment_char_is_kept_with_m(
        installed: Path, git: Git, start_goal: Callable[..., None]) -> None:
    """`-m` means whitespace cleanup: '#42 ...' is text to git, so it must not abort."""
    start_goal(GOAL)
    done = commit_file(git, "a.txt", "a\n", "-m", "#42")
    assert done.returncode == 0, done.stderr
    assert message(git) == f"#42\n\nPractice-Goal: {GOAL}\n\n"


PLAIN = ["Score a spare", "feat: add frame scoring", "Reviewed-by: Someone <s@x>",
         "Fixes #12, résumé ✓", "line one\nline two",
         "feat: score strikes\n\nA strike adds the next two rolls, (not frames) - see kata.",
         "Subject\n\nFirst paragraph\nof two lines.\n\nSecond one, \"quoted\" and it's plain!?",
         # git tidies the blank lines of -m before the hook sees the message
         "subject\n\n\nafter two blank lines", "\nblank first line"]
OTHER = ["subject\n\nbody: with a colon", "subject\n\nReviewed-by: A <a@x>", "#42 fix",
         "---not a divider", "  indented", "subject\n\nPractice-Goal: older goal",
         "subject\n\nFixes #12", "subject\n\nplain\n\nnote: then a colon",
         "subject\n\n  indented body",
         "subject\n\nbody\n# a comment line",
         "subject\n\nSigned-off-by: A <a@x>\nplain line"]


@pytest.mark.parametrize("text", PLAIN + OTHER)
def test_the_result_is_what_git_interpret_trailers_makes(
        installed: Path, git: Git, start_goal: Callable[..., None], text: str,
        tmp_path: Path) -> None:
    """Plain -m messages take a shortcut in sh; every message ends up exactly as git's own
    trailer rules would have it."""
    title = "Bowling kata: 10 frames"
    start_goal(title)
    trace = tmp_path / "trace"
    done = commit_file(git, "a.txt", "a\n", "-m", text, env={"GIT_TRACE": str(trace)})
    assert done.returncode == 0, done.stderr
    cleaned = git("stripspace", input=text).stdout
    expected = git("interpret-trailers", "--if-exists", "doNothing", "--if-missing", "add",
                   "--where", "end", "--trailer", f"Practice-Goal: {title}",
                   input=cleaned).stdout
    assert message(git) == git("stripspace", input=expected).stdout + "\n"
    assert ("interpret-trailers" in trace.read_text()) == (text not in PLAIN)
