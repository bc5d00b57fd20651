"""The `dpt run` parsers on real runner output (tests/data/runner_output/README.md says how
each sample was made). Expected counts are those of the sample projects, by construction:
e.g. the pytest project has 1 passing, 3 failing, 1 erroring, 1 skipped, 1 xfail and 1 xpass
test."""

from __future__ import annotations

from pathlib import Path

import pytest

from dptelemetry.capture.runner_output import (
    ParsedRun,
    output_lines,
    parse_output,
    runner_from_command,
    spread_lines,
)
from dptelemetry.capture.testrun import outcome

SAMPLES = Path(__file__).parent / "data" / "runner_output"
ALL = ("passed", "failed", "errors", "skipped", "xfailed", "xpassed")


def parse_sample(name: str) -> ParsedRun | None:
    """What `dpt run` parses: stdout lines, then stderr lines."""
    lines: list[str] = []
    for suffix in (".out", ".err"):
        path = SAMPLES / (name + suffix)
        if path.exists():
            lines += output_lines(path.read_text(encoding="utf-8"))
    return parse_output(lines)


def counts_of(parsed: ParsedRun | None) -> dict[str, int | None]:
    assert parsed is not None
    return {name: getattr(parsed.counts, name) for name in ALL}


def failures_of(parsed: ParsedRun | None) -> list[tuple[str, str | None]]:
    """In a stable order: parallel runners (jest) report in no fixed order."""
    assert parsed is not None
    assert parsed.counts.failures is not None
    return sorted(parsed.counts.failures, key=str)


def counts(passed: int | None = 0, failed: int = 0, errors: int = 0, skipped: int | None = 0,
           xfailed: int | None = None, xpassed: int | None = None) -> dict[str, int | None]:
    return {"passed": passed, "failed": failed, "errors": errors, "skipped": skipped,
            "xfailed": xfailed, "xpassed": xpassed}


PYTEST_MIXED = [
    ("test_mix.py::test_assert", "AssertionError"),
    ("test_mix.py::test_custom", "LedgerError"),
    ("test_mix.py::test_fail_call", "Failed"),
    ("test_mix.py::test_setup", "RuntimeError"),
]


PYTEST = [
    ("pytest_mixed", counts(1, 3, 1, 1, 1, 1), PYTEST_MIXED),
    ("pytest_mixed_q", counts(1, 3, 1, 1, 1, 1), PYTEST_MIXED),
    ("pytest_green", counts(3, xfailed=0, xpassed=0), []),
    ("pytest_green_q", counts(3, xfailed=0, xpassed=0), []),
    ("pytest_color", counts(3, xfailed=0, xpassed=0), []),
    ("pytest_no_tests", counts(0, xfailed=0, xpassed=0), []),
    ("pytest_x", counts(1, 1, xfailed=0, xpassed=0),
     [("test_mix.py::test_assert", "AssertionError")]),
    ("pytest_collection_error", counts(0, 0, 1, xfailed=0, xpassed=0),
     [("coll/test_broken.py", "ModuleNotFoundError")]),
]


UNITTEST = [
    ("unittest_mixed", counts(1, 2, 1, 1, 1, 1), [
        ("test_ledger.LedgerTest.test_errors", "LedgerError"),
        ("test_ledger.LedgerTest.test_fails", "AssertionError"),
        ("test_ledger.LedgerTest.test_subtests (i=2)", "AssertionError"),
    ]),
    ("unittest_green", counts(2, skipped=1, xfailed=0, xpassed=0), []),
    ("unittest_import_error", counts(0, errors=1, xfailed=0, xpassed=0),
     [("unittest.loader._FailedTest.test_nonexistent", "ModuleNotFoundError")]),
    ("unittest_no_tests", counts(0, xfailed=0, xpassed=0), []),  # 3.11: "OK", exit 0
    ("unittest_no_tests_312", counts(0, xfailed=0, xpassed=0), []),  # "NO TESTS RAN"
]


def test_unittest_verbose_counts_the_same() -> None:
    assert counts_of(parse_sample("unittest_mixed_v")) == counts_of(
        parse_sample("unittest_mixed"))
    assert failures_of(parse_sample("unittest_mixed_v")) == failures_of(
        parse_sample("unittest_mixed"))


CARGO = [
    # Fail-fast: only the library's test binary ran.
    ("cargo_red", counts(2, 1, skipped=1), [("tests::it_fails", "panic")]),
    # Every binary: library, integration test file, doc-tests; their results add up.
    ("cargo_red_nff", counts(4, 2, skipped=1),
     [("tests::it_fails", "panic"), ("integration_unwrap", "panic")]),
    ("cargo_green", counts(5, skipped=1), []),
    ("cargo_no_tests", counts(0), []),
]


def test_a_build_that_fails_before_any_test_has_no_counts() -> None:
    assert parse_sample("cargo_compile_error") is None


GO = [
    # Without -v go prints no passing or skipped test, so those stay unknown.
    ("go_green", counts(None, skipped=None), []),
    ("go_red", counts(None, 3, skipped=None), [
        ("example.com/ledger.TestBalance", None),
        ("example.com/ledger.TestTransfer", None),
        ("example.com/ledger/store.TestOpen", "panic"),
    ]),
    ("go_verbose", counts(1, 2, skipped=1), [
        ("example.com/ledger.TestSub", None),
        ("example.com/ledger.TestTable", None),
    ]),
    ("go_build_failed", counts(None, errors=1, skipped=None),
     [("example.com/ledger", "build failed")]),
    # No package ran a test: then no test passed, even without -v.
    ("go_no_tests", counts(0), []),
    ("go_no_tests_to_run", counts(0), []),
]


JEST_RED = [
    ("jt/ledger.test.js \u203a ledger \u203a fails", "JestAssertionError"),
    ("jt/ledger.test.js \u203a ledger \u203a throws", "TypeError"),
    ("jt/broken.test.js", None),
]


JEST = [
    # todo tests count as skipped; a suite that failed to run is an error.
    ("jest_red", counts(2, 2, 1, 2), JEST_RED),
    ("jest_red_tty", counts(2, 2, 1, 2), JEST_RED),
    ("jest_green", counts(4, skipped=2), []),
    ("jest_no_tests", counts(0), []),
    ("jest_no_tests_pass", counts(0), []),
]


VITEST_RED = [
    ("broken.test.ts", "Error"),
    ("ledger.test.ts > ledger > fails", "AssertionError"),
    ("ledger.test.ts > ledger > throws", "TypeError"),
]


VITEST = [
    ("vitest_red", counts(2, 2, 1, 2), VITEST_RED),
    # Through a terminal vitest redraws its summary as it goes: the last one counts.
    ("vitest_red_tty", counts(2, 2, 1, 2), VITEST_RED),
    ("vitest_green", counts(4, skipped=2), []),
    ("vitest_no_tests", counts(0), []),
    ("vitest_no_tests_pass", counts(0), []),
]


@pytest.mark.parametrize("sample, expected, failures",
                         [*PYTEST, *UNITTEST, *CARGO, *GO, *JEST, *VITEST])
def test_each_sample(sample: str, expected: dict[str, int | None],
                     failures: list[tuple[str, str | None]]) -> None:
    parsed = parse_sample(sample)
    assert parsed is not None
    assert parsed.runner == sample.split("_", maxsplit=1)[0]
    assert counts_of(parsed) == expected
    assert failures_of(parsed) == sorted(failures, key=str)


@pytest.mark.parametrize("sample, exit_code", [
    ("pytest_no_tests", 5), ("unittest_no_tests", 0), ("unittest_no_tests_312", 5),
    ("cargo_no_tests", 0), ("go_no_tests", 0), ("go_no_tests_to_run", 0),
    ("jest_no_tests", 1), ("jest_no_tests_pass", 0),
    ("vitest_no_tests", 1), ("vitest_no_tests_pass", 0),
])
def test_a_run_of_no_tests_is_never_green(sample: str, exit_code: int) -> None:
    """Each runner's real output when it found no test, with the exit code it gave."""
    parsed = parse_sample(sample)
    assert parsed is not None and parsed.counts.ran_none
    assert outcome(exit_code, parsed.counts) == "other"


@pytest.mark.parametrize("sample", ["pytest_green", "unittest_green", "cargo_green",
                                    "go_green", "jest_green", "vitest_green"])
def test_a_run_of_passing_tests_is_green(sample: str) -> None:
    parsed = parse_sample(sample)
    assert parsed is not None and not parsed.counts.ran_none
    assert outcome(0, parsed.counts) == "green"


def test_output_of_no_known_runner_has_no_counts() -> None:
    assert parse_output(["make: Entering directory '/src'", "all good", "Done in 3s"]) is None
    assert parse_output([]) is None


def test_colour_codes_and_carriage_returns_are_removed() -> None:
    text = "\x1b[32m3 passed\x1b[0m in 0.01s\r\n\x1b]8;;http://x\x07link\x1b]8;;\x07\rnext"
    assert output_lines(text) == ["3 passed in 0.01s", "link", "next"]


@pytest.mark.parametrize("argv, runner", [
    (["pytest", "-x"], "pytest"),
    (["/venv/bin/py.test"], "pytest"),
    (["python3", "-m", "pytest", "tests"], "pytest"),
    (["python", "-m", "unittest", "discover"], "unittest"),
    (["go", "test", "./..."], "go"),
    (["cargo", "test", "--workspace"], "cargo"),
    (["npx", "jest"], "jest"),
    (["pnpm", "exec", "vitest", "run"], "vitest"),
    (["npm", "test"], "unknown"),
    (["go", "build"], "unknown"),
    (["make", "check"], "unknown"),
])
def test_the_runner_named_on_the_command_line(argv: list[str], runner: str) -> None:
    assert runner_from_command(argv) == runner


def test_lines_kept_from_anywhere_are_the_spread_out_summaries() -> None:
    kept = spread_lines((SAMPLES / "cargo_red_nff.out").read_text())
    assert sum(line.startswith("test result:") for line in kept) == 3
    assert "test tests::it_fails ... FAILED" in kept
    assert "test tests::it_works ... ok" not in kept
    assert parse_output(kept) == parse_sample("cargo_red_nff")
    go = (SAMPLES / "go_verbose.out").read_text()
    assert "    ledger_test.go:15: Sub(3, 1) = 1, want 2" not in spread_lines(go)
    assert parse_output(spread_lines(go)) == parse_sample("go_verbose")
