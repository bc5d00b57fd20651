"""Test counts from what a test runner printed: the parsers behind `dpt run`.

Pure functions over the lines a command wrote (stdout lines, then stderr lines). Each parser
recognises its runner by a summary line no other runner prints, then reads counts and,
where the output names them, failure signatures (test id, exception type). Nothing else of
the output is kept (DESIGN: Privacy).
Formats: pytest, python -m unittest, cargo test (libtest), go test, jest, vitest.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from dptelemetry.capture.testrun import TestCounts

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
_EXCEPTION = re.compile(r"(?:[A-Za-z_]\w*\.)*([A-Za-z_]\w*)(?::|$)")


@dataclass(frozen=True)
class ParsedRun:
    runner: str
    counts: TestCounts


def output_lines(text: str) -> list[str]:
    """Lines as a person saw them: colour codes gone, carriage returns as line breaks."""
    return _ANSI.sub("", text).splitlines()


def parse_output(lines: Sequence[str]) -> ParsedRun | None:
    """The first known runner whose summary appears in `lines`, with its counts."""
    for runner, parser in _PARSERS:
        counts = parser(lines)
        if counts is not None:
            return ParsedRun(runner, counts)
    return None


def spread_lines(text: str) -> list[str]:
    """The lines of `text` a parser needs wherever they are in a long output, not just in
    its tail: cargo and go print a summary per test binary or package as they go."""
    text = _ANSI.sub("", text).replace("\r", "\n")
    return [match.group(0) for match in _SPREAD.finditer(text)]


def runner_from_command(argv: Sequence[str]) -> str:
    """The runner a command line names (`go test ./...`, `python -m pytest`), else unknown."""
    words = [PurePath(a).name for a in argv[:4]]
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        if word in ("pytest", "py.test") or (word == "-m" and following == "pytest"):
            return "pytest"
        if word == "-m" and following == "unittest":
            return "unittest"
        if word in ("jest", "vitest"):
            return word
        if (word, following) in (("go", "test"), ("cargo", "test")):
            return word
    return "unknown"


def _exception_type(message: str) -> str | None:
    """`pkg.LedgerError: text` -> LedgerError; None when the text names no exception."""
    match = _EXCEPTION.match(message)
    return match.group(1) if match else None


def _unique(failures: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    return list(dict.fromkeys(failures))


def _with_failures(counts: TestCounts, failures: list[tuple[str, str | None]] | None
                   ) -> TestCounts:
    """`counts` with the signatures; none are missing when nothing failed."""
    counts.failures = [] if failures is not None or not counts.red else None
    for test_id, exception_type in _unique(failures or []):
        counts.add_failure(test_id, exception_type)
    return counts


# pytest: "==== 3 failed, 1 passed, 1 error in 0.07s ====" (-q: without the rules).
_PYTEST_SUMMARY = re.compile(
    r"=* ?(?P<body>no tests ran|\d+ \w+(?:, \d+ \w+)*) in [\d.]+s(?: \([\d:.]+\))? ?=*")
_PYTEST_WORDS = {"passed": "passed", "failed": "failed", "error": "errors",
                 "errors": "errors", "skipped": "skipped", "xfailed": "xfailed",
                 "xpassed": "xpassed"}
_PYTEST_SHORT = re.compile(r"(FAILED|ERROR) (?P<id>.+?)(?: - (?P<message>.*))?")
_PYTEST_COLLECTING = re.compile(r"_+ ERROR collecting (?P<id>.+?) _+")


def _pytest(lines: Sequence[str]) -> TestCounts | None:
    summary = None
    for index in range(len(lines) - 1, -1, -1):
        summary = _PYTEST_SUMMARY.fullmatch(lines[index].strip())
        if summary:
            break
    if summary is None:
        return None
    counts = TestCounts(xfailed=0, xpassed=0)
    for part in summary["body"].split(", "):
        number, _, word = part.partition(" ")
        if word in _PYTEST_WORDS:
            setattr(counts, _PYTEST_WORDS[word], int(number))
    return _with_failures(counts, _pytest_failures(lines[:index]))


def _pytest_exception_type(message: str) -> str | None:
    # pytest drops "AssertionError: " before the text of a rewritten assert.
    return "AssertionError" if message.startswith("assert ") else _exception_type(message)


def _pytest_failures(lines: Sequence[str]) -> list[tuple[str, str | None]] | None:
    """From the short test summary; collection errors take their type from their section."""
    collecting: dict[str, str | None] = {}
    current: str | None = None
    start = None
    for index, line in enumerate(lines):
        header = _PYTEST_COLLECTING.fullmatch(line)
        if header:
            current = header["id"]
            collecting[current] = None
        elif current and line.startswith("E "):
            collecting[current] = _exception_type(line[1:].strip())
        elif line.startswith(("=", "_")):
            current = None
        if "short test summary info" in line:
            start = index + 1
    if start is None:
        return None
    failures = []
    for line in lines[start:]:
        short = _PYTEST_SHORT.fullmatch(line)
        if short:
            message = short["message"]
            failures.append((short["id"], _pytest_exception_type(message) if message
                             else collecting.get(short["id"])))
    return failures


# unittest: "Ran 7 tests in 0.002s", then "OK (skipped=1)" or "FAILED (failures=2, ...)".
_UNITTEST_RAN = re.compile(r"Ran (\d+) tests? in [\d.]+s")
_UNITTEST_RESULT = re.compile(r"(OK|FAILED|NO TESTS RAN)(?: \((?P<parts>.*)\))?")
_UNITTEST_WORDS = {"failures": "failed", "errors": "errors", "skipped": "skipped",
                   "expected failures": "xfailed", "unexpected successes": "xpassed"}
_UNITTEST_BLOCK = re.compile(
    r"(?:FAIL|ERROR): (?P<name>\S+) \((?P<where>[^)]*)\)(?P<subtest> \(.*\))?")
_UNITTEST_RULE = re.compile(r"(=|-){20,}")


def _unittest(lines: Sequence[str]) -> TestCounts | None:
    ran = [(i, m) for i, line in enumerate(lines) if (m := _UNITTEST_RAN.fullmatch(line))]
    if not ran:
        return None
    index, total = ran[-1]
    result = next((m for line in lines[index + 1:] if (m := _UNITTEST_RESULT.fullmatch(line))),
                  None)
    if result is None:
        return None
    counts = TestCounts(xfailed=0, xpassed=0)
    for part in (result["parts"] or "").split(", "):
        word, _, number = part.partition("=")
        if word in _UNITTEST_WORDS:
            setattr(counts, _UNITTEST_WORDS[word], int(number))
    not_passed = sum(getattr(counts, name) for name in _UNITTEST_WORDS.values())
    counts.passed = max(0, int(total[1]) - not_passed)
    return _with_failures(counts, _unittest_failures(lines[:index]))


def _unittest_failures(lines: Sequence[str]) -> list[tuple[str, str | None]]:
    """Each FAIL/ERROR block; its type is the first unindented line after the last
    `Traceback` header in it (later lines may be a multi-line message or captured output)."""
    failures: list[tuple[str, str | None]] = []
    in_traceback = False
    for line in lines:
        if block := _UNITTEST_BLOCK.fullmatch(line):
            where, name = block["where"], block["name"]
            test_id = where if where.endswith("." + name) else f"{where}.{name}"
            failures.append((test_id + (block["subtest"] or ""), None))
            in_traceback = False
        elif line.startswith("Traceback (most recent call last):"):
            in_traceback = bool(failures)
        elif in_traceback and line and not line[0].isspace():
            failures[-1] = (failures[-1][0], _exception_type(line))
            in_traceback = False
    return failures


# cargo test (libtest): one "test result:" line per test binary; "test x ... FAILED".
_CARGO_RESULT = re.compile(
    r"test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored; \d+ measured;")
_CARGO_FAILED = re.compile(r"test (?P<name>\S+)(?: - should panic)? \.\.\. FAILED")
_CARGO_PANIC = re.compile(r"thread '(?P<name>[^']+)'(?: \(\d+\))? panicked at")


def _cargo(lines: Sequence[str]) -> TestCounts | None:
    counts = TestCounts()
    found = False
    failed: list[str] = []
    panicked: set[str] = set()
    for line in lines:
        result = _CARGO_RESULT.match(line)
        if result:
            found = True
            counts.passed = (counts.passed or 0) + int(result[1])
            counts.failed = (counts.failed or 0) + int(result[2])
            counts.skipped = (counts.skipped or 0) + int(result[3])
        elif test := _CARGO_FAILED.fullmatch(line):
            failed.append(test["name"])
        elif panic := _CARGO_PANIC.match(line):
            panicked.add(panic["name"])
    if not found:
        return None
    return _with_failures(counts, [(n, "panic" if n in panicked else None) for n in failed])


# go test: "ok  \tpkg\t0.01s", "FAIL\tpkg\t0.01s", "FAIL\tpkg [build failed]",
# "--- FAIL: TestX (0.00s)"; passes and skips are printed only with -v.
_GO_PACKAGE = re.compile(r"(?P<status>ok|FAIL|\?) *\t(?P<package>\S+)(?P<rest>.*)")
_GO_TEST = re.compile(r"--- (?P<status>PASS|FAIL|SKIP): (?P<name>\S+) \(")


def _go(lines: Sequence[str]) -> TestCounts | None:
    """Failing tests are named with their package, which go prints after them. Passes are
    known with -v, or when no package ran a test ("[no test files]", "[no tests to run]")."""
    found = verbose = tested = False
    tally = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    errors = 0
    pending: list[tuple[str, str | None]] = []  # failing tests of the package being printed
    failures: list[tuple[str, str | None]] = []
    for line in lines:
        if test := _GO_TEST.match(line):
            tally[test["status"]] += 1
            verbose = verbose or test["status"] != "FAIL"
            if test["status"] == "FAIL":
                pending.append((test["name"], None))
        elif line.startswith("=== RUN"):
            verbose = True
        elif line.startswith("panic: ") and pending:
            pending[-1] = (pending[-1][0], "panic")
        elif package := _GO_PACKAGE.fullmatch(line):
            found = True
            name = package["package"]
            tested = tested or package["status"] == "FAIL" or (
                package["status"] == "ok" and "[no tests to run]" not in package["rest"])
            if package["status"] == "FAIL":
                problem = re.search(r"\[(build failed|setup failed)\]", package["rest"])
                if problem or not pending:  # the package failed, not one of its tests
                    errors += 1
                    failures.append((name, problem[1] if problem else None))
                failures.extend((f"{name}.{test_name}", kind) for test_name, kind in pending)
            pending = []
    if not found:
        return None
    known = verbose or not tested
    counts = TestCounts(passed=tally["PASS"] if known else None, failed=tally["FAIL"],
                        errors=errors, skipped=tally["SKIP"] if known else None)
    return _with_failures(counts, failures)


# jest: "Tests:       2 failed, 1 skipped, 1 todo, 2 passed, 6 total" (on stderr), or
# "No tests found, exiting with code 1" (0 with --passWithNoTests).
_JEST_TESTS = re.compile(r"Tests:\s+(?:(?P<parts>.*), )?\d+ total")
_JEST_NONE = re.compile(r"No tests found, exiting with code \d+")
_JEST_FILE = re.compile(r"\s*FAIL\s+(?P<file>\S+)")
_JEST_TITLE = re.compile(r"\s*● (?P<title>.+)")
_JEST_SEPARATOR = " \u203a "  # jest's own, between a file, describe blocks and a test
_JEST_WORDS = {"passed": "passed", "failed": "failed", "skipped": "skipped",
               "todo": "skipped"}


def _none_ran(lines: Sequence[str], pattern: re.Pattern[str]) -> TestCounts | None:
    """Zero counts where the runner said it found no test, else None."""
    return TestCounts() if any(pattern.fullmatch(line.strip()) for line in lines) else None


def _jest(lines: Sequence[str]) -> TestCounts | None:
    summaries = [m for line in lines if (m := _JEST_TESTS.fullmatch(line.strip()))]
    if not summaries:
        return _none_ran(lines, _JEST_NONE)
    counts = TestCounts()
    for part in (summaries[-1]["parts"] or "").split(", "):
        number, _, word = part.partition(" ")
        if word in _JEST_WORDS:
            field_name = _JEST_WORDS[word]
            setattr(counts, field_name, (getattr(counts, field_name) or 0) + int(number))
    failures: list[tuple[str, str | None]] = []
    test_file = ""
    for index, line in enumerate(lines):
        if file_match := _JEST_FILE.fullmatch(line):
            test_file = file_match["file"]
        elif title_match := _JEST_TITLE.fullmatch(line):
            title = title_match["title"]
            detail = next((n.strip() for n in lines[index + 1:] if n.strip()), "")
            if title == "Test suite failed to run":
                counts.errors = (counts.errors or 0) + 1
                failures.append((test_file, _exception_type(detail)))
            else:
                kind = "JestAssertionError" if detail.startswith("expect(") else (
                    _exception_type(detail))
                failures.append((f"{test_file}{_JEST_SEPARATOR}{title}", kind))
    return _with_failures(counts, failures)


# vitest: "      Tests  2 failed | 2 passed | 1 skipped | 1 todo (6)" (on stdout), or
# "No test files found, exiting with code 1" (0 with --passWithNoTests).
_VITEST_TESTS = re.compile(r"Tests\s+(?P<parts>.+?)\s+\(\d+\)")
_VITEST_NONE = re.compile(r"No test files found, exiting with code \d+")
_VITEST_SUITES = re.compile(r".*Failed Suites (\d+).*")
_VITEST_FAIL = re.compile(r"\s*FAIL\s+(?P<id>.+?)(?P<suite> \[ .* \])?")


def _vitest(lines: Sequence[str]) -> TestCounts | None:
    summaries = [m for line in lines if (m := _VITEST_TESTS.fullmatch(line.strip()))]
    if not summaries:
        return _none_ran(lines, _VITEST_NONE)
    counts = TestCounts()
    for part in summaries[-1]["parts"].split(" | "):
        number, _, word = part.partition(" ")
        if word in _JEST_WORDS and number.isdigit():
            field_name = _JEST_WORDS[word]
            setattr(counts, field_name, (getattr(counts, field_name) or 0) + int(number))
    failures: list[tuple[str, str | None]] = []
    for index, line in enumerate(lines):
        if suites := _VITEST_SUITES.fullmatch(line):
            counts.errors = int(suites[1])
        elif failed := _VITEST_FAIL.fullmatch(line):
            detail = next((n.strip() for n in lines[index + 1:] if n.strip()), "")
            failures.append((failed["id"], _exception_type(detail)))
    return _with_failures(counts, failures)


_SPREAD = re.compile(
    "^(?:" + "|".join(re.sub(r"\(\?P<\w+>", "(?:", p.pattern) for p in (
        _CARGO_RESULT, _CARGO_FAILED, _CARGO_PANIC, _GO_PACKAGE, _GO_TEST)) + "|panic: ).*$",
    re.MULTILINE)

_PARSERS: tuple[tuple[str, Callable[[Sequence[str]], TestCounts | None]], ...] = (
    ("pytest", _pytest),
    ("unittest", _unittest),
    ("cargo", _cargo),
    ("go", _go),
    ("jest", _jest),
    ("vitest", _vitest),
)
