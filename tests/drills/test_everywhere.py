"""Drills wherever goals are: the daily summary names each goal's drill and attempt, in every
format (also when the day is served from the store's cache)."""

from __future__ import annotations

import json

import pytest

from tests.drills.conftest import Dpt

pytestmark = pytest.mark.usefixtures("bowling")


def test_the_summary_names_the_drill_and_the_attempt(dpt: Dpt) -> None:
    for _ in range(2):  # summarized, then served from the cache of finished days
        data = json.loads(dpt("summary", "--date", "2024-05-09", "--format", "json").stdout)
        assert [(g["title"], g["drill"], g["attempt"]) for g in data["goals"]] == [
            ("Bowling kata", "Bowling", 3), ("reading", None, None)]
    text = dpt("summary", "--date", "2024-05-09").stdout
    assert "Bowling kata (drill" in text and "attempt 3)" in text  # a table cell, wrapped
    md = dpt("summary", "--date", "2024-05-08", "--format", "markdown").stdout
    assert "| Bowling kata (drill Bowling, attempt 2) | Tue 23:50 | 18m |" in md
