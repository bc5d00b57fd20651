"""Leaving the machine, only when the user asks: the practice journal (`dpt sync`, between
one's own machines) and sharing with a mentor (`dpt share`, `dpt cohort report`).

Both run on git, which every developer already has and which is distributed by design. The
rule that keeps them safe from races and merges: each machine, and each learner, only ever
appends to files of its own, and importing is idempotent by event id.
"""
