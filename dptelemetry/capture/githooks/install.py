"""Install, uninstall and inspect the shims in a hooks directory.

The directory is the one git really uses (`git rev-parse --git-path hooks`: it follows
`core.hooksPath`, and linked worktrees share their main repository's). A hook that is
already there is kept as `<hook>.dpt-legacy` and run first by our shim, as git would have
run it (see common.sh: a shell script sees its own hook path as `$0`, which husky and
pre-commit need); uninstalling renames it back, so what was there before comes back byte
for byte. A hook manager that rewrites its hook over our shim (husky does on every `npm
install`) leaves a kept copy identical to the hook in place: that copy is stale, and
install and uninstall drop it.

`--global` writes the shims into git's template directory (`init.templateDir`), which
`git init` and `git clone` copy into every new repository. A global `core.hooksPath` would
reach existing repositories too, but it makes git ignore every repository's own
`.git/hooks` (and pre-commit refuses to install under it): exactly the repositories that
must keep working. A template only ever adds hooks where there are none.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from dptelemetry.capture.githooks import HOOKS
from dptelemetry.capture.githooks.git import GitError, repo_root, run_git
from dptelemetry.capture.githooks.shims import (
    LEGACY_SUFFIX,
    ShimSettings,
    installed_settings,
    is_ours,
    render,
    runs_as_itself,
    template_id,
)
from dptelemetry.errors import DptError
from dptelemetry.private_files import private_dir, private_tree

TEMPLATE_DIR = "git-template"


@dataclass(frozen=True)
class HookState:
    hook: str
    state: str
    """`current`, `outdated`, `missing` (not installed) or `foreign` (another tool's hook)."""
    detail: str = ""
    chained: bool = False
    """A hook that was here before is kept as `<hook>.dpt-legacy` and runs first."""


@dataclass(frozen=True)
class InstallResult:
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    chained: tuple[str, ...]
    """Hooks that were here before and now run first, from `<hook>.dpt-legacy`."""
    programs: tuple[str, ...] = ()
    """Those of `chained` that are not shell scripts: they see `<hook>.dpt-legacy` as their
    own name."""


def _inside(path: Path, parent: Path) -> bool:
    return path == parent or parent in path.parents


def _config(key: str, cwd: Path | None = None, scope: str | None = None) -> str | None:
    args = ["config", *([scope] if scope else []), "--type=path", "--get", key]
    try:
        return run_git(args, cwd=cwd).strip() or None
    except GitError:
        return None


def global_template() -> str | None:
    """`init.templateDir` from the global git config."""
    return _config("init.templateDir", scope="--global")


def global_hooks_path() -> str | None:
    """A global `core.hooksPath`: with it, git ignores every repository's own hooks dir."""
    return _config("core.hooksPath", scope="--global")


def repo_hooks_dir(repo: Path, *, force: bool = False) -> Path:
    """The hooks directory git uses for `repo`.

    Refuses (unless `force`) a `core.hooksPath` outside the repository: such a directory
    is usually shared by many repositories, or owned by another hook manager.
    """
    root = repo_root(repo)
    hooks = Path(run_git(["rev-parse", "--git-path", "hooks"], cwd=root).strip())
    hooks = (root / hooks).resolve()
    configured = _config("core.hooksPath", cwd=root)
    if configured and not force:
        common = (root / run_git(["rev-parse", "--git-common-dir"], cwd=root).strip()).resolve()
        if not (_inside(hooks, root.resolve()) or _inside(hooks, common)):
            raise DptError(
                f"core.hooksPath sends the hooks of {root} to {hooks}, outside the repository "
                "(shared with other repositories?); to install there anyway add --force"
            )
    return hooks


def template_hooks_dir(home: Path) -> tuple[Path, bool]:
    """(hooks directory of git's template, whether that template is dptelemetry's own)."""
    ours = home / TEMPLATE_DIR
    configured = global_template()
    if configured is None:
        return ours / "hooks", True
    template = Path(configured).expanduser()
    return template / "hooks", template.resolve() == ours.resolve()


def hook_state(directory: Path, hook: str, settings: ShimSettings) -> HookState:
    path, legacy = directory / hook, directory / f"{hook}{LEGACY_SUFFIX}"
    chained = os.path.lexists(legacy)
    if not os.path.lexists(path):
        return HookState(hook, "missing", chained=chained)
    if _stale_copy(path, legacy):
        return HookState(hook, "foreign", "another tool wrote its hook over ours (husky does "
                         "on npm install); install again")
    if not is_ours(path):
        return HookState(hook, "foreign", "another tool's hook; install keeps it and runs it "
                         "first", chained=chained)
    text = path.read_text(encoding="utf-8", errors="replace")
    if not os.access(path, os.X_OK):
        return HookState(hook, "outdated", "not executable, so git skips it", chained=chained)
    if text == render(hook, settings):
        return HookState(hook, "current", chained=chained)
    if f"(template {template_id(hook)})" not in text:
        return HookState(hook, "outdated", "written by another dptelemetry version",
                         chained=chained)
    baked = installed_settings(path)
    detail = "written for another setup"
    if baked is not None and baked.python != settings.python:
        gone = "" if os.access(baked.python, os.X_OK) else ", which is gone"
        detail = f"records with {baked.python}{gone}"
    elif baked is not None and baked.home != settings.home:
        detail = f"uses the data home {baked.home}"
    return HookState(hook, "outdated", detail, chained=chained)


def status(directory: Path, settings: ShimSettings) -> list[HookState]:
    return [hook_state(directory, hook, settings) for hook in HOOKS]


def _write_executable(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.dpt-tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.chmod(0o755)
    tmp.replace(path)


def _same_file(a: Path, b: Path) -> bool:
    """Both are the same symlink, or files with the same bytes."""
    try:
        if a.is_symlink() or b.is_symlink():
            return a.is_symlink() and b.is_symlink() and a.readlink() == b.readlink()
        return a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def _stale_copy(path: Path, legacy: Path) -> bool:
    """A kept copy identical to a foreign hook back in its place (a hook manager rewrote
    its hook over our shim): nothing is lost by dropping the copy."""
    return os.path.lexists(path) and not is_ours(path) and os.path.lexists(legacy) \
        and _same_file(path, legacy)


def install(directory: Path, settings: ShimSettings) -> InstallResult:
    """Write every shim into `directory`; idempotent. Checks everything before changing
    anything, so a refusal leaves the directory as it was."""
    for hook in HOOKS:
        path, legacy = directory / hook, directory / f"{hook}{LEGACY_SUFFIX}"
        if os.path.lexists(path) and not is_ours(path) and os.path.lexists(legacy) \
                and not _stale_copy(path, legacy):
            raise DptError(
                f"both {path} and {legacy.name} exist and neither is dptelemetry's shim; "
                "move one of them aside, then install again"
            )
    directory.mkdir(parents=True, exist_ok=True)
    written, unchanged, chained, programs = [], [], [], []
    for hook in HOOKS:
        path, legacy = directory / hook, directory / f"{hook}{LEGACY_SUFFIX}"
        text = render(hook, settings)
        if os.path.lexists(path) and not is_ours(path):
            path.replace(legacy)
            chained.append(hook)
            if not runs_as_itself(legacy):
                programs.append(hook)
        if path.is_file() and os.access(path, os.X_OK) and \
                path.read_text(encoding="utf-8", errors="replace") == text:
            unchanged.append(hook)
            continue
        _write_executable(path, text)
        written.append(hook)
    return InstallResult(tuple(written), tuple(unchanged), tuple(chained), tuple(programs))


def uninstall(directory: Path) -> tuple[list[str], list[str], list[str]]:
    """Remove our shims and put kept hooks back. Returns (removed, restored, left alone):
    a hook that another tool wrote over ours is left alone, with its legacy file, unless
    that file is a stale copy of it."""
    removed, restored, left = [], [], []
    for hook in HOOKS:
        path, legacy = directory / hook, directory / f"{hook}{LEGACY_SUFFIX}"
        if _stale_copy(path, legacy):
            legacy.unlink()
            restored.append(hook)
            continue
        if os.path.lexists(path) and not is_ours(path):
            if os.path.lexists(legacy):
                left.append(hook)
            continue
        if os.path.lexists(path):
            path.unlink()
            removed.append(hook)
        if os.path.lexists(legacy):
            legacy.rename(path)
            restored.append(hook)
    return removed, restored, left


def _default_template() -> Path | None:
    """git's built-in template directory (sample hooks, info/exclude, description)."""
    try:
        exec_path = Path(run_git(["--exec-path"]).strip())
    except GitError:
        return None
    candidate = exec_path.parent.parent / "share" / "git-core" / "templates"
    return candidate if candidate.is_dir() else None


def install_global(home: Path, settings: ShimSettings) -> tuple[Path, InstallResult]:
    """Shims into git's template: dptelemetry's own one unless `init.templateDir` is set."""
    hooks, ours = template_hooks_dir(home)
    if ours:
        private_dir(home)  # our template lives in the data home
    if ours and global_template() is None:
        template = hooks.parent
        default = _default_template()
        if default is not None and not template.exists():
            shutil.copytree(default, template, symlinks=True)
        template.mkdir(parents=True, exist_ok=True)
        run_git(["config", "--global", "init.templateDir", str(template)])
    result = install(hooks, settings)
    if ours:
        private_tree(hooks.parent)
    return hooks, result


def uninstall_global(home: Path) -> tuple[Path, tuple[list[str], list[str], list[str]]]:
    hooks, ours = template_hooks_dir(home)
    result = uninstall(hooks) if hooks.is_dir() else ([], [], [])
    if ours:
        if global_template() is not None:
            run_git(["config", "--global", "--unset", "init.templateDir"])
        if not result[2]:
            shutil.rmtree(hooks.parent, ignore_errors=True)
    return hooks, result
