"""`dpt share`: what a learner sends to a mentor's cohort repository, and nothing more."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from dptelemetry.events import to_jsonl
from tests.analysis.builders import DAY, DayBuilder
from tests.summary.days import HOUR, MIN, practice_day
from tests.sync.conftest import Home, bare_repo

SECRET_FILE = "src/SECRETMODULE.py"
SECRET_TEST = "pkg/test_SECRETFILE.py::test_SECRETFUNC[param]"
SECRET_REPO = "/home/learner/SECRETCLIENT"


def secret_day() -> DayBuilder:
    """The practice day, plus a morning where one secret test fails four runs in a row (a
    repeated-failure signal names it) while a secret file is edited between the runs."""
    day = practice_day()
    for k in range(4):
        t = 11 * HOUR + k * MIN
        edit = day.edit(t, inserted=5, path=SECRET_FILE, line=k)
        object.__setattr__(edit, "repo", SECRET_REPO)
        day.red(t + 30, SECRET_TEST)
    return day


def store(run: Home, tmp_path: Path, day: DayBuilder) -> None:
    export = tmp_path / "day.jsonl"
    export.write_text("".join(to_jsonl(e) + "\n" for e in day.events))
    run("import", str(export))


def dry_run_files(output: str) -> dict[str, str]:
    files: dict[str, str] = {}
    name = ""
    for line in output.splitlines(keepends=True):
        if line.startswith("=== "):
            name = line[4:].strip()
            files[name] = ""
        else:
            files[name] += line
    return files


def everything_in(url: str, tmp_path: Path) -> str:
    """Every byte of every version of every file the remote holds."""
    git_dir = url.removeprefix("file://")
    return subprocess.run(["git", "--git-dir", git_dir, "log", "--all", "-p", "--format=%B"],
                          capture_output=True, text=True, check=True).stdout


def test_dry_run_shows_exactly_what_is_pushed(home, remote: str, tmp_path: Path) -> None:
    alice = home("alice")
    store(alice, tmp_path, secret_day())
    alice("share", "init", remote, "--as", "alice")
    dry = alice("share", "--date", DAY.isoformat(), "--dry-run")
    assert "nothing was sent" in dry.stderr
    shown = dry_run_files(dry.stdout)
    assert sorted(shown) == ["learners/alice/days/2024-05-06.json", "learners/alice/learner.json"]
    assert everything_in(remote, tmp_path) == ""  # a dry run sends nothing

    done = alice("share", "--date", DAY.isoformat())
    assert done.stdout.strip() == f"Shared 1 day as alice with {remote}."
    clone = tmp_path / "mentor-view"
    subprocess.run(["git", "clone", "-q", remote, str(clone)], check=True)
    for name, text in shown.items():
        assert (clone / name).read_text() == text
    assert alice("share", "--date", DAY.isoformat()).stdout.startswith("Nothing new to share")


def test_no_path_repository_or_test_id_leaves_the_machine(home, remote: str,
                                                         tmp_path: Path) -> None:
    alice = home("alice")
    store(alice, tmp_path, secret_day())
    summary = alice("summary", "--date", DAY.isoformat(), "--format", "json").stdout
    assert SECRET_TEST in summary  # the learner's own summary names them ...
    alice("share", "init", remote, "--as", "alice")
    alice("share", "--date", DAY.isoformat())
    sent = everything_in(remote, tmp_path)
    for secret in ("SECRETMODULE", "SECRETFILE", "SECRETFUNC", "SECRETCLIENT", "a.py",
                   "bowling.py", "frame.py", "test_c1", "test_x"):
        assert secret not in sent, secret
    clone = tmp_path / "mentor-view"
    subprocess.run(["git", "clone", "-q", remote, str(clone)], check=True)
    shared = json.loads((clone / "learners/alice/days/2024-05-06.json").read_text())
    repeated = next(s for s in shared["signals"] if s["name"] == "repeated_failure_density")
    assert repeated["summary"].startswith("[test] failed with AssertionError in 4 runs")
    assert "evidence" not in repeated
    assert "timeline" not in shared and "longest" not in shared["pauses"]
    # ... and what a coach needs is there
    assert shared["active_seconds"] == json.loads(summary)["active_seconds"]
    assert [g["title"] for g in shared["goals"]] == ["bowling kata"]
    assert shared["stuck_moments"][0]["text"] == "mocking the clock"


def test_only_the_learner_runs_it_and_days_follow_on(home, remote: str, tmp_path: Path) -> None:
    alice = home("alice")
    store(alice, tmp_path, practice_day())
    alice("share", "init", remote, "--as", "alice")
    assert everything_in(remote, tmp_path) == ""  # joining sends nothing
    alice("share", "--since", "2024-05-05", env=_today("2024-05-07"))
    first = everything_in(remote, tmp_path)
    assert "learners/alice/days/2024-05-06.json" in first
    assert "2024-05-05.json" not in first and "2024-05-07.json" not in first  # empty days
    later = alice("share", env=_today("2024-05-08"))  # from the last shared day on
    assert later.stdout.startswith("Nothing new to share (no recorded day checked")


def _today(day: str) -> dict[str, str]:
    """DPT_CLOCK_OFFSET that makes `day` today (noon UTC)."""
    import time
    from datetime import datetime, timezone

    noon = datetime.fromisoformat(f"{day}T12:00:00").replace(tzinfo=timezone.utc).timestamp()
    return {"DPT_CLOCK_OFFSET": str(noon - time.time())}


def test_bad_names_and_missing_setup_are_one_line(home, remote: str) -> None:
    alice = home("alice")
    done = alice("share", check=False)
    assert done.returncode == 1 and done.stderr.strip() == (
        "dpt: error: sharing is not set up: run `dpt share init URL --as NAME` with your "
        "mentor's cohort repository first")
    bad = alice("share", "init", remote, "--as", "../bob", check=False)
    assert bad.returncode == 1 and "cannot be a learner name" in bad.stderr
    both = alice("share", "--date", "today", "--since", "2024-01-01", check=False)
    assert both.returncode == 2 and "not both" in both.stderr


def test_the_example_hook_keeps_each_learner_in_their_folder(home, tmp_path: Path,
                                                             run_dpt) -> None:
    url = bare_repo(tmp_path / "cohort.git")
    hook = tmp_path / "cohort.git" / "hooks" / "pre-receive"
    hook.write_text(run_dpt("cohort", "hook").stdout)
    hook.chmod(0o755)
    alice, mallory = home("alice"), home("mallory")
    store(alice, tmp_path, practice_day())
    alice("share", "init", url, "--as", "alice")
    assert alice("share", "--date", DAY.isoformat(),
                 env={"DPT_COHORT_USER": "alice"}).returncode == 0

    # mallory's dpt claims to be alice: the server knows who pushes, and refuses
    store(mallory, tmp_path, practice_day())
    mallory("share", "init", url, "--as", "alice")
    (tmp_path / "mallory" / "dpt-config.toml").touch()
    refused = mallory("share", "--since", "2024-05-05", env={"DPT_COHORT_USER": "mallory",
                                                              **_today("2024-05-07")},
                      check=False)
    assert refused.returncode == 1
    assert ("the remote refused the push: dpt cohort: mallory may write only under "
            "learners/mallory/, not learners/alice/") in refused.stderr

    # a hand-made commit outside one's folder is refused too, and a mentor may write anywhere
    clone = tmp_path / "by-hand"
    subprocess.run(["git", "clone", "-q", url, str(clone)], check=True)
    (clone / "learners" / "bob").mkdir(parents=True)
    (clone / "learners" / "bob" / "x.json").write_text("{}\n")
    subprocess.run(["git", "-C", str(clone), "add", "."], check=True)
    subprocess.run(["git", "-C", str(clone), "commit", "-qm", "x"], check=True)
    push = ["git", "-C", str(clone), "push", "-q", "origin", "HEAD"]
    env = {**os.environ, "DPT_COHORT_USER": "alice"}
    assert subprocess.run(push, env=env, capture_output=True, check=False).returncode != 0
    subprocess.run(["git", "--git-dir", str(tmp_path / "cohort.git"), "config", "dpt.mentors",
                    "ana"], check=True)
    assert subprocess.run(push, env={**env, "DPT_COHORT_USER": "ana"},
                          capture_output=True, check=False).returncode == 0


def _at(day_time: str) -> dict[str, str]:
    """DPT_CLOCK_OFFSET that makes now `day_time` (ISO, UTC)."""
    import time
    from datetime import datetime, timezone

    then = datetime.fromisoformat(day_time).replace(tzinfo=timezone.utc).timestamp()
    return {"DPT_CLOCK_OFFSET": str(then - time.time())}


def test_a_drill_attempted_on_a_shared_day_goes_whole(home, remote: str, tmp_path: Path) -> None:
    alice = home("alice")
    alice("goal", "start", "Bowling kata", "--drill", "Bowling", "--timebox", "30m",
          env=_at("2024-05-06T09:00:00"))
    alice("goal", "end", "--rating", "5", env=_at("2024-05-06T09:30:00"))
    alice("goal", "again", "--change", "feedback", "tests first", env=_at("2024-05-07T09:00:00"))
    alice("goal", "end", "--rating", "7", env=_at("2024-05-07T09:30:00"))
    alice("share", "init", remote, "--as", "alice")
    shown = dry_run_files(alice("share", "--date", "2024-05-07", "--dry-run").stdout)
    [drill_file] = [name for name in shown if "/drills/" in name]
    shared = json.loads(shown[drill_file])
    # named by the first attempt's goal id, which no rename changes
    assert drill_file == f"learners/alice/drills/{shared['attempts'][0]['goal_id']}.json"
    own = json.loads(alice("drill", "show", "bowling", "--format", "json").stdout)
    assert shared == own  # every field of a drill may go, and nothing is added
    assert [(a["attempt"], a["rating"]) for a in shared["attempts"]] == [(1, 5), (2, 7)]
    assert shared["attempts"][1]["changes"] == [{"lever": "feedback", "text": "tests first"}]
    day = json.loads(shown["learners/alice/days/2024-05-07.json"])
    assert [(g["drill"], g["attempt"]) for g in day["goals"]] == [("Bowling", 2)]
    # a day without an attempt sends no drill
    alice("stuck", "later", env=_at("2024-05-08T09:00:00"))
    later = alice("share", "--date", "2024-05-08", "--dry-run").stdout
    assert "/drills/" not in later


def test_a_drill_file_clears_names_recorded_in_any_attempt(home, remote: str,
                                                           tmp_path: Path) -> None:
    """A drill's file holds every attempt: a note on an attempt of a day not shared names
    that day's files and tests, and they are cleared all the same."""
    alice = home("alice")
    day = DayBuilder(day=DAY)
    goal = day.goal(10 * HOUR + 55 * MIN, "Bowling kata", drill="Bowling",
                    constraints=[f"only {SECRET_FILE}"])
    for k in range(4):
        edit = day.edit(11 * HOUR + k * MIN, inserted=5, path=SECRET_FILE, line=k)
        object.__setattr__(edit, "repo", SECRET_REPO)
        day.red(11 * HOUR + k * MIN + 30, SECRET_TEST)
    day.end_goal(11 * HOUR + 10 * MIN, goal, rating=4,
                 note=f"stuck on pkg/test_SECRETFILE.py::test_SECRETFUNC in {SECRET_FILE} "
                      f"of {SECRET_REPO}; test_SECRETFUNC again")
    store(alice, tmp_path, day)
    alice("goal", "again", "--change", "feedback", "smaller steps than in SECRETMODULE.py",
          env=_at("2024-05-07T09:00:00"))
    alice("goal", "end", "--rating", "7", env=_at("2024-05-07T09:30:00"))
    alice("share", "init", remote, "--as", "alice")
    alice("share", "--date", "2024-05-07")  # the first attempt's day stays home
    sent = everything_in(remote, tmp_path)
    assert "/drills/" in sent and "2024-05-06.json" not in sent
    for secret in ("SECRETMODULE", "SECRETFILE", "SECRETFUNC", "SECRETCLIENT"):
        assert secret not in sent, secret
    assert ("stuck on [test] in [file] of [repository]; [test] again" in sent)
    assert "only [file]" in sent and "smaller steps than in [file]" in sent


def test_the_hook_checks_what_a_merge_itself_changes(tmp_path: Path, run_dpt) -> None:
    """A merge that adds a file to another learner's folder is refused; a merge that only
    brings in what others pushed is not (nor is its own folder's work)."""
    url = bare_repo(tmp_path / "cohort.git")
    hook = tmp_path / "cohort.git" / "hooks" / "pre-receive"
    hook.write_text(run_dpt("cohort", "hook").stdout)
    hook.chmod(0o755)

    def clone(name: str) -> Path:
        folder = tmp_path / name
        subprocess.run(["git", "clone", "-q", url, str(folder)], check=True,
                       capture_output=True)
        return folder

    def git(folder: Path, *args: str, user: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", "-C", str(folder), *args], capture_output=True,
                              text=True, check=False,
                              env={**os.environ, "DPT_COHORT_USER": user})

    def commit(folder: Path, path: str, text: str) -> None:
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text)
        assert git(folder, "add", path).returncode == 0
        assert git(folder, "commit", "-qm", path).returncode == 0

    alice, bob = clone("alice"), clone("bob")
    commit(alice, "learners/alice/a.json", "1\n")
    assert git(alice, "push", "-q", "origin", "HEAD:main", user="alice").returncode == 0
    assert git(bob, "pull", "-q", "origin", "main").returncode == 0
    commit(bob, "learners/bob/b.json", "1\n")
    assert git(bob, "push", "-q", "origin", "HEAD:main", user="bob").returncode == 0

    commit(alice, "learners/alice/a.json", "2\n")  # then bob's work merged in: allowed
    assert git(alice, "pull", "-q", "--no-rebase", "origin", "main").returncode == 0
    assert git(alice, "rev-list", "--count", "--merges", "HEAD").stdout.strip() == "1"
    assert git(alice, "push", "-q", "origin", "HEAD:main", user="alice").returncode == 0

    git(alice, "checkout", "-qb", "side", "HEAD~1")
    commit(alice, "learners/alice/side.json", "1\n")
    git(alice, "checkout", "-q", "-")
    assert git(alice, "merge", "-q", "--no-commit", "side").returncode == 0
    (alice / "learners" / "bob" / "evil.json").write_text("{}\n")  # inside the merge
    git(alice, "add", ".")
    assert git(alice, "commit", "-qm", "merge side").returncode == 0
    refused = git(alice, "push", "origin", "HEAD:main", user="alice")
    assert refused.returncode != 0
    assert ("dpt cohort: alice may write only under learners/alice/, not "
            "learners/bob/evil.json") in refused.stderr
    fresh = git(alice, "push", "origin", "HEAD:refs/heads/new", user="alice")  # a new ref too
    assert fresh.returncode != 0 and "learners/bob/evil.json" in fresh.stderr


def test_a_drill_keeps_its_file_through_a_rename_and_a_merge(home, remote: str,
                                                             tmp_path: Path) -> None:
    alice = home("alice")
    alice("share", "init", remote, "--as", "alice")

    def attempt(day: str, *start: str) -> None:
        alice("goal", *start, env=_at(f"{day}T09:00:00"))
        alice("goal", "end", "--rating", "5", env=_at(f"{day}T09:30:00"))
        alice("share", "--date", day, env=_at(f"{day}T12:00:00"))

    def drills() -> dict[str, dict[str, object]]:
        clone = tmp_path / f"mentor-{len(list(tmp_path.glob('mentor-*')))}"
        subprocess.run(["git", "clone", "-q", remote, str(clone)], check=True)
        return {p.name: json.loads(p.read_text())
                for p in (clone / "learners/alice/drills").glob("*.json")}

    attempt("2024-05-06", "start", "Bowling kata", "--drill", "Bowling")
    attempt("2024-05-07", "start", "Kata", "--drill", "Kata")
    first = drills()
    bowling = next(name for name, d in first.items() if d["name"] == "Bowling")
    alice("drill", "rename", "Bowling", "Bowling kata", env=_at("2024-05-08T08:00:00"))
    attempt("2024-05-08", "again", "Bowling kata")
    renamed = drills()
    assert sorted(renamed) == sorted(first)  # the same file, not a second one
    assert (renamed[bowling]["name"], len(renamed[bowling]["attempts"])) == ("Bowling kata", 2)

    alice("drill", "rename", "Kata", "Bowling kata", "--merge",
          env=_at("2024-05-09T08:00:00"))
    attempt("2024-05-09", "again", "Bowling kata")
    merged = drills()
    assert list(merged) == [bowling]  # the merged-away drill's file is gone
    assert [a["title"] for a in merged[bowling]["attempts"]] == [
        "Bowling kata", "Kata", "Bowling kata", "Bowling kata"]
