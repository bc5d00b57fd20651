"""Git hooks: the shims (`shims`), putting them in place (`install`), the detached recorder
they start (`record`), reading commits from git (`git`), and `dpt log` (`goal_log`)."""

HOOKS = ("prepare-commit-msg", "commit-msg", "post-commit", "post-merge", "post-rewrite")
"""The hooks dptelemetry installs, each a shim of the same name in hooks/dptelemetry_hooks."""
