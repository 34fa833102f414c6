"""The player scores with the package's hashed key exactly as the rules say (same reading as the
server: all or nothing, |answer - expected| <= tolerance). scorm.js runs in Node here; the
browser journeys (e2e/test_scorm_*.py) run it in Chromium."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from saveit.catalog.scorm import _choice_key, _numeric_key, answer_hash

SCORM_JS = Path(__file__).resolve().parents[1] / "scorm_assets" / "scorm.js"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is needed to run scorm.js")
SALT = "0123456789abcdef0123456789abcdef"


def judge(cases: list[tuple[dict, object]]) -> list[bool]:
    script = (
        "global.window = global;"
        f"require({json.dumps(str(SCORM_JS))});"
        f"const cases = {json.dumps(cases)};"
        f"console.log(JSON.stringify(cases.map(c => SaveitScorm.isRight({json.dumps(SALT)},"
        " c[0], c[1]))));"
    )
    assert NODE is not None
    result = subprocess.run([NODE, "-e", script], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def numeric(answer: str, tolerance: str) -> dict:
    item = {"key": "I-n", "answer": answer, "tolerance": tolerance}
    return {"key": "I-n", "kind": "numeric"} | _numeric_key(item, SALT)


def test_a_numeric_answer_is_right_exactly_within_its_tolerance():
    dose, below, exact, wide = (
        numeric("2.5", "0.1"),
        numeric("-3", "0.5"),
        numeric("48", "0"),
        numeric("1000", "500"),
    )
    assert "hashes" not in wide and wide["low"] == "500"  # too wide to list: kept in clear
    cases = [
        (dose, "2.5", True), (dose, "2.45", True), (dose, "2.6", True), (dose, "2.6000", True),
        (dose, "2.61", False), (dose, "2.399", False), (dose, None, False),
        (below, "-3.5", True), (below, "-2.5", True), (below, "-3.51", False),
        (below, "-2.49", False), (exact, "48", True), (exact, "48.0", True),
        (exact, "48.01", False), (wide, "1500", True), (wide, "1500.5", False),
        (wide, "499", False),
    ]  # fmt: skip
    assert judge([(item, given) for item, given, _ in cases]) == [want for *_, want in cases]


def test_choices_and_orders_are_right_only_in_full():
    multiple = {"key": "I-m", "kind": "multiple", "choices": ["a", "b", "c"], "correct": [0, 2]}
    steps = ["Retirer", "Appliquer", "Laisser agir", "Essuyer"]
    ordering = {"key": "I-o", "kind": "ordering", "choices": steps, "correct": [0, 1, 2, 3]}
    m = {"key": "I-m", "kind": "multiple"} | _choice_key(multiple, SALT)
    o = {"key": "I-o", "kind": "ordering"} | _choice_key(ordering, SALT)
    right_order = [o["choices"].index(step) for step in steps]
    assert m["hashes"] == [answer_hash(SALT, "I-m", "0,2")]
    cases = [
        (m, [2, 0], True), (m, [0], False), (m, [0, 1, 2], False), (m, [], False),
        (o, right_order, True), (o, list(range(4)), False), (o, right_order[::-1], False),
    ]  # fmt: skip
    assert judge([(item, given) for item, given, _ in cases]) == [want for *_, want in cases]


def test_an_attempt_in_the_package_never_draws_two_items_of_one_family():
    pool = [
        {"key": "a1", "family": "A"},
        {"key": "a2", "family": "A"},
        {"key": "b1", "family": "B"},
        {"key": "c1"},
        {"key": "a3", "family": "A"},
        {"key": "d1", "family": "D"},
    ]
    script = (
        "global.window = global;"
        f"require({json.dumps(str(SCORM_JS))});"
        f"console.log(JSON.stringify(SaveitScorm.pickByFamily({json.dumps(pool)}, 4)"
        ".map(i => i.key)));"
    )
    assert NODE is not None
    result = subprocess.run([NODE, "-e", script], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == ["a1", "b1", "c1", "d1"]


def test_the_package_carries_each_item_family():
    from saveit.catalog.scorm import _player_items

    items = _player_items(
        [
            {"key": "I-1", "kind": "true_false", "family": "F-1", "choices": ["Vrai", "Faux"],
             "correct": [0]},
            {"key": "I-2", "kind": "true_false", "choices": ["Vrai", "Faux"], "correct": [1]},
        ],
        SALT,
    )  # fmt: skip
    assert [item["family"] for item in items] == ["F-1", "I-2"]
