"""The learner pages stay cheap (issue 22) without weakening what they guard: each page within
its query budget, the lesson view still recorded, a revoked membership, a deactivated account
or an ended session refused at the very next request."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from saveit.accounts.roles import Role
from saveit.catalog.snapshot import snapshot_of
from saveit.support.services import plan_maintenance
from saveit.support.tests.factories import make_agent, make_contract
from saveit.testing.factories import make_member, make_organization, signed_in

from .. import selectors
from ..models import Activity, Assignment, Learner
from ..permissions import access_own_assignment

NOE = "noe.martin@alpha.example"


def _noe(assigned):
    noe = Learner.objects.get(email=NOE)
    member = make_member(noe.organization, Role.LEARNER, email=noe.email)
    Learner.objects.filter(pk=noe.pk).update(user=member.user)
    assignment = Assignment.objects.get(learner=noe)
    first = assignment.module_version.lessons.order_by("position").first().key
    second = assignment.module_version.lessons.order_by("position")[1].key
    return member, assignment, first, second


def _queries(browser, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(url)
    assert response.status_code == 200, url
    return len(queries), [q["sql"] for q in queries.captured_queries]


def test_each_learner_page_keeps_within_its_query_budget(assigned):
    member, assignment, first, _second = _noe(assigned)
    browser = signed_in(member)
    browser.get(f"/mes-formations/{assignment.pk}/lecons/{first}/")  # started
    browser.post(f"/mes-formations/{assignment.pk}/evaluation/")  # an open attempt
    budgets = {
        # session, user with memberships (one query), assignments (learner, attestation
        # joined); the maintenance banner and the version's snapshot are kept by the process
        "/mes-formations/": 3,
        f"/mes-formations/{assignment.pk}/": 4,  # + the attempts
        f"/mes-formations/{assignment.pk}/evaluation/": 4,  # + the open attempt, no lock
        f"/mes-formations/{assignment.pk}/lecons/{first}/": 4,  # + the view's INSERT
    }
    for url, budget in budgets.items():
        count, sql = _queries(browser, url)
        assert count <= budget, "\n".join([url, *(s[:150] for s in sql)])


def test_a_lesson_view_once_started_is_recorded_and_moves_the_resume_point(assigned):
    member, assignment, first, second = _noe(assigned)
    browser = signed_in(member)
    browser.get(f"/mes-formations/{assignment.pk}/lecons/{first}/")
    assignment.refresh_from_db()
    started = assignment.started_at
    assert assignment.status == Assignment.Status.IN_PROGRESS and started is not None
    _count, sql = _queries(browser, f"/mes-formations/{assignment.pk}/lecons/{second}/")
    assert not any("FOR UPDATE" in q for q in sql)  # no lock: only the resume point moves
    assignment.refresh_from_db()
    assert assignment.last_lesson_key == second and assignment.started_at == started
    assert assignment.status == Assignment.Status.IN_PROGRESS
    views = Activity.objects.filter(assignment=assignment, kind=Activity.Kind.LESSON)
    assert list(views.order_by("pk").values_list("lesson_key", flat=True)) == [first, second]
    assert views.last().user_id == member.user_id


def test_revocation_takes_effect_at_the_next_request(assigned):
    member, assignment, _first, _second = _noe(assigned)
    browser = signed_in(member)
    assert browser.get("/mes-formations/").status_code == 200
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert browser.get(f"/mes-formations/{assignment.pk}/").status_code in {403, 404}
    member.is_active = True
    member.save(update_fields=["is_active"])
    assert browser.get(f"/mes-formations/{assignment.pk}/").status_code == 200
    member.user.is_active = False
    member.user.save(update_fields=["is_active"])
    assert browser.get("/mes-formations/").status_code == 302  # to the sign-in page


def test_an_ended_or_deleted_session_opens_nothing(assigned):
    member, _assignment, _first, _second = _noe(assigned)
    browser = signed_in(member)
    assert browser.get("/mes-formations/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    assert browser.get("/mes-formations/").status_code == 302
    browser = signed_in(member)
    assert browser.get("/mes-formations/").status_code == 200
    key = browser.cookies["sessionid"].value
    browser.post("/comptes/deconnexion/")
    assert not Session.objects.filter(session_key=key).exists()
    browser.cookies["sessionid"] = key  # the old cookie replayed
    assert browser.get("/mes-formations/").status_code == 302


def test_the_compiled_once_reads_give_what_the_querysets_give(assigned):
    member, assignment, _first, _second = _noe(assigned)
    for with_attestation in (False, True):
        own = access_own_assignment(member, assignment.pk, with_attestation=with_attestation)
        plain = Assignment.objects.select_related(
            "module_version__module", "learner", "engagement"
        ).get(pk=assignment.pk)
        with CaptureQueriesContext(connection) as queries:
            assert own.learner == plain.learner and own.learner.email == NOE
            assert own.module_version.module.code == plain.module_version.module.code
            assert own.engagement.pk == plain.engagement.pk
            assert own.lessons_read == plain.lessons_read and own.due_on == plain.due_on
            if with_attestation:
                assert getattr(own, "attestation", None) is None  # none yet, and no query
            snapshot_of(own.module_version)
        if with_attestation:  # the second time round even the snapshot is kept: no query
            assert len(queries) == 0
        assert snapshot_of(own.module_version) == plain.module_version.snapshot
    listed = selectors.my_assignment_list(member.user_id, member.organization_id)
    assert [a.pk for a in listed] == [
        a.pk for a in selectors.my_assignments(member.user_id, member.organization_id)
    ]
    assert listed and all(a.learner.user_id == member.user_id for a in listed)
    other = make_member(make_organization(), Role.LEARNER)
    with pytest.raises(Http404):
        access_own_assignment(other, assignment.pk)


def test_a_planned_maintenance_shows_at_the_next_page_without_a_read_per_page(assigned):
    member, _assignment, _first, _second = _noe(assigned)
    browser = signed_in(member)
    assert "Mise à jour du serveur" not in browser.get("/mes-formations/").content.decode()
    _count, sql = _queries(browser, "/mes-formations/")
    assert not any("support_maintenancewindow" in q for q in sql)  # kept by the process
    contract = make_contract(client=member.organization)
    start = timezone.now() + timezone.timedelta(days=5)
    plan_maintenance(
        contract=contract,
        by=make_agent(),
        title="Mise à jour du serveur",
        kind="corrective",
        starts_at=start,
        ends_at=start + timezone.timedelta(hours=2),
    )
    assert "Mise à jour du serveur" in browser.get("/mes-formations/").content.decode()
