# --- common to every dptelemetry shim ---------------------------------------------------
# Plain POSIX sh. A dptelemetry problem never fails a commit: it is one warning line on
# stderr. Only a hook that was here before us (chained below) may stop git.

dpt_home=${DPT_HOME:-$DPT_INSTALL_HOME}

dpt_warn() {
    printf 'dptelemetry: %s\n' "$1" >&2
}

# The hook that was here before dptelemetry (kept as <hook>.dpt-legacy) runs first, with
# the same arguments and input; its exit status counts as if it were alone.
dpt_run_legacy() {
    [ "$DPT_CHAIN" = yes ] || return 0
    case $0 in
        */*) dpt_legacy=${0%/*}/$DPT_HOOK.dpt-legacy ;;
        *) dpt_legacy=./$DPT_HOOK.dpt-legacy ;;
    esac
    [ -x "$dpt_legacy" ] || return 0
    "$dpt_legacy" "$@"
}

# True while a rebase (or `git am`) replays commits. Found without running git: hooks run
# at the top of the worktree, where .git is the git dir or a file naming it.
dpt_rebasing() {
    if [ -n "$GIT_DIR" ]; then
        dpt_git_dir=$GIT_DIR
    elif [ -d .git ]; then
        dpt_git_dir=.git
    elif [ -f .git ]; then
        IFS= read -r dpt_git_dir < .git
        dpt_git_dir=${dpt_git_dir#gitdir: }
    else
        dpt_git_dir=$(git rev-parse --git-dir 2>/dev/null) || return 1
    fi
    [ -d "$dpt_git_dir/rebase-merge" ] || [ -d "$dpt_git_dir/rebase-apply" ]
}

# Start `dpt hooks record ARGS...` detached, with $dpt_input on its stdin: the commit never
# waits for Python or the store. A problem the recorder met last time is shown now.
dpt_record() {
    if [ -s "$dpt_home/hook-warning" ]; then
        IFS= read -r dpt_line < "$dpt_home/hook-warning"
        rm -f "$dpt_home/hook-warning"
        dpt_warn "an earlier commit: $dpt_line"
    fi
    if [ -x "$DPT_INSTALL_PYTHON" ] && [ -f "$DPT_INSTALL_PACKAGE/__init__.py" ]; then
        set -- "$DPT_INSTALL_PYTHON" -m dptelemetry hooks record "$@"
    elif command -v dpt >/dev/null 2>&1; then
        set -- dpt hooks record "$@"
    else
        dpt_warn "commit not recorded: dptelemetry is gone from $DPT_INSTALL_PYTHON and no dpt is on PATH (reinstall, then run: dpt hooks install)"
        return 0
    fi
    if [ -e "$dpt_home" ] && { [ ! -d "$dpt_home" ] || [ ! -w "$dpt_home" ]; }; then
        dpt_warn "commit not recorded: the data home $dpt_home is not a writable directory"
        return 0
    fi
    DPT_HOME=$dpt_home
    export DPT_HOME
    unset GIT_INDEX_FILE
    printf '%s' "$dpt_input" | "$@" >/dev/null 2>&1 &
}
# --- end of the common part ---------------------------------------------------------------
