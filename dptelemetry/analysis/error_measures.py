"""Repeat-failure measures from computing-education research, as pure functions.

Both work on a sequence of runs (compiles or test runs) in time order, each given as the set of
its failure signatures; an empty set is a clean run. They are checked against the published
per-student values of Švábenský et al., ITiCSE 2024 (tests/analysis/test_published_data.py).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from itertools import pairwise
from typing import Generic, TypeVar

S = TypeVar("S", bound=Hashable)

BOTH_FAILED = 8
SHARED_ERROR = 3
PAIR_MAX = BOTH_FAILED + SHARED_ERROR


def error_quotient(runs: Sequence[AbstractSet[S]]) -> float | None:
    """Jadud's Error Quotient (ICER 2006), in [0, 1]; None for fewer than two runs.

    Each consecutive pair scores 8 when both runs failed, 3 more when they share a signature,
    over the pair maximum of 11; EQ is the mean over all pairs.
    """
    if len(runs) < 2:
        return None
    total = 0
    for before, after in pairwise(runs):
        if before and after:
            total += BOTH_FAILED + (SHARED_ERROR if not before.isdisjoint(after) else 0)
    return total / PAIR_MAX / (len(runs) - 1)


@dataclass(frozen=True)
class Repeat(Generic[S]):
    """A maximal stretch of consecutive runs that all fail with `signature`."""

    signature: S
    first: int
    """Index of the stretch's first run."""
    length: int

    @property
    def density(self) -> float:
        """Becker's term for this stretch: r**2 / (r + 1) with r = length - 1 repeats."""
        return (self.length - 1) ** 2 / self.length


def repeats(runs: Sequence[AbstractSet[S]]) -> list[Repeat[S]]:
    """Every maximal stretch of each signature, ordered by where the stretch ends."""
    found: list[Repeat[S]] = []
    open_since: dict[S, int] = {}
    for index, signatures in enumerate([*runs, frozenset()]):
        for signature in [s for s in open_since if s not in signatures]:
            first = open_since.pop(signature)
            found.append(Repeat(signature, first, index - first))
        for signature in signatures:
            open_since.setdefault(signature, index)
    return found


def repeated_error_density(runs: Sequence[AbstractSet[S]]) -> float:
    """Becker's Repeated Error Density (ITiCSE 2016), per message; 0 when nothing repeats.

    Unnormalised: the sum over every stretch of L consecutive runs sharing a signature of
    (L - 1)**2 / L.
    """
    return sum(repeat.density for repeat in repeats(runs))
