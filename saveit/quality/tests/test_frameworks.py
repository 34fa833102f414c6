from collections import Counter

import pytest

from saveit.accounts.roles import Role
from saveit.quality.frameworks_data import QUALIOPI_MAJOR_ONLY
from saveit.quality.models import Criterion, Framework, Indicator
from saveit.testing.factories import bearer, make_member


def test_qualiopi_has_seven_criteria_and_thirty_two_indicators(db):
    qualiopi = Framework.objects.get(code="qualiopi")
    assert qualiopi.criteria.count() == 7
    assert list(qualiopi.indicators.values_list("number", flat=True)) == list(range(1, 33))
    per_criterion = Counter(qualiopi.indicators.values_list("criterion__number", flat=True))
    assert per_criterion == {1: 3, 2: 5, 3: 8, 4: 4, 5: 2, 6: 7, 7: 3}
    assert "2019-564" in qualiopi.version


def test_eduform_has_three_parts_with_their_criteria_and_numbered_details(db):
    eduform = Framework.objects.get(code="eduform")
    parts = Counter(Criterion.objects.filter(framework=eduform).values_list("part", flat=True))
    assert parts == {1: 13, 2: 8, 3: 4}
    details = Counter(
        Indicator.objects.filter(framework=eduform).values_list("criterion__part", flat=True)
    )
    assert details == {1: 36, 2: 29, 3: 8}
    assert list(eduform.indicators.values_list("number", flat=True)) == list(range(1, 74))
    assert eduform.version


def test_the_major_only_grading_is_data(db):
    major = set(
        Indicator.objects.filter(framework__code="qualiopi", major_only=True).values_list(
            "number", flat=True
        )
    )
    assert major == {4, 5, 6, 7, 10, 11, 14, 15, 16, 20, 21, 22, 26, 27, 29, 31, 32}
    assert major == QUALIOPI_MAJOR_ONLY


def test_the_api_lists_the_frameworks_by_code(db, client_org):
    member = make_member(client_org, Role.LEARNER)
    from django.test import Client

    response = Client().get("/api/v1/quality/frameworks", headers=bearer(member))
    assert response.status_code == 200
    assert {f["code"] for f in response.json()} == {"qualiopi", "eduform"}


@pytest.mark.parametrize("code,criteria,indicators", [("qualiopi", 7, 32), ("eduform", 25, 73)])
def test_the_api_returns_a_framework_with_its_criteria_and_indicators(
    db, quality_manager, code, criteria, indicators
):
    from django.test import Client

    response = Client().get(f"/api/v1/quality/frameworks/{code}", headers=bearer(quality_manager))
    assert response.status_code == 200
    body = response.json()
    assert {"code", "title", "version", "criteria"} <= set(body)
    assert len(body["criteria"]) == criteria
    flat = [i for c in body["criteria"] for i in c["indicators"]]
    assert len(flat) == indicators
    assert {"number", "title", "applies", "major_only"} <= set(flat[0])
    assert {"number", "title", "indicators"} <= set(body["criteria"][0])


def test_an_unknown_framework_is_404(db, quality_manager):
    from django.test import Client

    response = Client().get("/api/v1/quality/frameworks/iso9001", headers=bearer(quality_manager))
    assert response.status_code == 404
