"""Edit accounting without a client: counts checked against a reference that edits real text."""

from __future__ import annotations

import random
import re

import pytest
from lsprotocol import types

from dptelemetry.capture.lsp.edits import (
    DocumentShape,
    EditCounts,
    count_changes,
    units_for,
    utf16_units,
)

UTF16 = units_for(types.PositionEncodingKind.Utf16)


def rng(sl: int, sc: int, el: int, ec: int) -> types.Range:
    return types.Range(start=types.Position(line=sl, character=sc),
                       end=types.Position(line=el, character=ec))


def partial(sl: int, sc: int, el: int, ec: int, text: str = "",
            range_length: int | None = None) -> types.TextDocumentContentChangePartial:
    return types.TextDocumentContentChangePartial(range=rng(sl, sc, el, ec), text=text,
                                                  range_length=range_length)


def whole(text: str) -> types.TextDocumentContentChangeWholeDocument:
    return types.TextDocumentContentChangeWholeDocument(text=text)


def counts(text: str, *changes: types.TextDocumentContentChangeEvent) -> EditCounts | None:
    return count_changes(DocumentShape(text, UTF16), changes, UTF16)


# A reference that keeps the text, as a client does, to check the shape-only counts against.

def _offset(text: str, line: int, character: int) -> int | None:
    """String index of an LSP position (UTF-16 units), clamped like the server clamps;
    None inside a surrogate pair, a position no client sends."""
    lines = re.split(r"(\r\n|\r|\n)", text)
    contents, breaks = lines[0::2], lines[1::2]
    if line >= len(contents):
        return len(text)
    offset = sum(len(c) + len(b) for c, b in zip(contents[:line], breaks[:line], strict=True))
    units = 0
    for index, char in enumerate(contents[line]):
        if units >= character:
            return offset + index if units == character else None
        units += utf16_units(char)
    return offset + len(contents[line]) if character >= units else None


def reference_apply(
    text: str, change: types.TextDocumentContentChangePartial
) -> tuple[str, int] | None:
    start = _offset(text, change.range.start.line, change.range.start.character)
    end = _offset(text, change.range.end.line, change.range.end.character)
    if start is None or end is None:
        return None
    start, end = min(start, end), max(start, end)
    return text[:start] + change.text + text[end:], utf16_units(text[start:end])


def test_typing_and_deleting_within_a_line() -> None:
    assert counts("hello\nworld\n", partial(1, 5, 1, 5, "!")) == EditCounts(
        inserted=1, deleted=0, line=1, lines=1, largest_insert=1)
    assert counts("hello\nworld\n", partial(0, 1, 0, 4)) == EditCounts(
        inserted=0, deleted=3, line=0, lines=1, largest_insert=0)


def test_deletion_across_lines_counts_the_line_breaks() -> None:
    # "llo\nworld\nfo" is 3 + 1 + 5 + 1 + 2 = 12 characters
    result = counts("hello\nworld\nfoo\n", partial(0, 2, 2, 2))
    assert (result.deleted, result.line, result.lines) == (12, 0, 3)


def test_crlf_documents_count_two_characters_per_line_break() -> None:
    assert counts("ab\r\ncd\r\nef", partial(0, 1, 2, 1)).deleted == len("b\r\ncd\r\ne")


def test_positions_are_utf16_units_by_default_and_utf32_when_negotiated() -> None:
    text = "a😀b\nc"
    assert counts(text, partial(0, 1, 0, 3)).deleted == 2
    utf32 = units_for(types.PositionEncodingKind.Utf32)
    shape = DocumentShape(text, utf32)
    assert count_changes(shape, [partial(0, 1, 0, 2)], utf32).deleted == 1
    assert counts("x", partial(0, 1, 0, 1, "😀")).inserted == 2


def test_positions_past_the_end_are_clamped_and_reversed_ranges_tolerated() -> None:
    assert counts("abc\ndef", partial(1, 1, 9, 0)).deleted == 2
    assert counts("abc\ndef", partial(0, 99, 0, 99, "x")).inserted == 1
    assert counts("abc\ndef", partial(1, 2, 0, 1)).deleted == len("bc\nde")


def test_several_changes_in_one_notification_are_summed() -> None:
    result = counts("one\ntwo\nthree\n", partial(2, 0, 2, 5, "3"), partial(0, 0, 0, 3, "1"))
    assert result == EditCounts(inserted=2, deleted=8, line=0, lines=2, largest_insert=1)


def test_largest_insert_is_the_biggest_single_change() -> None:
    paste = "x = 1\n" * 50
    result = counts("", partial(0, 0, 0, 0, "a"), partial(0, 1, 0, 1, paste))
    assert result.largest_insert == len(paste)
    assert result.inserted == len(paste) + 1
    assert result.lines == 1 + 51


def test_whole_document_changes_count_typing_exactly_by_shape() -> None:
    shape = DocumentShape("def f():\n    return 1\n", UTF16)
    typed = count_changes(shape, [whole("def f():\n    return 12\n")], UTF16)
    assert (typed.inserted, typed.deleted, typed.line, typed.lines) == (1, 0, 1, 1)
    removed = count_changes(shape, [whole("def f():\n")], UTF16)
    assert (removed.inserted, removed.deleted, removed.line) == (0, len("    return 12\n"), 1)
    assert shape.line_count == 2


def test_whole_document_replacement_of_equal_length_counts_zero() -> None:
    shape = DocumentShape("abc\n", UTF16)
    assert count_changes(shape, [whole("xyz\n")], UTF16).inserted == 0


def test_a_change_that_changes_nothing_is_no_edit() -> None:
    assert counts("abc\n", partial(0, 1, 0, 1)) is None
    assert counts("abc\n") is None  # a notification with no changes
    assert count_changes(None, [partial(2, 3, 2, 3)], UTF16) is None
    shape = DocumentShape("abc\n", UTF16)
    assert count_changes(shape, [whole("abc\n")], UTF16) is None  # ALE, before each save
    rewrite = count_changes(shape, [whole("abd\n")], UTF16)  # same length, other text
    assert rewrite is not None and (rewrite.inserted, rewrite.deleted) == (0, 0)
    assert count_changes(shape, [whole("abd\n")], UTF16) is None
    assert counts("abc\n", partial(0, 1, 0, 1), partial(0, 3, 0, 3, "!")) == EditCounts(
        inserted=1, deleted=0, line=0, lines=1, largest_insert=1)  # the empty one adds nothing


def test_after_a_ranged_change_the_text_is_unknown_so_a_resend_still_counts() -> None:
    shape = DocumentShape("abc\n", UTF16)
    count_changes(shape, [partial(0, 3, 0, 3, "d")], UTF16)
    resent = count_changes(shape, [whole("abcd\n")], UTF16)
    assert resent is not None and (resent.inserted, resent.deleted) == (0, 0)


def test_unknown_documents_count_what_the_range_says() -> None:
    assert count_changes(None, [partial(3, 2, 3, 7)], UTF16).deleted == 5
    assert count_changes(None, [partial(3, 2, 5, 1, range_length=42)], UTF16).deleted == 42
    assert count_changes(None, [partial(3, 2, 5, 1)], UTF16).deleted == 3  # a lower bound
    assert count_changes(None, [whole("anything")], UTF16).inserted == 0


def test_a_100000_line_document_is_counted_from_its_shape() -> None:
    text = "".join(f"line {i}\n" for i in range(100_000))
    shape = DocumentShape(text, UTF16)
    assert shape.line_count == 100_001
    result = count_changes(shape, [partial(10, 0, 90_010, 0)], UTF16)
    assert result.deleted == len("".join(f"line {i}\n" for i in range(10, 90_010)))
    assert shape.line_count == 100_001 - 90_000
    assert shape.size == len(text) - result.deleted


@pytest.mark.parametrize(("seed", "newline"), [(s, nl) for s in range(10) for nl in "\n\r"])
def test_random_edits_match_a_reference_that_keeps_the_text(seed: int, newline: str) -> None:
    newline = "\r\n" if newline == "\r" else newline
    random_ = random.Random(seed)
    alphabet = ["a", "b", " ", newline, "é", "😀", "\t"]
    text = "".join(random_.choice(alphabet) for _ in range(200))
    shape = DocumentShape(text, UTF16)
    applied = 0
    for _ in range(300):
        lines = len(text.split(newline))
        sl, el = sorted(random_.randrange(lines + 1) for _ in range(2))
        sc, ec = random_.randrange(8), random_.randrange(8)
        if sl == el:
            sc, ec = sorted((sc, ec))
        change = partial(sl, sc, el, ec,
                         "".join(random_.choice(alphabet) for _ in range(random_.randrange(4))))
        expected = reference_apply(text, change)
        if expected is None:
            continue
        text, deleted = expected
        applied += 1
        result = count_changes(shape, [change], UTF16)
        if not deleted and not change.text:
            assert result is None  # nothing changed: no edit
        else:
            assert result is not None
            assert result.deleted == deleted
            assert result.inserted == utf16_units(change.text)
        assert shape.size == utf16_units(text)
        assert shape.line_count == len(text.split(newline))
    assert applied > 200
