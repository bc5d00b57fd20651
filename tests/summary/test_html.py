"""The HTML page: self-contained, escaped, and drawn by a real browser (headless Chromium)
without console errors, with every chart visibly painted."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.analysis.builders import DayBuilder
from tests.summary.browser import Chromium, PageVisit
from tests.summary.conftest import Summary
from tests.summary.days import HOUR, store_days

DAY = "2024-05-06"
LEARNING, RED, GREEN, TYPING = (0xE6, 0x9F, 0x00), (0xD5, 0x5E, 0x00), (0x00, 0x9E, 0x73), (
    0x00, 0x72, 0xB2)


class References(HTMLParser):
    """Every tag and every URL-bearing attribute of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.urls += [v or "" for k, v in attrs if k in ("src", "href", "xlink:href", "srcset")]


def html_of(summary: Summary, *args: str) -> str:
    result = summary("--date", DAY, "--format", "html", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_page_is_self_contained(summary: Summary, known_day: None) -> None:
    page = html_of(summary)
    refs = References()
    refs.feed(page)
    assert "script" not in refs.tags and "link" not in refs.tags and "img" not in refs.tags
    assert all(u.startswith(("#", "data:")) for u in refs.urls), refs.urls
    assert not re.search(r"url\((?!['\"]?(#|data:))", page)
    assert not re.search(r"@import|@font-face", page)
    assert refs.tags.count("svg") == 4
    assert [m[1] for m in re.finditer(r'<section id="([^"]+)"', page)][:3] == [
        "next", "goals", "sessions"]
    assert "35m active in 2 sessions" in page


def test_user_text_is_escaped(summary: Summary, dpt_home: Path) -> None:
    day = DayBuilder()
    day.goal(9 * HOUR, "<script>alert('x')</script> & `ticks`")
    day.edit(9 * HOUR + 60)
    store_days(dpt_home, day)
    page = html_of(summary)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; `ticks`" in page


def near(pixel: tuple[int, ...], colour: tuple[int, int, int], tolerance: int = 40) -> bool:
    return sum(abs(a - b) for a, b in zip(pixel[:3], colour, strict=True)) <= tolerance


def figure_pixels(visit: PageVisit) -> list[list[tuple[int, ...]]]:
    """The screenshot's pixels inside each chart, in page order."""
    from PIL import Image

    image = Image.open(io.BytesIO(visit.screenshot)).convert("RGB")
    found = []
    for figure in visit.figures:
        box = (int(figure["x"]), int(figure["y"]), int(figure["x"] + figure["width"]),
               int(figure["y"] + figure["height"]))
        data = image.crop(box).tobytes()
        found.append([tuple(data[i:i + 3]) for i in range(0, len(data), 3)])
    return found


def chart_pixels(visit: PageVisit) -> dict[str, list[tuple[int, ...]]]:
    """The screenshot's pixels inside each chart, by section (one chart a section)."""
    return {f["section"]: pixels
            for f, pixels in zip(visit.figures, figure_pixels(visit), strict=True)}


@pytest.fixture
def chromium(tmp_path: Path) -> Iterator[Chromium]:
    browser = Chromium(tmp_path / "chromium-profile")
    yield browser
    browser.close()


def test_the_page_renders_in_chromium_with_painted_charts(summary: Summary, known_day: None,
                                                          tmp_path: Path,
                                                          chromium: Chromium) -> None:
    page = tmp_path / "day.html"
    html_of(summary, "--output", str(page))
    visit = chromium.visit(page.as_uri())
    assert visit.errors == []
    assert visit.requests == [page.as_uri()]  # the page itself and nothing else
    pixels = chart_pixels(visit)
    assert list(pixels) == ["timeline", "pauses", "tests", "week"]
    for section, points in pixels.items():
        painted = sum(1 for p in points if min(p) < 200) / len(points)
        assert painted > 0.02, f"{section} chart is blank ({painted:.1%} painted)"
        assert len(points) > 300 * 100, f"{section} chart is too small"
    assert sum(near(p, LEARNING) for p in pixels["timeline"]) > 500  # the learning session
    assert sum(near(p, TYPING) for p in pixels["timeline"]) > 50  # the bursts
    assert sum(near(p, RED) for p in pixels["tests"]) > 50
    assert sum(near(p, GREEN) for p in pixels["tests"]) > 50
    assert sum(near(p, LEARNING) for p in pixels["week"]) > 500


def test_the_browser_check_catches_errors_and_requests(tmp_path: Path,
                                                       chromium: Chromium) -> None:
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><title>x</title><p>hi</p>"
                    "<img src='http://127.0.0.1:9/missing.png'>"
                    "<script>console.error('boom'); undefined_function();</script>")
    visit = chromium.visit(page.as_uri())
    assert any("boom" in e for e in visit.errors)
    assert any("undefined_function" in e or "Uncaught" in e for e in visit.errors)
    assert "http://127.0.0.1:9/missing.png" in visit.requests


def test_an_empty_day_page_is_short_and_clean(summary: Summary, tmp_path: Path,
                                              chromium: Chromium) -> None:
    page = tmp_path / "empty.html"
    html_of(summary, "--output", str(page))
    text = page.read_text()
    assert "Nothing recorded on this day." in text and "<svg" not in text
    visit = chromium.visit(page.as_uri())
    assert visit.errors == [] and visit.figures == []


def test_the_week_page_draws_the_trend(summary: Summary, known_day: None, tmp_path: Path,
                                       chromium: Chromium) -> None:
    page = tmp_path / "week.html"
    html_of(summary, "--week", "--output", str(page))
    visit = chromium.visit(page.as_uri())
    assert visit.errors == []
    pixels = chart_pixels(visit)
    assert list(pixels) == ["week"]
    assert sum(near(p, LEARNING) for p in pixels["week"]) > 500



def test_the_week_strain_line_leaves_a_gap_for_days_without_data(
        summary: Summary, known_day: None, dpt_home: Path) -> None:
    """Practice on Thu 2, Fri 3 and Mon 6 May: the line joins Thu to Fri only; Sat and Sun,
    with nothing recorded, are a gap, not a strain of 0 drawn through."""
    for day in (2, 3):
        other = DayBuilder(day=date(2024, 5, day))
        other.edits([10 * HOUR + k * 10 for k in range(30)])
        other.red(10 * HOUR + 100, "test_a")
        other.green(10 * HOUR + 200)
        store_days(dpt_home, other)
    page = html_of(summary, "--week")
    line = re.search(r'<g id="strain">\s*<path d="([^"]*)"(.*?)</g>\s*</g>', page, re.S)
    assert line is not None
    moves = re.findall(r"[ML]", line[1])
    assert moves == ["M", "L", "M"]  # Thu-Fri, then Mon alone
    assert line[2].count("<use ") == 3  # a marker on each day with data, none elsewhere


def test_only_signals_are_coloured_as_warnings(summary: Summary, known_day: None) -> None:
    """The red tones mark the strain signals; a count of runs is a plain sentence."""
    page = html_of(summary)
    assert "<p>18 runs: 11 red, 7 green.</p>" in page
    warned = re.findall(r'<p class="(?:panic|learning|bad)">([^<]*)</p>', page)
    assert warned and all(re.match(r"\d+\. \w+ · ", text) for text in warned), warned
