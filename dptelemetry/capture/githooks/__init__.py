"""Git hooks: the shims (`shims`), putting them in place (`install`), the detached recorder
they start (`record`), reading commits from git (`git`), and `dpt log` (`goal_log`)."""
