"""`dpt hooks install|uninstall|status|run` and `dpt log`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from dptelemetry.capture.githooks import HOOKS

if TYPE_CHECKING:
    from dptelemetry.capture.githooks.git import CommitFacts
    from dptelemetry.capture.githooks.goal_log import GoalCommits
    from dptelemetry.goals import Goal


_REPO = click.option("--repo", type=click.Path(path_type=Path, file_okay=False), default=None,
                     help="The repository (default: the current directory).")
_GLOBAL = click.option("--global", "global_", is_flag=True,
                       help="Every new repository: git's template directory (init.templateDir).")


def _target(repo: Path | None, global_: bool) -> Path:
    if global_ and repo is not None:
        raise click.UsageError("--repo and --global exclude each other")
    return repo or Path()


def _names(hooks: list[str] | tuple[str, ...]) -> str:
    return ", ".join(hooks)


@click.group()
def hooks() -> None:
    """Git hooks: tag commits with the active goal (a Practice-Goal trailer), record them."""


@hooks.command()
@_REPO
@_GLOBAL
@click.option("--force", is_flag=True,
              help="Install even where core.hooksPath points outside the repository.")
def install(repo: Path | None, global_: bool, force: bool) -> None:
    """Install the hook shims; hooks already there are kept and still run first."""
    from dptelemetry.capture.githooks import install as installer
    from dptelemetry.capture.githooks.shims import LEGACY_SUFFIX, ShimSettings
    from dptelemetry.config import data_home

    target = _target(repo, global_)
    settings = ShimSettings.current()
    if global_:
        directory, result = installer.install_global(data_home(), settings)
        where = f"git's template {directory} (copied into every new or cloned repository)"
    else:
        directory = installer.repo_hooks_dir(target, force=force)
        result = installer.install(directory, settings)
        where = str(directory)
    if result.written:
        click.echo(f"Installed in {where}: {_names(result.written)}.")
    else:
        click.echo(f"Already installed and current in {where}.")
    for hook in result.chained:
        click.echo(f"Kept your {hook} as {hook}{LEGACY_SUFFIX}: it runs first, as git would "
                   "run it, and 'dpt hooks uninstall' puts it back.")
    for hook in result.programs:
        click.echo(f"dpt: warning: your {hook} is not a shell script, so it runs as "
                   f"{hook}{LEGACY_SUFFIX}: a program that reads its own name from argv[0] "
                   "may behave differently", err=True)
    if global_:
        shared = installer.global_hooks_path()
        if shared:
            click.echo(f"dpt: warning: core.hooksPath is set globally ({shared}); git runs the "
                       "hooks there, not the copies in each repository", err=True)
        click.echo("Existing repositories: run 'dpt hooks install' in each.")


@hooks.command()
@_REPO
@_GLOBAL
def uninstall(repo: Path | None, global_: bool) -> None:
    """Remove the shims and put back the hooks that were there before."""
    from dptelemetry.capture.githooks import install as installer
    from dptelemetry.capture.githooks.shims import LEGACY_SUFFIX
    from dptelemetry.config import data_home

    target = _target(repo, global_)
    if global_:
        directory, (removed, restored, left) = installer.uninstall_global(data_home())
    else:
        directory = installer.repo_hooks_dir(target, force=True)
        removed, restored, left = installer.uninstall(directory)
    if not (removed or restored or left):
        click.echo(f"No dptelemetry hooks in {directory}.")
    if removed:
        click.echo(f"Removed from {directory}: {_names(removed)}.")
    if restored:
        click.echo(f"Put back: {_names(restored)}.")
    for hook in left:
        click.echo(f"Left alone: {hook} (another tool replaced our shim; "
                   f"{hook}{LEGACY_SUFFIX} is still there).")


_STATE_TEXT = {"current": "installed, current", "missing": "not installed",
               "foreign": "not installed", "outdated": "installed, outdated"}


@hooks.command()
@_REPO
@_GLOBAL
def status(repo: Path | None, global_: bool) -> None:
    """Say which hooks are installed where, and whether the shims are current."""
    from dptelemetry import fallback
    from dptelemetry.capture.githooks import install as installer
    from dptelemetry.capture.githooks.record import WARNING_FILE
    from dptelemetry.capture.githooks.shims import LEGACY_SUFFIX, ShimSettings
    from dptelemetry.config import data_home
    from dptelemetry.store.spool import SPOOL_DIR

    target = _target(repo, global_)
    settings = ShimSettings.current()
    if global_:
        directory, ours = installer.template_hooks_dir(data_home())
        configured = installer.global_template()
        click.echo(f"git template hooks: {directory}")
        click.echo(f"init.templateDir:   {configured or 'not set'}"
                   + ("" if configured or not ours else " (install sets it)"))
    else:
        directory = installer.repo_hooks_dir(target, force=True)
        click.echo(f"hooks directory: {directory}")
    states = installer.status(directory, settings)
    width = max(len(s.hook) for s in states)
    for state in states:
        text = _STATE_TEXT[state.state]
        if state.detail:
            text += f": {state.detail}"
        if state.chained:
            text += f" (runs {state.hook}{LEGACY_SUFFIX} first)"
        click.echo(f"  {state.hook:<{width}}  {text}")
    if any(s.state != "current" for s in states):
        click.echo("To install or update: dpt hooks install" + (" --global" if global_ else ""))
    click.echo(f"data home: {settings.home}")
    click.echo(f"recorder:  {settings.python}")
    home = Path(settings.home)
    elsewhere = fallback.directory(home)
    for warning in (home / WARNING_FILE, *([elsewhere / WARNING_FILE] if elsewhere else [])):
        if warning.is_file():
            problem = warning.read_text(encoding="utf-8", errors="replace").strip()
            click.echo(f"last recorder problem: {problem or 'not recorded, reason unknown'}")
    waiting = len(list((elsewhere / SPOOL_DIR).glob("*.jsonl"))) if elsewhere else 0
    if waiting:
        click.echo(f"waiting in {elsewhere}: {waiting} batch(es) the data home could not "
                   "take; any dpt command stores them once it can")


@hooks.command(hidden=True)
@click.argument("hook", type=click.Choice(["commit", "merge", "rewrite"]))
@click.argument("args", nargs=-1)
def record(hook: str, args: tuple[str, ...]) -> None:
    """Record a commit (the post-commit and post-rewrite shims call this, detached)."""
    from dptelemetry.capture.githooks.record import record_detached

    pairs = sys.stdin.read() if hook == "rewrite" else ""
    record_detached(hook, args, pairs)


@hooks.command(context_settings={"ignore_unknown_options": True})
@click.argument("hook", type=click.Choice(HOOKS))
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def run(hook: str, args: tuple[str, ...]) -> None:
    """Run one hook now, for hook managers such as pre-commit (see .pre-commit-hooks.yaml).

    pre-commit passes the message file as an argument and the rest in its PRE_COMMIT_*
    variables; they are turned back into git's hook arguments here.
    """
    from dptelemetry.capture.githooks.git import rewritten_pairs
    from dptelemetry.capture.githooks.shims import ShimSettings, render

    argv = list(args)
    env = os.environ
    pairs = ""
    if hook == "prepare-commit-msg" and len(argv) == 1:
        argv += [env.get("PRE_COMMIT_COMMIT_MSG_SOURCE", ""),
                 env.get("PRE_COMMIT_COMMIT_OBJECT_NAME", "")]
    if hook == "post-rewrite":
        argv = argv or [env.get("PRE_COMMIT_REWRITE_COMMAND", "")]
        pairs = "" if sys.stdin.isatty() else sys.stdin.read()
        if not pairs.strip():
            pairs = rewritten_pairs(Path(), argv[0])
    script = render(hook, ShimSettings.current(), chain=False)
    done = subprocess.run(["sh", "-c", script, hook, *argv], input=pairs, text=True, check=False)
    sys.exit(done.returncode)


@click.command()
@click.option("--goal", "title", metavar="TITLE", help="Only the commits of this goal.")
@click.option("--all", "untagged", is_flag=True, help="Also the commits without a goal.")
@_REPO
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
def log(title: str | None, untagged: bool, repo: Path | None, fmt: str) -> None:
    """Commits per goal, from the Practice-Goal trailers in the repository's history, with
    the time from the goal's start (or previous commit) to each, where the store knows it."""
    from dptelemetry import clock
    from dptelemetry.capture.githooks.git import history, repo_root
    from dptelemetry.capture.githooks.goal_log import by_drill, group_by_goal
    from dptelemetry.errors import DptError
    from dptelemetry.render.blocks import plural

    if title is not None and untagged:
        raise click.UsageError("--goal and --all exclude each other")
    root = repo_root(repo or Path())
    commits = history(root)
    goals, recorded = _store_knowledge(root, commits)
    groups = group_by_goal(commits, goals, recorded, untagged=untagged, title=title)
    if title is not None and not groups:
        raise DptError(f"no commit in {root} is tagged 'Practice-Goal: {title}'")
    now = clock.now()
    if fmt == "json":
        click.echo(json.dumps([_group_json(g, now) for g in groups], indent=2))
        return
    if not groups:
        click.echo(f"No commit in {root} carries a Practice-Goal trailer "
                   "(start a goal with 'dpt goal start', then commit; --all lists the rest).")
        return
    for drill, members in by_drill(groups):
        if drill is not None:
            count = sum(len(g.commits) for g in members)
            click.echo(f"Drill '{drill}': {plural(count, 'commit')} in "
                       f"{plural(len(members), 'attempt')}")
        for group in members:
            _print_group(group, now, "  " if drill is not None else "")


def _store_knowledge(root: Path, commits: list[CommitFacts]
                     ) -> tuple[list[Goal], dict[str, str | None]]:
    """The goals, and sha -> goal id for the commits the recorder stored; nothing (with a
    warning) if the store cannot be read: the trailers alone still answer most of it."""
    from dptelemetry.capture.githooks.record import recorded_goals
    from dptelemetry.cli.common import cli_reader
    from dptelemetry.goals import load_goals
    from dptelemetry.store import StoreError

    try:
        with cli_reader() as store:
            return load_goals(store), recorded_goals(store, root, commits)
    except StoreError as exc:
        click.echo(f"dpt: warning: {exc}; showing the trailers only", err=True)
        return [], {}


def _duration(seconds: float | None) -> str:
    from dptelemetry.durations import format_duration

    return "-" if seconds is None else "+" + format_duration(seconds)


def _print_group(group: GoalCommits, now: float, indent: str = "") -> None:
    from dptelemetry.clock import local_time
    from dptelemetry.durations import format_duration

    count = len(group.commits)
    noun = "commit" if count == 1 else "commits"
    if group.title is None:
        click.echo(f"Without a goal: {count} {noun}")
    elif group.goal is None:
        click.echo(f"{group.title}: {count} {noun} (this goal is not in the store)")
    else:
        goal = group.goal
        ran = format_duration(goal.elapsed(now))
        state = f"running for {ran}" if goal.active else f"ended after {ran}"
        rated = f", rated {goal.rating}/10" if goal.rating else ""
        attempt = f"attempt {goal.attempt}: " if goal.attempt is not None else ""
        click.echo(f"{indent}{attempt}{group.title}: {count} {noun} over "
                   f"{format_duration(group.time_between_commits)}; goal {state}{rated}")
    for commit in group.commits:
        facts = commit.facts
        click.echo(f"{indent}  {local_time(facts.authored, '%Y-%m-%d %H:%M')}  "
                   f"{facts.sha[:9]}  {_duration(commit.since_previous):>7}  {facts.subject}")


def _group_json(group: GoalCommits, now: float) -> dict[str, Any]:
    from dptelemetry.analysis.days import iso

    goal = group.goal
    return {
        "title": group.title,
        "goal_id": goal.id if goal else None,
        "goal_started": iso(goal.started) if goal else None,
        "goal_ended": iso(goal.ended) if goal and goal.ended else None,
        "goal_elapsed_s": round(goal.elapsed(now), 1) if goal else None,
        "drill": goal.drill if goal else None,
        "attempt": goal.attempt if goal else None,
        "time_between_commits_s": round(group.time_between_commits, 1),
        "commits": [{"sha": c.facts.sha, "authored": iso(c.facts.authored),
                     "subject": c.facts.subject,
                     "since_previous_s": None if c.since_previous is None
                     else round(c.since_previous, 1)}
                    for c in group.commits],
    }
