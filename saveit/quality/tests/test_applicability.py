"""Which Qualiopi indicators apply, for every combination of categories and activities."""

from itertools import chain, combinations

import pytest
from django.test import Client

from saveit.quality.applicability import applicability
from saveit.quality.frameworks_data import ACTIVITIES, CATEGORIES
from saveit.quality.models import Indicator
from saveit.quality.services import save_profile
from saveit.testing.factories import bearer


def _subsets(items):
    return [
        set(c) for c in chain.from_iterable(combinations(items, n) for n in range(len(items) + 1))
    ]


def expected_applicable(categories: set[str], activities: set[str]) -> set[int]:
    """The reading guide's rules, written out independently of the data."""
    applies = set(range(1, 33))
    training_or_apprenticeship = bool(categories & {"training", "apprenticeship"})
    if "certifications" not in activities:
        applies -= {3, 7, 16}
    if not categories & {"training", "apprenticeship", "vae"}:
        applies.discard(16)
    if not training_or_apprenticeship:
        applies -= {8, 13, 28}
    if "alternance" not in activities:
        applies.discard(13)
    if "apprenticeship" not in categories:
        applies -= {14, 15, 20, 29}
    if "work_based_periods" not in activities:
        applies.discard(28)
    if "subcontracting" not in activities:
        applies.discard(27)
    return applies


CATEGORY_SETS = [s for s in _subsets(CATEGORIES) if s]  # 15 non-empty combinations
ACTIVITY_SETS = _subsets(ACTIVITIES)  # 16 combinations


@pytest.mark.parametrize("categories", CATEGORY_SETS, ids=lambda s: "+".join(sorted(s)))
def test_applicability_for_every_category_combination(db, categories):
    indicators = list(Indicator.objects.filter(framework__code="qualiopi"))
    for activities in ACTIVITY_SETS:
        found = {
            i.number
            for i in indicators
            if applicability(i.applicability, categories, activities).applies
        }
        assert found == expected_applicable(categories, activities), (categories, activities)


def test_a_not_applicable_indicator_says_why(db):
    rule = Indicator.objects.get(framework__code="qualiopi", number=14).applicability
    verdict = applicability(rule, {"training"}, set())
    assert not verdict.applies
    assert "apprenticeship" in verdict.reason.lower() or "apprentissage" in verdict.reason.lower()
    verdict = applicability(
        Indicator.objects.get(framework__code="qualiopi", number=27).applicability,
        {"training"},
        set(),
    )
    assert not verdict.applies and verdict.reason


def test_the_profile_drives_the_api_applies_flag(db, provider, quality_manager):
    save_profile(organization=provider, categories=["training"], activities=[], by=quality_manager)
    body = (
        Client().get("/api/v1/quality/frameworks/qualiopi", headers=bearer(quality_manager)).json()
    )
    flat = {i["number"]: i for c in body["criteria"] for i in c["indicators"]}
    assert flat[8]["applies"] and not flat[14]["applies"] and not flat[3]["applies"]
    assert flat[14]["not_applicable_because"]


def test_a_profile_without_category_or_with_an_unknown_code_is_refused(
    db, provider, quality_manager
):
    from saveit.core.errors import Refusal

    with pytest.raises(Refusal):
        save_profile(organization=provider, categories=[], activities=[], by=quality_manager)
    with pytest.raises(Refusal):
        save_profile(
            organization=provider, categories=["cooking"], activities=[], by=quality_manager
        )


def test_only_managers_change_the_profile(db, provider, designer):
    response = Client().put(
        "/api/v1/quality/profile",
        {"categories": ["training"]},
        content_type="application/json",
        headers=bearer(designer),
    )
    assert response.status_code == 403
