"""The inbox's "Overdue learners": one item per followed engagement, one click to the learner
list filtered on them; for the client's owner and managers and the provider's project manager,
never for learners, auditors or another tenant."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from saveit.accounts.roles import Role
from saveit.engagements.models import Engagement
from saveit.learning.models import Assignment
from saveit.testing.factories import make_member, signed_in
from saveit.testing.learning_setup import OTHER_CSV, assign_csv, set_due_on
from saveit.web.inbox import SOURCES, counts_for

pytestmark = pytest.mark.django_db

OVERDUE = next(source for source in SOURCES if source.code == "overdue")


def _row(email: str) -> Assignment:
    return Assignment.objects.get(learner__email=email)


@pytest.fixture
def late(assigned, other_deployed, outsider):
    """Two of Alpha's three learners are overdue; one of Beta's too."""
    yesterday = timezone.localdate() - timedelta(days=1)
    for email in ("eloise.durand@alpha.example", "noe.martin@alpha.example"):
        set_due_on(_row(email), yesterday - timedelta(days=3))
    set_due_on(_row("camille.lefevre@alpha.example"), timezone.localdate())  # due today: not late
    other, other_version = other_deployed
    assign_csv(other, other_version, outsider, OTHER_CSV)
    set_due_on(_row("lea.dupont@beta.example"), yesterday)
    return _row("noe.martin@alpha.example").engagement, other


def _items(member) -> list:
    response = signed_in(member).get(reverse("web:home"))
    assert response.status_code == 200
    for section in response.context["sections"]:
        if section.source.code == "overdue":
            return section.items
    return []


def test_the_client_owner_and_manager_see_their_engagement_in_one_click(late, owner, manager):
    alpha, _beta = late
    for member in (owner, manager):
        (item,) = _items(member)
        assert item.url == reverse("reporting:engagement_learners", args=[alpha.pk]) + "?overdue=1"
        assert item.title == f"{alpha.reference} · {alpha.title}"
        assert (
            item.reason
            == "2 apprenants n’ont pas terminé une formation dont l’échéance est passée."
        )
        assert item.late and item.due == timezone.localdate() - timedelta(days=4)
    html = signed_in(manager).get(reverse("web:home")).content.decode()
    assert "Apprenants en retard" in html and 'href="' + item.url + '"' in html
    # The click lands on the list of exactly those learners, each with the reminder button.
    listing = signed_in(manager).get(item.url).content.decode()
    assert "Durand" in listing and "Martin" in listing and "Lefèvre" not in listing
    for learner_id in (
        _row("eloise.durand@alpha.example").learner_id,
        _row("noe.martin@alpha.example").learner_id,
    ):
        assert reverse("reporting:engagement_remind", args=[alpha.pk, learner_id]) in listing


def test_the_project_manager_sees_the_engagements_they_lead_while_open(late, pm, designer):
    alpha, beta = late
    assert [item.title.split(" · ")[0] for item in _items(pm)] == [alpha.reference, beta.reference]
    Engagement.objects.filter(pk=beta.pk).update(closed_at=timezone.now())
    assert [item.title.split(" · ")[0] for item in _items(pm)] == [alpha.reference]
    other_pm = make_member(pm.organization, Role.PROJECT_MANAGER)
    assert _items(other_pm) == []  # leads neither
    assert _items(designer) == []  # provider staff, but does not follow learners


def test_another_tenant_auditors_and_learners_never_see_it(late, outsider, auditor, client_org):
    _alpha, beta = late
    (item,) = _items(outsider)  # Beta's owner: Beta's learner only
    assert item.title.startswith(beta.reference) and item.reason.startswith("1 apprenant ")
    assert not OVERDUE.applies(auditor) and _items(auditor) == []
    learner = make_member(client_org, Role.LEARNER)
    assert not OVERDUE.applies(learner)
    assert signed_in(learner).get(reverse("web:home")).status_code == 302


def test_one_query_per_inbox_and_no_badge(late, manager):
    with CaptureQueriesContext(connection) as queries:
        items = OVERDUE.items(manager)
    assert len(items) == 1 and len(queries) == 1, [q["sql"] for q in queries.captured_queries]
    assert OVERDUE.count is None and OVERDUE.nav == ()
    with CaptureQueriesContext(connection) as badges:
        counts_for(manager)
    assert not any("learning_assignment" in q["sql"] for q in badges.captured_queries)
