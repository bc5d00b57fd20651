"""The demo's practice day, step by step, at wall-clock times of one local day.

Morning: the bowling kata, test first, in small steps (a learning session). After lunch: the
perfect game and the tenth frame in one go, a step too big (red runs that repeat, silences
after them, a logged stuck moment: a panic session). Late afternoon: an easy renaming with
green runs only (comfort).
"""

from __future__ import annotations

from dataclasses import dataclass

from dptelemetry.demo import kata

TESTS_FILE = "test_bowling.py"
GAME_FILE = "bowling.py"


@dataclass(frozen=True)
class Type:
    """A burst of typing replayed into the store as the language server records it: `keys`
    changes of `chars` characters each, `deletes` of them deleting one character instead."""

    at: str
    path: str
    keys: int
    chars: int = 3
    deletes: int = 0
    line: int = 0


@dataclass(frozen=True)
class TypeInEditor:
    """A burst typed into the real language server over stdio: the document is opened with
    `opened`, then `text` is typed at its end one character at a time, and saved."""

    at: str
    path: str
    opened: str
    text: str


@dataclass(frozen=True)
class Paste:
    """One change far larger than typing (a pasted refactoring): an assisted edit."""

    at: str
    path: str
    chars: int
    line: int = 0


@dataclass(frozen=True)
class Run:
    """A test run over the test module holding `tests`, against version `game` of the code;
    `failing` are the tests that fail (checked by tests/summary/test_demo.py)."""

    at: str
    tests: tuple[str, ...]
    game: str
    failing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Commit:
    at: str
    message: str


@dataclass(frozen=True)
class StartGoal:
    at: str
    title: str
    timebox: str
    target: str
    weakness: str


@dataclass(frozen=True)
class EndGoal:
    at: str
    rating: int
    note: str


@dataclass(frozen=True)
class Stuck:
    at: str
    text: str
    impulse: str


Step = Type | TypeInEditor | Paste | Run | Commit | StartGoal | EndGoal | Stuck

MORNING = ("gutter", "ones", "spare", "strike")
AFTERNOON = (*MORNING, "perfect", "tenth")

DAY: tuple[Step, ...] = (
    StartGoal("09:00", "Bowling kata, test first", "45m", target="all five rules green",
              weakness="taking small steps"),
    TypeInEditor("09:01", TESTS_FILE, kata.TESTS_HEAD, kata.TESTS["gutter"]),
    Run("09:03", MORNING[:1], "empty", failing=("gutter",)),
    Type("09:04", GAME_FILE, 12, line=3),
    Run("09:05", MORNING[:1], "zero"),
    Commit("09:06", "Gutter game scores zero"),
    Type("09:08", TESTS_FILE, 30, line=14),
    Run("09:09", MORNING[:2], "zero", failing=("ones",)),
    Type("09:10", GAME_FILE, 10, deletes=2, line=8),
    Run("09:11", MORNING[:2], "sum"),
    Type("09:14", TESTS_FILE, 35, line=20),
    Run("09:15", MORNING[:3], "sum", failing=("spare",)),
    Type("09:16", GAME_FILE, 20, deletes=4, line=9),
    Run("09:17", MORNING[:3], "spare_wrong", failing=("spare",)),
    Type("09:20:30", GAME_FILE, 25, deletes=8, line=9),
    Run("09:22", MORNING[:3], "spare"),
    Commit("09:23", "Spares score the next roll"),
    Type("09:25", TESTS_FILE, 35, line=28),
    Run("09:26", MORNING, "spare", failing=("strike",)),
    Type("09:27", GAME_FILE, 30, deletes=5, line=11),
    Run("09:29", MORNING, "strike"),
    Commit("09:30", "Strikes score the next two rolls"),
    Paste("09:36", GAME_FILE, 900, line=6),
    Type("09:37", GAME_FILE, 5, deletes=2, line=20),
    Run("09:38", MORNING, "tidy"),
    EndGoal("09:42", 7, "Small steps kept it green"),

    StartGoal("13:30", "Perfect game and the tenth frame", "30m", target="300 for a perfect game",
              weakness="edge cases"),
    TypeInEditor("13:31", TESTS_FILE, kata.tests(*MORNING), kata.TESTS["perfect"]),
    Run("13:33", AFTERNOON[:5], "tidy", failing=("perfect",)),
    Type("13:34", GAME_FILE, 20, deletes=6, line=20),
    Run("13:35", AFTERNOON[:5], "guess", failing=("perfect",)),
    Type("13:36", GAME_FILE, 15, deletes=5, line=22),
    Run("13:37", AFTERNOON[:5], "guess", failing=("perfect",)),
    Stuck("13:42", "bonus rolls in the tenth frame", "search"),
    Type("13:45", TESTS_FILE, 30, line=44),
    Run("13:46", AFTERNOON, "guess", failing=("perfect", "tenth")),
    Type("13:47", GAME_FILE, 40, deletes=15, line=8),
    Run("13:49", AFTERNOON, "frames_off", failing=("spare", "tenth")),
    Type("13:53", GAME_FILE, 6, deletes=2, line=14),
    Run("13:54", AFTERNOON, "frames"),
    Commit("13:55", "Ten frames: the perfect game and the tenth frame"),
    EndGoal("14:02", 4, "Too big a step: two new rules at once"),

    TypeInEditor("16:00", GAME_FILE, kata.GAMES["frames"],
                 "    # frame_start: the first roll of the frame\n"),
    Run("16:02", AFTERNOON, "named"),
    Type("16:04", GAME_FILE, 20, deletes=6, line=10),
    Run("16:05", AFTERNOON, "named"),
    Commit("16:06", "Name the frame arithmetic"),
)
