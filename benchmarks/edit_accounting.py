"""The language server's edit accounting alone (`capture/lsp/edits.py`), in process.

    python benchmarks/edit_accounting.py [--before DIR] [--rounds 7]

Times `count_changes` on 20,000 one-character inserts into a 2,000-line document (typing)
and on 200 whole-document changes of it, the median of `--rounds` (each the best of three).
`--before DIR` also loads the edits.py found in DIR (e.g. an older commit unpacked with
`git archive COMMIT | tar -x -C DIR`) and alternates the two, to compare in one run.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import timeit
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from lsprotocol import types

from dptelemetry.capture.lsp import edits

LINES = 2000
DOCUMENT = "\n".join("    value = compute(alpha, beta, gamma)  # line" for _ in range(LINES))


def load(folder: Path) -> ModuleType:
    path = folder / "dptelemetry" / "capture" / "lsp" / "edits.py"
    spec = importlib.util.spec_from_file_location("edits_before", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def typing(module: ModuleType) -> Callable[[], None]:
    shape = module.DocumentShape(DOCUMENT, module.utf16_units)
    changes = []
    for i in range(20_000):
        at = types.Position(line=i % LINES, character=i // LINES)
        changes.append([types.TextDocumentContentChangePartial(
            range=types.Range(start=at, end=at), text="x")])

    def run() -> None:
        for change in changes:
            module.count_changes(shape, change, module.utf16_units)
    return run


def whole_documents(module: ModuleType) -> Callable[[], None]:
    shape = module.DocumentShape(DOCUMENT, module.utf16_units)
    changes = [[types.TextDocumentContentChangeWholeDocument(text=DOCUMENT + "x" * (i % 2))]
               for i in range(200)]

    def run() -> None:
        for change in changes:
            module.count_changes(shape, change, module.utf16_units)
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    versions = {"after": edits} | ({"before": load(args.before)} if args.before else {})
    for label, make in (("20,000 one-character inserts", typing),
                        (f"200 whole-document changes, {LINES:,} lines", whole_documents)):
        times: dict[str, list[float]] = {name: [] for name in versions}
        for _ in range(args.rounds):
            for name, module in versions.items():
                times[name].append(min(timeit.repeat(make(module), number=1, repeat=3)))
        medians = {name: statistics.median(found) * 1000 for name, found in times.items()}
        line = ", ".join(f"{name} {ms:.1f} ms" for name, ms in medians.items())
        if "before" in medians:
            line += f", after/before {medians['after'] / medians['before']:.2f}"
        print(f"{label}: {line}")


if __name__ == "__main__":
    main()
