"""The learner pages stay cheap (issue 22) without weakening what they guard: each page within
its query budget, the lesson view still recorded, a revoked membership, a deactivated account
or an ended session refused at the very next request."""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from saveit.accounts.roles import Role
from saveit.testing.factories import make_member, signed_in

from ..models import Activity, Assignment, Learner

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
        # session, user, memberships, assignments (learner, attestation joined), banner
        "/mes-formations/": 5,
        f"/mes-formations/{assignment.pk}/": 6,  # + the attempts
        f"/mes-formations/{assignment.pk}/evaluation/": 6,  # + the open attempt, no lock
        f"/mes-formations/{assignment.pk}/lecons/{first}/": 6,  # + the view's INSERT
    }
    for url, budget in budgets.items():
        count, sql = _queries(browser, url)
        assert count <= budget, (url, count, sql)


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
