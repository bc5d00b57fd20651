# --- common to every dptelemetry shim ---------------------------------------------------
# Plain POSIX sh. A dptelemetry problem never fails a commit: it is one warning line on
# stderr. Only a hook that was here before us (chained below) may stop git.

dpt_home=${DPT_HOME:-$DPT_INSTALL_HOME}

dpt_warn() {
    printf 'dptelemetry: %s\n' "$1" >&2
}

# True when a hook was here before dptelemetry (kept as <hook>.dpt-legacy, in dpt_legacy)
# and git would run it. dpt_hook_path is the path git runs this hook by.
dpt_has_legacy() {
    [ "$DPT_CHAIN" = yes ] || return 1
    case $0 in
        */*) dpt_hook_path=${0%/*}/$DPT_HOOK ;;
        *) dpt_hook_path=./$DPT_HOOK ;;  # run by a bare name: never looked up in PATH
    esac
    dpt_legacy=$dpt_hook_path.dpt-legacy
    [ -x "$dpt_legacy" ]
}

# That hook runs first, exactly as git would have run it: same arguments, input, directory
# and environment, its exit status counting as if it were alone, and $0 the hook's own
# path (husky and pre-commit find their files from $0). So a shell script is read by the
# shell it names (sh, as git does, when it has no #! line) with $0 set to that path; only
# another kind of program runs under its kept name.
dpt_run_legacy() {
    dpt_has_legacy || return 0
    if dpt_legacy_shell; then
        dpt_quote "$dpt_legacy"
        "$dpt_shell" ${dpt_option:+"$dpt_option"} -c ". $dpt_quoted" "$dpt_hook_path" "$@"
    else
        "$dpt_legacy" "$@"
    fi
}

# True when the kept hook is a shell script; its interpreter and the one argument the
# kernel would pass it (the rest of the #! line) into dpt_shell and dpt_option.
dpt_legacy_shell() {
    dpt_line= dpt_shell= dpt_option=
    IFS= read -r dpt_line < "$dpt_legacy"
    case $dpt_line in
        '#!'*) ;;
        "$(printf '\177')ELF"*) return 1 ;;
        *) dpt_shell=/bin/sh; return 0 ;;
    esac
    dpt_line=${dpt_line#??}
    dpt_line=${dpt_line#"${dpt_line%%[![:blank:]]*}"}
    dpt_shell=${dpt_line%%[[:blank:]]*}
    dpt_option=${dpt_line#"$dpt_shell"}
    dpt_option=${dpt_option#"${dpt_option%%[![:blank:]]*}"}
    dpt_option=${dpt_option%"${dpt_option##*[![:blank:]]}"}
    dpt_line=${dpt_shell##*/}
    if [ "$dpt_line" = env ]; then  # #!/usr/bin/env sh, #!/usr/bin/env -S bash -e
        dpt_line=${dpt_option#-S}
        dpt_line=${dpt_line#"${dpt_line%%[![:blank:]]*}"}
        dpt_line=${dpt_line%%[[:blank:]]*}
    else
        case $dpt_option in
            - | --) dpt_option= ;;
            -* | '') ;;
            *) return 1 ;;  # a script name, not an option
        esac
    fi
    case $dpt_line in
        sh | bash | dash | ksh | ksh93 | mksh | ash | posh | yash) return 0 ;;
    esac
    return 1
}

# $1 as one shell word, in dpt_quoted.
dpt_quote() {
    dpt_quoted= dpt_rest=$1
    while :; do
        case $dpt_rest in
            *\'*) dpt_quoted="$dpt_quoted${dpt_rest%%\'*}'\\''" dpt_rest=${dpt_rest#*\'} ;;
            *) break ;;
        esac
    done
    dpt_quoted="'$dpt_quoted$dpt_rest'"
}

# git's directory for this worktree (into dpt_git_dir), found without running git: hooks
# run at the top of the worktree, where .git is that directory or a file naming it.
dpt_find_git_dir() {
    if [ -n "$GIT_DIR" ]; then
        dpt_git_dir=$GIT_DIR
    elif [ -d .git ]; then
        dpt_git_dir=.git
    elif [ -f .git ]; then
        IFS= read -r dpt_git_dir < .git
        dpt_git_dir=${dpt_git_dir#gitdir: }
    else
        dpt_git_dir=$(git rev-parse --git-dir 2>/dev/null)
    fi
}

# True while a rebase (or `git am`) replays commits.
dpt_rebasing() {
    dpt_find_git_dir
    [ -d "$dpt_git_dir/rebase-merge" ] || [ -d "$dpt_git_dir/rebase-apply" ]
}

# HEAD's commit and branch (into dpt_sha, dpt_branch; "HEAD" when detached), read from the
# files git just wrote; git itself answers when a ref is not a plain file (packed, reftable).
dpt_head() {
    dpt_find_git_dir
    dpt_sha= dpt_branch=HEAD dpt_ref=
    IFS= read -r dpt_ref 2>/dev/null < "$dpt_git_dir/HEAD"
    case $dpt_ref in
        'ref: refs/heads/'*)
            dpt_branch=${dpt_ref#ref: refs/heads/}
            dpt_common=$dpt_git_dir
            if [ -f "$dpt_git_dir/commondir" ]; then
                IFS= read -r dpt_common < "$dpt_git_dir/commondir"
                case $dpt_common in /*) ;; *) dpt_common=$dpt_git_dir/$dpt_common ;; esac
            fi
            IFS= read -r dpt_sha 2>/dev/null < "$dpt_common/${dpt_ref#ref: }" ;;
        *) dpt_sha=$dpt_ref ;;
    esac
    case $dpt_sha in
        '' | *[!0-9a-f]*) ;;
        *) case ${#dpt_sha} in 40 | 64) return 0 ;; esac ;;
    esac
    set -- $(git rev-parse HEAD --abbrev-ref HEAD 2>/dev/null)
    dpt_sha=$1 dpt_branch=$2
    [ -n "$dpt_sha" ]
}

# A problem a recorder left in file $1, shown once (an empty file: it could not even write
# why, which a full disk does).
dpt_show_warning() {
    [ -f "$1" ] && [ ! -L "$1" ] || return 0  # never read through a link (ours are files)
    dpt_line=
    IFS= read -r dpt_line < "$1"
    rm -f "$1"
    dpt_warn "an earlier commit: ${dpt_line:-not recorded, and the reason could not be written either (is the disk full?)}"
}

# True when the data home is a writable directory, or one can be made there. (A full disk
# only shows when writing: the recorder finds it.)
dpt_home_writable() {
    dpt_dir=$dpt_home
    while [ ! -e "$dpt_dir" ] && [ "${dpt_dir%/*}" != "$dpt_dir" ]; do
        dpt_dir=${dpt_dir%/*}
    done
    [ -d "${dpt_dir:-/}" ] && [ -w "${dpt_dir:-/}" ]
}

# Start `dpt hooks record ARGS...` in the background, with $dpt_input (if any) on its stdin
# and no terminal output: the commit never waits for Python or the store. A problem the
# recorder met last time is shown now. When the data home cannot be written, the recorder
# still keeps the commit, in the fallback directory (dptelemetry/fallback.py, the
# same path computed here for the install's data home), and it is said now, once.
dpt_record() {
    dpt_fallback=
    if [ "$dpt_home" = "$DPT_INSTALL_HOME" ]; then
        dpt_fallback=${XDG_RUNTIME_DIR:-${TMPDIR:-/tmp}}/$DPT_INSTALL_FALLBACK
    fi
    dpt_show_warning "$dpt_home/hook-warning"
    [ -n "$dpt_fallback" ] && [ -O "${dpt_fallback%/*}" ] &&
        dpt_show_warning "$dpt_fallback/hook-warning"
    if [ -x "$DPT_INSTALL_PYTHON" ] && [ -f "$DPT_INSTALL_PACKAGE/__init__.py" ]; then
        set -- "$DPT_INSTALL_PYTHON" -m dptelemetry hooks record "$@"
    elif command -v dpt >/dev/null 2>&1; then
        set -- dpt hooks record "$@"
    else
        dpt_warn "commit not recorded: dptelemetry is gone from $DPT_INSTALL_PYTHON and no dpt is on PATH (reinstall, then run: dpt hooks install)"
        return 0
    fi
    if ! dpt_home_writable; then
        dpt_warn "the data home $dpt_home is not a writable directory: this commit waits in ${dpt_fallback:-a private temporary directory} until it is"
        DPT_HOOK_WARNED=1
        export DPT_HOOK_WARNED
    fi
    DPT_HOME=$dpt_home
    export DPT_HOME
    unset GIT_INDEX_FILE
    # What the recorder writes holds paths. (A chained hook ran before, with the user's umask.)
    umask 077
    # Niced, so it yields the CPU to git finishing the commit and to whatever comes next.
    command -v nice >/dev/null 2>&1 && set -- nice -n 10 "$@"
    if [ -z "$dpt_input" ]; then
        "$@" </dev/null >/dev/null 2>&1 &
    else
        printf '%s' "$dpt_input" | "$@" >/dev/null 2>&1 &
    fi
}
# --- end of the common part ---------------------------------------------------------------
