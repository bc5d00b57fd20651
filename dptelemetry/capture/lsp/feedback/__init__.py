"""Live feedback in the editor (DESIGN: Live feedback (LSP)): the goal's time box as work-done
progress, one message when the box runs out, strain nudges at the moment of strain, and the
session so far on demand.

Plain modules, each tested on its own with a clock the test controls: `timebox` (what the
progress and the box's message say), `nudges` (when strain deserves a word), `runs` (test
runs as the store has them), `session_view` (the `dpt.session` answer), `loop` (the worker
thread that ties them to the clock), `channel` (what reaches the editor, on the event loop).
"""
