"""The drill and progress pages: self-contained like the summary's, and drawn by headless
Chromium without errors, with one painted chart per measure and the changes marked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.drills.conftest import Dpt
from tests.summary.browser import Chromium
from tests.summary.test_html import TYPING, References, chromium, figure_pixels, near

__all__ = ["chromium"]  # the fixture, shared with the summary's page tests

CHANGE = (0xCC, 0x79, 0xA7)
pytestmark = pytest.mark.usefixtures("bowling")


def page(dpt: Dpt, tmp_path: Path, *args: str) -> tuple[Path, str]:
    target = tmp_path / "page.html"
    dpt(*args, "--format", "html", "--output", str(target))
    return target, target.read_text()


def self_contained(html: str) -> References:
    refs = References()
    refs.feed(html)
    assert "script" not in refs.tags and "link" not in refs.tags and "img" not in refs.tags
    assert all(u.startswith(("#", "data:")) for u in refs.urls), refs.urls
    assert not re.search(r"@import|@font-face|url\((?!['\"]?(#|data:))", html)
    return refs


def test_the_drill_page_has_a_chart_per_measure_with_changes_marked(
        dpt: Dpt, tmp_path: Path, chromium: Chromium) -> None:
    target, html = page(dpt, tmp_path, "drill", "show", "bowling")
    refs = self_contained(html)
    assert refs.tags.count("svg") == 15  # every measure has a value in some attempt
    assert [m[1] for m in re.finditer(r'<section id="([^"]+)"', html)] == [
        "attempts", "across", "tests", "strain", "first-latest", "changes"]
    assert html.count(">difficulty<") >= 15  # the change's lever beside its mark, per chart
    visit = chromium.visit(target.as_uri())
    assert visit.errors == []
    assert visit.requests == [target.as_uri()]
    assert [f["section"] for f in visit.figures] == ["across"] * 15
    for figure in visit.figures:
        assert figure["width"] > 250 and figure["height"] > 100
    for pixels in figure_pixels(visit):
        assert sum(near(p, TYPING) for p in pixels) > 30  # the line and its marks
        assert sum(near(p, CHANGE) for p in pixels) > 30  # the dashed change lines


def test_the_progress_page_has_a_chart_per_measure(dpt: Dpt, tmp_path: Path,
                                                   chromium: Chromium) -> None:
    target, html = page(dpt, tmp_path, "progress", "--date", "2024-05-19", "--weeks", "3")
    refs = self_contained(html)
    assert refs.tags.count("svg") == 10
    assert [m[1] for m in re.finditer(r'<section id="([^"]+)"', html)] == [
        "practice", "across", "results", "trends"]
    visit = chromium.visit(target.as_uri())
    assert visit.errors == [] and visit.requests == [target.as_uri()]
    assert len(visit.figures) == 10
    for pixels in figure_pixels(visit):
        assert sum(near(p, TYPING) for p in pixels) > 30


def test_user_text_is_escaped_on_the_drill_page(dpt: Dpt, tmp_path: Path) -> None:
    dpt("goal", "start", "<b>kata</b>", "--drill", "<script>x</script>", "--change",
        "difficulty", "a & b")
    _, html = page(dpt, tmp_path, "drill", "show", "<script>x</script>")
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "a &amp; b" in html
