"""One rule says which items an attempt never draws together, in every place that draws."""

from __future__ import annotations

from types import SimpleNamespace

from saveit.catalog.snapshot import family_count, family_key


def test_an_item_with_a_family_is_drawn_from_that_family():
    assert family_key({"key": "q1", "family": "F-abc"}) == "F-abc"
    assert family_key(SimpleNamespace(key="q1", family="F-abc")) == "F-abc"


def test_an_item_without_a_family_is_alone_in_one_named_by_its_key():
    assert family_key({"key": "q7", "family": ""}) == "q7"
    assert family_key({"key": "q7"}) == "q7"
    assert family_key(SimpleNamespace(key="q7", family="")) == "q7"


def test_the_family_count_counts_one_per_family_and_one_per_lone_item():
    items = [
        {"key": "q1", "family": "F-a"},
        {"key": "q2", "family": "F-a"},
        {"key": "q3", "family": ""},
        {"key": "q4"},
    ]
    assert family_count(items) == 3
