"""EQ and RED on small sequences whose values are worked out by hand.

`x`/`y` are failure signatures; `None` is a clean run. The sequences restate, in our own
words, the cases the research note lists (section 1.1 and 1.2).
"""

from __future__ import annotations

import pytest

from dptelemetry.analysis.error_measures import (
    Repeat,
    error_quotient,
    repeated_error_density,
    repeats,
)


def runs(text: str) -> list[frozenset[str]]:
    """'x,xy,-' -> [{x}, {x, y}, {}]: one letter per signature, '-' for a clean run."""
    return [frozenset() if part == "-" else frozenset(part) for part in text.split(",")]


@pytest.mark.parametrize(
    ("sequence", "expected"),
    [
        ("x,-", 0.0),  # one failure then clean: the only pair is not both-failed
        ("-,-,-", 0.0),
        ("x,-,x", 0.0),  # failures never adjacent
        ("x,y,x", 8 / 11),  # always both failed, never the same error
        ("x,x", 1.0),
        ("x,x,x", 1.0),
        ("x,x,-,x,x", 0.5),  # 2 of 4 pairs score 11
        ("x,x,-,x,x,-,x,x", 3 / 7),
        ("x,x,x,-,x,x", 3 / 5),
        ("x,x,y", (11 + 8) / 22),  # one shared pair, one merely both-failed
        ("xy,y", 1.0),  # sharing one signature of several is enough
    ],
)
def test_error_quotient(sequence: str, expected: float) -> None:
    assert error_quotient(runs(sequence)) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("sequence", ["", "x", "-"])
def test_error_quotient_is_undefined_without_a_pair(sequence: str) -> None:
    assert error_quotient(runs(sequence) if sequence else []) is None


@pytest.mark.parametrize(
    ("sequence", "expected"),
    [
        ("x,x", 0.5),
        ("x,x,x", 4 / 3),
        ("x,x,-,x,x", 1.0),
        ("x,x,-,x,x,-,x,x", 1.5),
        ("x,x,x,-,x,x", 4 / 3 + 1 / 2),
        ("x,-,x", 0.0),
        ("-,-", 0.0),
        # per message: each signature's stretches count on their own
        ("xy,xy,y", 1 / 2 + 4 / 3),
        ("x,xy,y", 1 / 2 + 1 / 2),
    ],
)
def test_repeated_error_density(sequence: str, expected: float) -> None:
    assert repeated_error_density(runs(sequence)) == pytest.approx(expected, abs=1e-12)


def test_repeats_name_each_stretch_with_where_it_starts() -> None:
    found = repeats(runs("x,xy,y,-,x"))
    assert sorted(found, key=lambda r: (r.first, r.signature)) == [
        Repeat("x", 0, 2), Repeat("y", 1, 2), Repeat("x", 4, 1)
    ]
    assert [r.density for r in found if r.length == 1] == [0.0]
