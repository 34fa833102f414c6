"""The assessment's draw, answer reading and scoring, on snapshots built by hand."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.http import QueryDict
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from saveit.learning.assessment import (
    DrawnItem,
    InvalidAnswers,
    draw,
    parse_answers,
    score,
)

SEEDS = [f"seed-{n}" for n in range(200)]


def item(key: str, kind: str, anchor: str = "s1", **fields: Any) -> dict[str, Any]:
    defaults: dict[str, Any] = {
        "single": {"choices": ["A", "B", "C", "D"], "correct": [2]},
        "multiple": {"choices": ["A", "B", "C", "D"], "correct": [0, 3]},
        "true_false": {"choices": ["Vrai", "Faux"], "correct": [1]},
        "ordering": {"choices": ["un", "deux", "trois", "quatre"], "correct": [0, 1, 2, 3]},
        "numeric": {"choices": [], "correct": [], "answer": "2.5", "tolerance": "0.1"},
    }[kind]
    return {
        "key": key,
        "kind": kind,
        "prompt": f"Question {key}",
        "choices": [],
        "correct": [],
        "answer": None,
        "tolerance": "0",
        "unit": "mL" if kind == "numeric" else "",
        "feedback": f"Relire {anchor}.",
        "source_anchors": [anchor] if anchor else [],
        **defaults,
        **fields,
    }


def snapshot(items: list[dict[str, Any]], **rules: Any) -> dict[str, Any]:
    assessment = {
        "items_per_attempt": len(items),
        "randomise": True,
        "pass_mark": 80,
        "max_attempts": 3,
        "time_limit_minutes": None,
        "validity_months": 24,
    }
    return {"assessment": assessment | rules, "items": items}


def five_kinds(**rules: Any) -> dict[str, Any]:
    return snapshot(
        [
            item("q-single", "single", "s1"),
            item("q-multiple", "multiple", "s1"),
            item("q-tf", "true_false", "s2"),
            item("q-order", "ordering", "s2"),
            item("q-number", "numeric", "s3"),
        ],
        **rules,
    )


def by_key(snap: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["key"]: i for i in snap["items"]}


def right_form(drawn: list[DrawnItem], snap: dict[str, Any]) -> dict[str, list[str]]:
    """What a learner who knows every answer posts: display positions, not stored indexes."""
    form: dict[str, list[str]] = {}
    for entry in drawn:
        it = by_key(snap)[entry.key]
        if it["kind"] == "numeric":
            form[f"item-{entry.key}"] = [it["answer"]]
        else:
            form[f"item-{entry.key}"] = [str(entry.order.index(i)) for i in it["correct"]]
    return form


def outcome_of(snap: dict[str, Any], form: dict[str, list[str]], seed: str = "s"):  # type: ignore[no-untyped-def]
    drawn = draw(snap, seed=seed)
    answers = parse_answers(drawn, snap, form)
    return score(drawn, snap, answers, section_titles={})


def unshuffled(snap: dict[str, Any]) -> list[DrawnItem]:
    """Every item, choices in stored order, except ordering steps reversed."""
    drawn = []
    for it in snap["items"]:
        n = len(it["choices"])
        order = tuple(reversed(range(n))) if it["kind"] == "ordering" else tuple(range(n))
        drawn.append(DrawnItem(it["key"], order))
    return drawn


# ---------------------------------------------------------------- drawing


def test_the_same_seed_draws_the_same_items_in_the_same_order():
    snap = snapshot([item(f"q{n}", "single", f"s{n % 3}") for n in range(12)], items_per_attempt=5)
    assert draw(snap, seed="abc") == draw(snap, seed="abc")


def test_different_seeds_draw_different_attempts():
    snap = snapshot([item(f"q{n}", "single", f"s{n % 3}") for n in range(12)], items_per_attempt=5)
    assert len({tuple(draw(snap, seed=seed)) for seed in SEEDS[:20]}) > 1


def test_an_attempt_draws_items_per_attempt_distinct_items():
    snap = snapshot([item(f"q{n}", "single", f"s{n % 4}") for n in range(20)], items_per_attempt=7)
    for seed in SEEDS[:50]:
        keys = [d.key for d in draw(snap, seed=seed)]
        assert len(keys) == 7
        assert len(set(keys)) == 7


def test_a_bank_smaller_than_items_per_attempt_is_drawn_whole():
    snap = snapshot([item(f"q{n}", "single") for n in range(3)], items_per_attempt=10)
    assert sorted(d.key for d in draw(snap, seed="x")) == ["q0", "q1", "q2"]
    snap["assessment"]["randomise"] = False
    assert [d.key for d in draw(snap, seed="x")] == ["q0", "q1", "q2"]


def test_an_empty_bank_draws_nothing():
    assert draw(snapshot([], items_per_attempt=10), seed="x") == []


def test_a_randomised_draw_covers_every_section_before_taking_a_second_from_one():
    items = (
        [item(f"big{n}", "single", "big") for n in range(10)]
        + [item(f"mid{n}", "single", "mid") for n in range(3)]
        + [item("small", "single", "small")]
    )
    for seed in SEEDS:
        three = Counter(
            d.key.rstrip("0123456789")
            for d in draw(snapshot(items, items_per_attempt=3), seed=seed)
        )
        assert three == {"big": 1, "mid": 1, "small": 1}
        six = Counter(
            d.key.rstrip("0123456789")
            for d in draw(snapshot(items, items_per_attempt=6), seed=seed)
        )
        # small ran out after one; the other two share the rest evenly.
        assert six == {"big": 3, "mid": 2, "small": 1} or six == {"big": 2, "mid": 3, "small": 1}
        eight = Counter(
            d.key.rstrip("0123456789")
            for d in draw(snapshot(items, items_per_attempt=8), seed=seed)
        )
        assert eight == {"big": 4, "mid": 3, "small": 1}


def test_a_randomised_draw_still_varies_which_item_of_a_section_comes_out():
    items = [item(f"q{n}", "single", "only") for n in range(6)]
    drawn = {draw(snapshot(items, items_per_attempt=1), seed=seed)[0].key for seed in SEEDS}
    assert drawn == {f"q{n}" for n in range(6)}


def test_items_without_a_source_anchor_form_their_own_group():
    items = [item("a1", "single", "a"), item("a2", "single", "a"), item("none", "single", "")]
    for seed in SEEDS[:50]:
        keys = {d.key for d in draw(snapshot(items, items_per_attempt=2), seed=seed)}
        assert "none" in keys


@pytest.mark.parametrize("randomise", [True, False])
@pytest.mark.parametrize("steps", [2, 3, 5])
def test_an_ordering_item_is_never_shown_in_its_right_order(randomise, steps):
    it = item(
        "o", "ordering", choices=[f"étape {n}" for n in range(steps)], correct=list(range(steps))
    )
    snap = snapshot([it], randomise=randomise)
    orders = {draw(snap, seed=seed)[0].order for seed in SEEDS}
    assert tuple(range(steps)) not in orders
    assert all(sorted(order) == list(range(steps)) for order in orders)
    if steps == 3:
        assert len(orders) == 5  # every wrong order of three steps turns up


def test_a_single_step_ordering_is_shown_as_it_is():
    snap = snapshot([item("o", "ordering", choices=["seule"], correct=[0])])
    assert draw(snap, seed="x")[0].order == (0,)


def test_true_or_false_keeps_vrai_first_even_when_randomised():
    snap = snapshot([item("tf", "true_false")], randomise=True)
    assert {draw(snap, seed=seed)[0].order for seed in SEEDS} == {(0, 1)}


def test_randomised_single_and_multiple_choices_are_shuffled():
    snap = snapshot([item("s", "single"), item("m", "multiple")], randomise=True)
    orders = {d.order for seed in SEEDS for d in draw(snap, seed=seed)}
    assert len(orders) > 2
    assert all(sorted(order) == [0, 1, 2, 3] for order in orders)


def test_a_numeric_item_has_no_choice_order():
    snap = snapshot([item("n", "numeric")])
    assert draw(snap, seed="x") == [DrawnItem("n", ())]


def test_without_randomise_the_first_items_come_in_bank_order_with_choices_as_stored():
    snap = five_kinds(randomise=False, items_per_attempt=4)
    for seed in SEEDS[:20]:
        drawn = draw(snap, seed=seed)
        assert [d.key for d in drawn] == ["q-single", "q-multiple", "q-tf", "q-order"]
        assert drawn[0].order == (0, 1, 2, 3)
        assert drawn[1].order == (0, 1, 2, 3)
        assert drawn[2].order == (0, 1)
        assert drawn[3].order != (0, 1, 2, 3)


# ---------------------------------------------------------------- scoring each kind


@pytest.mark.parametrize(
    ("key", "right", "wrong"),
    [
        ("q-single", ["2"], ["1"]),
        ("q-multiple", ["0", "3"], ["0"]),
        ("q-tf", ["1"], ["0"]),
        ("q-order", ["3", "2", "1", "0"], ["0", "1", "2", "3"]),  # shown reversed
        ("q-number", ["2,5"], ["3"]),
    ],
)
def test_every_kind_scores_a_right_answer_right_and_a_wrong_one_wrong(key, right, wrong):
    snap = five_kinds()
    drawn = unshuffled(snap)
    for values, expected in ((right, True), (wrong, False)):
        answers = parse_answers(drawn, snap, {f"item-{key}": values})
        result = {r.key: r for r in score(drawn, snap, answers, section_titles={}).items}[key]
        assert result.correct is expected


def test_answers_are_kept_as_stored_indexes_or_a_decimal():
    snap = five_kinds()
    drawn = unshuffled(snap)
    form = {
        "item-q-single": ["2"],
        "item-q-multiple": ["3", "0"],
        "item-q-tf": ["1"],
        "item-q-order": ["3", "2", "1", "0"],
        "item-q-number": ["2,5"],
    }
    assert parse_answers(drawn, snap, form) == {
        "q-single": [2],
        "q-multiple": [0, 3],
        "q-tf": [1],
        "q-order": [0, 1, 2, 3],
        "q-number": Decimal("2.5"),
    }


def test_a_shuffled_choice_is_scored_through_its_display_position():
    snap = snapshot([item("s", "single", choices=["A", "B", "C", "D"], correct=[2])])
    drawn = [DrawnItem("s", (3, 2, 0, 1))]  # "C" is shown second
    right = score(drawn, snap, parse_answers(drawn, snap, {"item-s": ["1"]}), section_titles={})
    wrong = score(drawn, snap, parse_answers(drawn, snap, {"item-s": ["2"]}), section_titles={})
    assert right.items[0].correct and right.items[0].given == [2]
    assert not wrong.items[0].correct and wrong.items[0].given == [0]


def test_a_shuffled_ordering_is_read_through_its_display_positions():
    snap = snapshot([item("o", "ordering", choices=["un", "deux", "trois"], correct=[0, 1, 2])])
    drawn = [DrawnItem("o", (2, 0, 1))]  # shown: trois, un, deux
    answers = parse_answers(drawn, snap, {"item-o": ["1", "2", "0"]})  # un, deux, trois
    assert answers == {"o": [0, 1, 2]}
    assert score(drawn, snap, answers, section_titles={}).items[0].correct


def test_a_multiple_choice_is_all_or_nothing():
    snap = snapshot([item("m", "multiple", correct=[0, 3])])
    drawn = [DrawnItem("m", (0, 1, 2, 3))]
    for values, expected in (
        (["0", "3"], True),
        (["3", "0"], True),
        (["0"], False),
        (["0", "1", "3"], False),
        (["0", "1", "2", "3"], False),
    ):
        answers = parse_answers(drawn, snap, {"item-m": values})
        assert score(drawn, snap, answers, section_titles={}).items[0].correct is expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2,5", Decimal("2.5")),
        ("2.5", Decimal("2.5")),
        (" 2,50 ", Decimal("2.50")),
        ("+2.5", Decimal("2.5")),
        (",5", Decimal("0.5")),
        ("12.", Decimal("12")),
        ("1 200,5", Decimal("1200.5")),
        ("1\u00a0200", Decimal("1200")),
        ("1\u202f200", Decimal("1200")),
        ("-3,75", Decimal("-3.75")),
    ],
)
def test_a_numeric_answer_reads_french_commas_and_thousand_spaces(typed, expected):
    snap = snapshot([item("n", "numeric")])
    assert parse_answers([DrawnItem("n", ())], snap, {"item-n": [typed]}) == {"n": expected}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("2,5", True), ("2,6", True), ("2,4", True), ("2,6001", False), ("2,3999", False)],
)
def test_a_numeric_answer_is_right_within_the_tolerance_and_wrong_just_outside(typed, expected):
    snap = snapshot([item("n", "numeric", answer="2.5", tolerance="0.1")])
    drawn = [DrawnItem("n", ())]
    answers = parse_answers(drawn, snap, {"item-n": [typed]})
    assert score(drawn, snap, answers, section_titles={}).items[0].correct is expected


def test_a_numeric_answer_without_tolerance_must_be_exact_in_decimal():
    snap = snapshot([item("n", "numeric", answer="0.3", tolerance="0")])
    drawn = [DrawnItem("n", ())]
    for typed, expected in (("0,30", True), ("0.3000000001", False)):
        answers = parse_answers(drawn, snap, {"item-n": [typed]})
        assert score(drawn, snap, answers, section_titles={}).items[0].correct is expected


def test_an_unanswered_item_counts_wrong_with_nothing_given():
    snap = five_kinds()
    drawn = unshuffled(snap)
    answers = parse_answers(drawn, snap, {"item-q-number": ["  "], "item-q-multiple": []})
    assert set(answers.values()) == {None}
    outcome = score(drawn, snap, answers, section_titles={})
    assert (outcome.correct, outcome.total, outcome.score, outcome.passed) == (0, 5, 0, False)
    assert all(r.given is None and not r.correct for r in outcome.items)


def test_a_query_dict_is_read_and_fields_that_are_not_answers_are_ignored():
    snap = five_kinds()
    drawn = unshuffled(snap)
    form = QueryDict(
        "csrfmiddlewaretoken=t&item-q-multiple=0&item-q-multiple=3"
        "&item-q-order=3&item-q-order=2&item-q-order=1&item-q-order=0&item-q-number=2%2C5"
    )
    assert parse_answers(drawn, snap, form) == {
        "q-single": None,
        "q-multiple": [0, 3],
        "q-tf": None,
        "q-order": [0, 1, 2, 3],
        "q-number": Decimal("2.5"),
    }


# ---------------------------------------------------------------- score and pass mark


def singles(
    total: int, right: int, pass_mark: int = 80
) -> tuple[list[DrawnItem], dict[str, Any], dict[str, object]]:
    snap = snapshot([item(f"q{n}", "single") for n in range(total)], pass_mark=pass_mark)
    drawn = [DrawnItem(f"q{n}", (0, 1, 2, 3)) for n in range(total)]
    answers: dict[str, object] = {f"q{n}": [2] if n < right else [0] for n in range(total)}
    return drawn, snap, answers


def test_the_score_is_rounded_down_so_79_point_9_percent_fails_a_pass_mark_of_80():
    outcome = score(*singles(total=1000, right=799), section_titles={})
    assert (outcome.score, outcome.passed) == (79, False)
    half_up_would_pass = score(*singles(total=44, right=35), section_titles={})  # 79.55 %
    assert (half_up_would_pass.score, half_up_would_pass.passed) == (79, False)


def test_reaching_the_pass_mark_exactly_passes():
    outcome = score(*singles(total=5, right=4), section_titles={})
    assert (outcome.correct, outcome.total, outcome.score, outcome.passed) == (4, 5, 80, True)
    assert score(*singles(total=3, right=3, pass_mark=100), section_titles={}).score == 100


def test_an_attempt_without_items_scores_zero_and_does_not_pass():
    outcome = score([], snapshot([]), {}, section_titles={})
    assert (outcome.score, outcome.passed, outcome.total) == (0, False, 0)


def test_sections_come_in_order_of_appearance_with_the_feedback_of_missed_items():
    snap = snapshot(
        [
            item("a", "single", "s2", feedback="Voir 2.1"),
            item("b", "single", "s1", feedback="Voir 1.1"),
            item("c", "single", "s2", feedback="Voir 2.2"),
            item("d", "single", "s2", feedback=""),
            item("e", "single", "s2", feedback="Voir 2.1"),
            item("f", "single", "s1", feedback="Voir 1.2"),
        ]
    )
    drawn = [DrawnItem(k, (0, 1, 2, 3)) for k in "abcdef"]
    answers: dict[str, object] = {"a": [0], "b": [2], "c": [2], "d": [1], "e": None, "f": [2]}
    outcome = score(drawn, snap, answers, section_titles={"s1": "Hygiène", "s2": "Stockage"})
    assert [(s.anchor, s.title, s.correct, s.total) for s in outcome.sections] == [
        ("s2", "Stockage", 1, 4),
        ("s1", "Hygiène", 2, 2),
    ]
    assert outcome.sections[0].feedbacks == ("Voir 2.1",)  # d has none; e repeats a
    assert outcome.sections[1].feedbacks == ()
    assert [r.section for r in outcome.items] == ["s2", "s1", "s2", "s2", "s2", "s1"]
    assert outcome.items[0].feedback == "Voir 2.1"


def test_a_section_without_a_known_title_is_never_named_by_its_anchor():
    snap = snapshot([item("a", "single", "s9")])
    outcome = score([DrawnItem("a", (0, 1, 2, 3))], snap, {"a": [2]}, section_titles={})
    assert outcome.sections[0].title == ""  # the page says "written without a source section"


# ---------------------------------------------------------------- refused submissions


@pytest.mark.parametrize(
    "form",
    [
        pytest.param({"item-q-unknown": ["0"]}, id="an item that was not drawn"),
        pytest.param({"item-q-single": ["4"]}, id="a position out of range"),
        pytest.param({"item-q-single": ["-1"]}, id="a negative position"),
        pytest.param({"item-q-single": ["B"]}, id="a position that is not a number"),
        pytest.param({"item-q-single": ["1.0"]}, id="a position that is not an integer"),
        pytest.param({"item-q-single": ["0", "1"]}, id="two answers to a single choice"),
        pytest.param({"item-q-tf": ["0", "1"]}, id="both true and false"),
        pytest.param({"item-q-tf": ["2"]}, id="a third answer to true or false"),
        pytest.param({"item-q-multiple": ["1", "1"]}, id="the same choice twice"),
        pytest.param({"item-q-multiple": ["1", "9"]}, id="a multiple choice out of range"),
        pytest.param({"item-q-order": ["0", "0", "1", "2"]}, id="a step placed twice"),
        pytest.param({"item-q-order": ["0", "1", "2"]}, id="a step left out"),
        pytest.param({"item-q-order": ["0", "1", "2", "3", "3"]}, id="too many steps"),
        pytest.param({"item-q-order": ["0", "1", "2", "4"]}, id="a step out of range"),
        pytest.param({"item-q-number": ["deux"]}, id="a number in words"),
        pytest.param({"item-q-number": ["2,5 mL"]}, id="a number with its unit"),
        pytest.param({"item-q-number": ["1e3"]}, id="a number with an exponent"),
        pytest.param({"item-q-number": ["2,5,1"]}, id="two decimal commas"),
        pytest.param({"item-q-number": ["1" * 31]}, id="an absurdly long number"),
        pytest.param({"item-q-number": ["2", "3"]}, id="two numbers"),
        pytest.param({"item-q-number": ["NaN"]}, id="not a number"),
    ],
)
def test_an_unreadable_answer_refuses_the_whole_submission(form):
    snap = five_kinds()
    drawn = unshuffled(snap)
    with pytest.raises(InvalidAnswers):
        parse_answers(drawn, snap, {"item-q-single": ["2"], **form})


def test_a_refusal_names_the_question_at_fault():
    snap = five_kinds()
    drawn = unshuffled(snap)
    with translation.override("en"), pytest.raises(InvalidAnswers) as refused:
        parse_answers(drawn, snap, {"item-q-order": ["0", "0", "1", "2"]})
    assert refused.value.key == "q-order"
    assert str(refused.value) == "Question 4: give each step exactly one position."


def test_a_forged_field_is_refused_without_naming_an_item():
    snap = five_kinds()
    drawn = [d for d in unshuffled(snap) if d.key != "q-number"]
    with pytest.raises(InvalidAnswers) as refused:
        parse_answers(drawn, snap, {"item-q-single": ["2"], "item-q-number": ["2,5"]})
    assert refused.value.key is None


# ---------------------------------------------------------------- property


@settings(max_examples=150, deadline=None)
@given(seed=st.text(max_size=40), randomise=st.booleans(), per_attempt=st.integers(1, 12))
def test_answering_every_drawn_item_right_scores_100_and_passes(seed, randomise, per_attempt):
    items = [
        item(f"{kind}-{n}", kind, f"s{n}")
        for n in range(2)
        for kind in ("single", "multiple", "true_false", "ordering", "numeric")
    ]
    snap = snapshot(items, randomise=randomise, items_per_attempt=per_attempt, pass_mark=100)
    drawn = draw(snap, seed=seed)
    outcome = score(
        drawn, snap, parse_answers(drawn, snap, right_form(drawn, snap)), section_titles={}
    )
    assert (outcome.score, outcome.passed, outcome.total) == (100, True, min(per_attempt, 10))


# ---------------------------------------------------------------- families


def with_families() -> dict[str, Any]:
    """Three statements, each a rule, its false variant and a who-question; two loose items."""
    items = []
    for n, anchor in enumerate(["s1", "s2", "s3"]):
        items += [
            item(f"rule-{n}", "true_false", anchor, correct=[0], family=f"F-{n}"),
            item(f"false-{n}", "true_false", anchor, correct=[1], family=f"F-{n}"),
            item(f"who-{n}", "single", anchor, family=f"F-{n}"),
        ]
    items += [item("loose-a", "numeric", "s1"), item("loose-b", "ordering", "s2")]
    return snapshot(items, items_per_attempt=10)


def family_of(snap: dict[str, Any], key: str) -> str:
    return by_key(snap)[key].get("family") or key


@pytest.mark.parametrize("randomise", [True, False])
def test_an_attempt_never_draws_two_items_of_one_family(randomise):
    snap = with_families()
    snap["assessment"]["randomise"] = randomise
    for seed in SEEDS:
        drawn = draw(snap, seed=seed)
        families = [family_of(snap, d.key) for d in drawn]
        assert len(families) == len(set(families))  # a rule never sits beside its false twin
        assert len(drawn) == 5  # 10 asked, 3 families and 2 loose items: 5 can be drawn


def test_every_member_of_a_family_gets_drawn_in_turn():
    snap = with_families()
    seen = Counter(d.key for seed in SEEDS for d in draw(snap, seed=seed))
    for n in range(3):  # the true statement as often as its false variant, give or take luck
        assert seen[f"rule-{n}"] > 40 and seen[f"false-{n}"] > 40 and seen[f"who-{n}"] > 40
    assert seen["loose-a"] == seen["loose-b"] == len(SEEDS)


def test_the_family_count_is_what_an_attempt_can_draw_at_most():
    from saveit.learning.assessment import family_count

    assert family_count(with_families()) == 5
    assert family_count(five_kinds()) == 5  # no family: each item is its own


def test_results_name_sections_by_title_looked_up_with_their_document_version():
    snap = snapshot(
        [
            item("a", "single", "s-4", source_version_id=12),
            item("b", "single", "preambule", source_version_id=12),
            item("c", "single", "s-9", source_version_id=12),
        ]
    )
    titles = {"12#s-4": "Gouvernance et rôles", "12#preambule": "Introduction", "7#s-4": "Autre"}
    drawn = draw(snap, seed="t")
    outcome = score(drawn, snap, {}, section_titles=titles)
    named = {s.anchor: s.title for s in outcome.sections}
    assert named == {"s-4": "Gouvernance et rôles", "preambule": "Introduction", "s-9": ""}
    assert not any(s.title.startswith("s-") for s in outcome.sections)  # never the anchor
