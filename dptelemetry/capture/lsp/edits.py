"""Edit accounting: what one `didChange` did to a document, counted without its text.

The server keeps a document's *shape* (how long each line is, never what it says) so that a
change's deleted size can be read off its range. Lengths are in the client's position units
(UTF-16 code units unless the client negotiated UTF-32 or UTF-8), the units the ranges are in;
inserted sizes use the same units, so `inserted - deleted` is the change in document length.

A change that changes nothing is no edit: an empty range replaced by nothing, or the whole
document sent again as it was (ALE does that before each save). To tell the second from a
same-length rewrite without keeping text, a shape remembers the hash of the last whole text it
saw (Python's per-process salted `hash`, kept in memory only, never stored).

Memory: four bytes per line of each open document (400 KB for a 100,000-line file).
Time: a change costs O(lines it spans), plus one move of the length array when it adds or
removes lines; a whole-document change costs O(document), as its message already did.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lsprotocol import types

Units = Callable[[str], int]
"""Length of a piece of text in the client's position units."""

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the only line breaks LSP knows


def utf16_units(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def utf8_units(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))


def units_for(position_encoding: str) -> Units:
    """The unit counter for a negotiated `positionEncoding` (LSP's default is UTF-16)."""
    if position_encoding == types.PositionEncodingKind.Utf32:
        return len
    if position_encoding == types.PositionEncodingKind.Utf8:
        return utf8_units
    return utf16_units


def _split_lines(text: str) -> list[str]:
    if "\r" not in text:
        return text.split("\n")
    return _LINE_BREAK.split(text)


def _newline_width(text: str) -> int:
    match = _LINE_BREAK.search(text)
    return len(match.group()) if match else 1


@dataclass(frozen=True, slots=True)
class EditCounts:
    """What one notification changed. `line` is the first line touched (0-based), `lines`
    the lines each change spans (before or after it, whichever is more), summed."""

    inserted: int
    deleted: int
    line: int
    lines: int
    largest_insert: int
    """The most one single change inserted: a paste or a code action shows up here."""


class DocumentShape:
    """The length of every line of one document, and nothing of its content.

    `newline` is the width of the document's line break (1, or 2 for CRLF files), counted
    once for every line boundary a deleted range crosses.
    """

    __slots__ = ("_digest", "_lengths", "newline", "units")

    def __init__(self, text: str, units: Units) -> None:
        self.units = units
        self.newline = _newline_width(text)
        self._lengths = array("I", map(units, _split_lines(text)))
        self._digest: int | None = hash(text)
        """The hash of the whole text, while known (until a ranged change)."""

    def holds(self, text: str) -> bool:
        """Whether `text` is, as far as a hash can tell, the document as it is."""
        return self._digest is not None and self._digest == hash(text)

    @property
    def line_count(self) -> int:
        return len(self._lengths)

    @property
    def size(self) -> int:
        return sum(self._lengths) + self.newline * (len(self._lengths) - 1)

    def _clamp(self, position: types.Position) -> tuple[int, int]:
        """LSP's rule: a line past the end means the end; a character past the line's end
        means the line's end."""
        last = len(self._lengths) - 1
        if position.line > last:
            return last, self._lengths[last]
        line = max(position.line, 0)
        return line, min(max(position.character, 0), self._lengths[line])

    def replace_range(self, change_range: types.Range, text: str,
                      size: int) -> tuple[int, int, int]:
        """Apply one ranged change inserting `text`, `size` units long; returns (deleted,
        first line, lines spanned)."""
        start = self._clamp(change_range.start)
        end = self._clamp(change_range.end)
        if end < start:
            start, end = end, start
        (first, col), (last, end_col) = start, end
        lengths = self._lengths
        if first == last:
            deleted = end_col - col
        else:
            deleted = (lengths[first] - col + sum(lengths[first + 1 : last]) + end_col
                       + self.newline * (last - first))
        tail = lengths[last] - end_col
        self._digest = None
        if "\n" not in text and "\r" not in text:
            if first == last:  # typing and deleting within a line: no array move
                lengths[first] = col + size + tail
            else:
                lengths[first : last + 1] = array("I", (col + size + tail,))
            return deleted, first, last - first + 1
        parts = [self.units(part) for part in _split_lines(text)]
        parts[0] += col
        parts[-1] += tail
        lengths[first : last + 1] = array("I", parts)
        return deleted, first, max(last - first + 1, len(parts))

    def replace_all(self, text: str) -> tuple[int, int, int, int]:
        """Apply a whole-document change; returns (inserted, deleted, first line, lines).

        Without the old text the change is measured by shape: the lines between the longest
        run of equal lengths at the start and at the end changed, by their net size. Typing
        and deleting count exactly; replacing text with text of the same length counts 0.
        """
        old = self._lengths
        new = DocumentShape(text, self.units)
        common = min(len(old), len(new._lengths))
        head = next((i for i in range(common) if old[i] != new._lengths[i]), common)
        tail = 0
        while (tail < common - head
               and old[len(old) - 1 - tail] == new._lengths[len(new._lengths) - 1 - tail]):
            tail += 1
        net = new.size - self.size
        self._lengths, self.newline, self._digest = new._lengths, new.newline, new._digest
        spanned = max(len(old), len(new._lengths)) - head - tail
        first = min(head, len(self._lengths) - 1)
        return max(net, 0), max(-net, 0), first, max(spanned, 1)


def count_changes(
    shape: DocumentShape | None,
    changes: Iterable[types.TextDocumentContentChangeEvent],
    units: Units,
) -> EditCounts | None:
    """Count one notification's changes, applying them to `shape` in order; None when they
    changed nothing, so there is no edit to record.

    Without a shape (a document the server never saw opened), a ranged deletion within one
    line is still exact; across lines it counts the client's `rangeLength` where sent, else
    only the line breaks and the last line's part, a lower bound.
    """
    inserted = deleted = lines = largest = 0
    line: int | None = None
    for change in changes:
        if isinstance(change, types.TextDocumentContentChangePartial):
            size = units(change.text)
            if shape is not None:
                removed, first, spanned = shape.replace_range(change.range, change.text, size)
            else:
                removed, first, spanned = _unshaped(change)
            if not (removed or size):
                continue  # an empty range replaced by nothing
        elif shape is not None:
            if shape.holds(change.text):
                continue  # the document sent again as it was
            size, removed, first, spanned = shape.replace_all(change.text)
        else:
            size, removed, first, spanned = 0, 0, 0, 1
        inserted += size
        deleted += removed
        lines += spanned
        largest = max(largest, size)
        line = first if line is None else min(line, first)
    if line is None:
        return None
    return EditCounts(inserted=inserted, deleted=deleted, line=line, lines=lines,
                      largest_insert=largest)


def _unshaped(change: types.TextDocumentContentChangePartial) -> tuple[int, int, int]:
    start, end = change.range.start, change.range.end
    spanned = max(end.line - start.line + 1, change.text.count("\n") + 1, 1)
    if change.range_length is not None:
        return change.range_length, start.line, spanned
    if start.line == end.line:
        return max(end.character - start.character, 0), start.line, spanned
    return max(end.line - start.line, 0) + end.character, start.line, spanned
