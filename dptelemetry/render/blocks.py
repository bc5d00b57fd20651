"""The pieces every report is written in (paragraphs, bullets, tables, the day strip, sections)
and the plain words they share, so each renderer presents any report the same way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # plain words (`plural`) need none of the day strip's analysis
    from dptelemetry.render.strip import Strip


@dataclass(frozen=True)
class Paragraph:
    text: str
    tone: str | None = None
    """comfort, learning, panic, good or None: a renderer may colour it."""


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    tones: tuple[str | None, ...] = ()
    """One per row, or none at all."""
    wrap: tuple[str, ...] = ()
    """Free-text columns a narrow terminal may wrap; every other cell keeps to one line."""


@dataclass(frozen=True)
class StripBlock:
    strip: Strip


Block = Paragraph | Bullets | Table | StripBlock


@dataclass(frozen=True)
class Section:
    key: str
    """Stable name: HTML puts its chart for `timeline`, `pauses`, `tests` and `week` here."""
    title: str
    blocks: tuple[Block, ...]
    note: str = ""
    """How the numbers were made: the thresholds behind them."""


@dataclass(frozen=True)
class Document:
    title: str
    headline: str
    sections: tuple[Section, ...]
    footer: tuple[str, ...] = ()


def long_date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else many or word + 's'}"


def number(value: float) -> str:
    """A figure as people read it: whole numbers whole, others to three significant digits
    (whole above 100)."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.0f}" if abs(value) >= 100 else f"{value:.3g}"
