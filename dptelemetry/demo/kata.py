"""The code the demo's developer writes: the bowling kata, test first, one version of each file
per step of the day. Each version makes the tests go red or green exactly as the script says
(tests/summary/test_demo.py runs every step to check)."""

from __future__ import annotations

TESTS_HEAD = '''import unittest

from bowling import Game


class BowlingTest(unittest.TestCase):
    def roll_many(self, game, rolls, pins):
        for _ in range(rolls):
            game.roll(pins)
'''

TESTS = {
    "gutter": '''
    def test_gutter_game(self):
        game = Game()
        self.roll_many(game, 20, 0)
        self.assertEqual(game.score(), 0)
''',
    "ones": '''
    def test_all_ones(self):
        game = Game()
        self.roll_many(game, 20, 1)
        self.assertEqual(game.score(), 20)
''',
    "spare": '''
    def test_one_spare(self):
        game = Game()
        game.roll(5)
        game.roll(5)
        game.roll(3)
        self.roll_many(game, 17, 0)
        self.assertEqual(game.score(), 16)
''',
    "strike": '''
    def test_one_strike(self):
        game = Game()
        game.roll(10)
        game.roll(3)
        game.roll(4)
        self.roll_many(game, 16, 0)
        self.assertEqual(game.score(), 24)
''',
    "perfect": '''
    def test_perfect_game(self):
        game = Game()
        self.roll_many(game, 12, 10)
        self.assertEqual(game.score(), 300)
''',
    "tenth": '''
    def test_spare_in_the_tenth_frame(self):
        game = Game()
        self.roll_many(game, 18, 0)
        game.roll(5)
        game.roll(5)
        game.roll(5)
        self.assertEqual(game.score(), 15)
''',
}


def tests(*names: str) -> str:
    """The test module with the named tests, in the order given."""
    return TESTS_HEAD + "".join(TESTS[name] for name in names)


_GAME_HEAD = '''class Game:
    def __init__(self):
        self.rolls = []

    def roll(self, pins):
        self.rolls.append(pins)
'''

GAMES = {
    # Nothing yet: every test fails.
    "empty": '''class Game:
    def roll(self, pins):
        pass

    def score(self):
        return None
''',
    "zero": _GAME_HEAD + '''
    def score(self):
        return 0
''',
    "sum": _GAME_HEAD + '''
    def score(self):
        return sum(self.rolls)
''',
    # A spare bonus in the wrong place: the spare test stays red.
    "spare_wrong": _GAME_HEAD + '''
    def score(self):
        total = sum(self.rolls)
        for i in range(1, len(self.rolls)):
            if self.rolls[i - 1] + self.rolls[i] == 10:
                total += self.rolls[i]
        return total
''',
    "spare": _GAME_HEAD + '''
    def score(self):
        total, i = 0, 0
        while i + 1 < len(self.rolls):
            frame = self.rolls[i] + self.rolls[i + 1]
            total += frame
            if frame == 10:
                total += self.rolls[i + 2]
            i += 2
        return total
''',
    # Frames run over every roll, so a perfect game scores its bonus rolls as frames too.
    "strike": _GAME_HEAD + '''
    def score(self):
        total, i = 0, 0
        while i < len(self.rolls):
            if self.rolls[i] == 10:
                total += 10 + sum(self.rolls[i + 1:i + 3])
                i += 1
                continue
            frame = sum(self.rolls[i:i + 2])
            total += frame
            if frame == 10:
                total += sum(self.rolls[i + 2:i + 3])
            i += 2
        return total
''',
    # The same, tidied with helpers (the pasted refactoring): behaviour unchanged.
    "tidy": _GAME_HEAD + '''
    def _strike(self, i):
        return self.rolls[i] == 10

    def _spare(self, i):
        return sum(self.rolls[i:i + 2]) == 10

    def _bonus(self, i, count):
        return sum(self.rolls[i:i + count])

    def score(self):
        total, i = 0, 0
        while i < len(self.rolls):
            if self._strike(i):
                total += 10 + self._bonus(i + 1, 2)
                i += 1
            elif self._spare(i):
                total += 10 + self._bonus(i + 2, 1)
                i += 2
            else:
                total += self._bonus(i, 2)
                i += 2
        return total
''',
    # Guessing at the tenth frame: still 330 for a perfect game.
    "guess": _GAME_HEAD + '''
    def score(self):
        total, i = 0, 0
        while i < len(self.rolls):
            if self.rolls[i] == 10:
                total += 10 + sum(self.rolls[i + 1:i + 3])
                i += 1
            else:
                total += sum(self.rolls[i:i + 2])
                if sum(self.rolls[i:i + 2]) == 10:
                    total += sum(self.rolls[i + 2:i + 3])
                i += 2
        return total
''',
    "frames": _GAME_HEAD + '''
    def score(self):
        total, i = 0, 0
        for _ in range(10):
            if self.rolls[i] == 10:
                total += 10 + self.rolls[i + 1] + self.rolls[i + 2]
                i += 1
            elif self.rolls[i] + self.rolls[i + 1] == 10:
                total += 10 + self.rolls[i + 2]
                i += 2
            else:
                total += self.rolls[i] + self.rolls[i + 1]
                i += 2
        return total
''',
    # Names that say what they mean (the afternoon's easy refactoring).
    "named": _GAME_HEAD + '''
    def score(self):
        total, frame_start = 0, 0
        for _frame in range(10):
            first = self.rolls[frame_start]
            if first == 10:
                total += 10 + self.rolls[frame_start + 1] + self.rolls[frame_start + 2]
                frame_start += 1
                continue
            both = first + self.rolls[frame_start + 1]
            total += both + (self.rolls[frame_start + 2] if both == 10 else 0)
            frame_start += 2
        return total
''',
}
# Ten frames, but a spare's bonus is read one roll too far: the tenth frame's spare reads
# past the last roll, and an early spare counts the wrong roll.
GAMES["frames_off"] = GAMES["frames"].replace("total += 10 + self.rolls[i + 2]",
                                              "total += 10 + self.rolls[i + 3]")
