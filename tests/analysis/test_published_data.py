"""The core EQ and RED functions reproduce the published per-student values.

Data: Švábenský, Pankiewicz, Zhang, Cloude, Baker, Fouh, "Comparison of Three Programming Error
Measures for Explaining Variability in CS1 Grades", ITiCSE 2024 (SERI-CS/iticse24-error-measures,
MIT), read from ../shared/data/iticse24-error-measures. Each snapshot is one run; its compiler
errors are the run's failure signatures.

- EQ: error type = the first line of the message, stripped. All 1,694 published cells match.
- RED: key = the full message text, except that a message that is only whitespace names no
  error (the published workflow treats it as missing; counting it changes 4 cells by 0.5-4.2).
  The shared results/RED.csv covers 274 students, so it holds 1,644 compiler-RED cells, not
  1,694; every one of them matches.
- The EQ and RED plugins' cold-start limits are percentiles of these published values.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from dptelemetry.analysis.error_measures import error_quotient, repeated_error_density
from dptelemetry.analysis.stats import percentile

HOMEWORKS = range(3, 9)
TOLERANCE = 1e-9
Cell = tuple[str, int]
Sequences = dict[Cell, list[frozenset[str]]]
Runs = tuple[Sequences, Sequences]


def read_rows(path: Path, delimiter: str = ";") -> list[dict[str, str]]:
    # A few messages hold bytes that are not UTF-8; keep them undecoded so keys stay distinct.
    with path.open(newline="", encoding="utf-8", errors="surrogateescape") as fh:
        return list(csv.DictReader(fh, delimiter=delimiter))


def run_sequences(folder: Path) -> Runs:
    """Per (student, homework): runs as sets of error types (EQ) and of messages (RED)."""
    by_type: Sequences = {}
    by_message: Sequences = {}
    for hw in HOMEWORKS:
        types: dict[tuple[str, str], set[str]] = defaultdict(set)
        messages: dict[tuple[str, str], set[str]] = defaultdict(set)
        for row in read_rows(folder / "compiler-errors" / f"hw{hw:02d}-compiler-errors.csv"):
            snapshot = (row["student"], row["snapshot"].replace("_", ":"))
            types[snapshot].add(row["error"].split("\n", 1)[0].strip())
            if row["error"].strip():
                messages[snapshot].add(row["error"])
        snapshots: dict[str, list[str]] = defaultdict(list)
        for row in read_rows(folder / "snapshots" / f"hw{hw:02d}-complete_snapshots.csv"):
            snapshots[row["student"]].append(row["snapshot"])
        for student, stamps in snapshots.items():
            by_type[student, hw] = [frozenset(types.get((student, s), ())) for s in stamps]
            by_message[student, hw] = [frozenset(messages.get((student, s), ())) for s in stamps]
    return by_type, by_message


def published_eq(folder: Path) -> dict[Cell, float]:
    rows = read_rows(folder / "results" / "jadud-compiler-errors.csv", delimiter=",")
    return {(row["student_id"], hw): float(row[f"jadud_hw_{hw:02d}"])
            for row in rows for hw in HOMEWORKS if row[f"jadud_hw_{hw:02d}"]}


def published_red(folder: Path) -> dict[Cell, float]:
    rows = read_rows(folder / "results" / "RED.csv")
    return {(row["student"], hw): float(row[f"RED-compiler-hw{hw:02d}"])
            for row in rows for hw in HOMEWORKS if row[f"RED-compiler-hw{hw:02d}"]}


@pytest.fixture(scope="module")
def iticse24(shared_data: Path) -> Path:
    folder = shared_data / "iticse24-error-measures"
    if not folder.is_dir():
        pytest.fail(f"{shared_data} exists but holds no iticse24-error-measures folder")
    return folder


@pytest.fixture(scope="module")
def sequences(iticse24: Path) -> Runs:
    return run_sequences(iticse24)


def test_error_quotient_matches_all_published_cells(iticse24: Path, sequences: Runs) -> None:
    by_type, _ = sequences
    expected = published_eq(iticse24)
    assert len(expected) == 1694
    computed = {cell: error_quotient(by_type.get(cell, [])) for cell in expected}
    mismatches = {cell: (value, computed[cell]) for cell, value in expected.items()
                  if computed[cell] is None or abs(value - computed[cell]) > TOLERANCE}
    assert mismatches == {}


def test_repeated_error_density_matches_all_published_cells(
    iticse24: Path, sequences: Runs
) -> None:
    _, by_message = sequences
    expected = published_red(iticse24)
    assert len(expected) == 1644
    computed = {cell: repeated_error_density(by_message[cell])
                for cell in expected if cell in by_message}
    mismatches = {cell: (value, computed.get(cell)) for cell, value in expected.items()
                  if cell not in computed or abs(value - computed[cell]) > TOLERANCE}
    assert mismatches == {}


def test_the_cold_start_limits_are_the_published_percentiles_they_name(iticse24: Path) -> None:
    """Each plugin's default limits are the percentiles its basis names, of the published
    values it names, to the two decimals it says."""
    from dptelemetry_plugins import repeated_failure_density as red
    from dptelemetry_plugins import test_error_quotient as eq

    eq_values = list(published_eq(iticse24).values())
    red_values = list(published_red(iticse24).values())
    assert len(eq_values) == 1694 and "p95 / p99, to two decimals, of the 1,694" in eq.BASIS
    assert [round(percentile(eq_values, q) or 0.0, 2) for q in (95, 99)] == [
        eq.DEFAULTS["warn"], eq.DEFAULTS["strong"]] == [0.36, 0.55]
    assert len(red_values) == 1644 and "p90 / p95, to two decimals, of the 1,644" in red.BASIS
    assert [round(percentile(red_values, q) or 0.0, 2) for q in (90, 95)] == [
        red.DEFAULTS["warn"], red.DEFAULTS["strong"]] == [6.62, 15.41]  # were 6.7 and 16.5
