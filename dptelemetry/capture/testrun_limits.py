"""Constants the pytest plugin needs at session end, in a module that imports nothing.

The plugin must not pay for `testrun` (its dataclasses cost 2 ms to create) in the pytest
process; the recorder process imports that instead.
"""

MAX_FAILURES = 200
"""Failure signatures kept per run (docs/events.md); the counts always cover every test."""
MAX_TEST_ID = 500
"""Characters kept of a test id."""

RECORDED_BY_DPT_RUN = "DPT_RUN"
"""Set in the environment of a command `dpt run` records, so the pytest plugin inside it
leaves the recording to `dpt run` and a run is not stored twice."""
