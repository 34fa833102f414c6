"""Complaints: working-day deadlines, late flags, the public form, who sees what; actions."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from saveit.accounts.roles import Role
from saveit.core.dates import add_working_days
from saveit.core.errors import Refusal
from saveit.quality import complaints as services
from saveit.quality.models import Complaint, ImprovementAction
from saveit.testing.clock import set_clock
from saveit.testing.factories import bearer, make_member, signed_in

PARIS = ZoneInfo("Europe/Paris")


def _file(provider, client=None, **kw):
    return services.file_complaint(
        provider=provider,
        kind=kw.get("kind", "complaint"),
        party=kw.get("party", "client"),
        name="Claire Dupont",
        email="claire@example.fr",
        subject=kw.get("subject", "Accès impossible"),
        description="Le module ne s'ouvre pas.",
        client=client,
    )


def test_working_days_skip_weekends_and_french_public_holidays():
    friday = date(2026, 12, 18)
    assert add_working_days(friday, 2) == date(2026, 12, 22)  # Monday, Tuesday
    # 24 Dec (Thursday) + 2: Christmas Day is a holiday, then the weekend.
    assert add_working_days(date(2026, 12, 24), 2) == date(2026, 12, 29)
    assert add_working_days(date(2026, 4, 30), 1) == date(2026, 5, 4)  # 1 May (Friday) is off


def test_deadlines_are_2_and_15_working_days_from_receipt(provider, monkeypatch, settings):
    set_clock(monkeypatch, datetime(2026, 12, 18, 17, 0, tzinfo=PARIS))  # a Friday
    complaint = _file(provider)
    assert complaint.acknowledge_by == date(2026, 12, 22)
    assert complaint.answer_by == add_working_days(date(2026, 12, 18), 15)
    settings.QUALITY_ACK_WORKING_DAYS = 1
    assert _file(provider).acknowledge_by == date(2026, 12, 21)


def test_an_answer_past_its_deadline_is_flagged_and_kept(provider, quality_manager, monkeypatch):
    received = datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)
    set_clock(monkeypatch, received)
    complaint = _file(provider)
    set_clock(monkeypatch, received + timedelta(days=40))
    services.answer_complaint(
        complaint=complaint, answer="Nous avons corrigé l'accès.", by=quality_manager
    )
    complaint.refresh_from_db()
    today = timezone.localdate()
    assert complaint.answered_late(today) and complaint.acknowledged_late(today)
    with pytest.raises(Refusal):
        services.answer_complaint(
            complaint=complaint, answer="Autre réponse, plus tard.", by=quality_manager
        )
    complaint.refresh_from_db()
    assert complaint.answer == "Nous avons corrigé l'accès."
    api = (
        Client()
        .get(f"/api/v1/quality/complaints/{complaint.pk}", headers=bearer(quality_manager))
        .json()
    )
    assert api["answered_late"] is True


def test_an_answer_in_time_is_not_flagged(provider, quality_manager):
    complaint = _file(provider)
    services.acknowledge_complaint(complaint=complaint, by=quality_manager)
    services.answer_complaint(
        complaint=complaint, answer="Réponse dans les délais.", by=quality_manager
    )
    complaint.refresh_from_db()
    assert not complaint.answered_late(timezone.localdate())
    assert not complaint.acknowledged_late(timezone.localdate())


def test_a_client_never_sees_another_clients_complaints(
    provider, client_org, other_org, owner, outsider
):
    mine = _file(provider, client=client_org)
    theirs = _file(provider, client=other_org, subject="Beta only")
    listed = Client().get("/api/v1/quality/complaints", headers=bearer(owner)).json()
    assert [c["id"] for c in listed] == [mine.pk]
    assert (
        Client().get(f"/api/v1/quality/complaints/{theirs.pk}", headers=bearer(owner)).status_code
        == 404
    )
    assert signed_in(owner).get(f"/qualite/reclamations/{theirs.pk}/").status_code == 404
    assert signed_in(outsider).get(f"/qualite/reclamations/{mine.pk}/").status_code == 404


def test_a_client_cannot_answer_a_complaint(provider, client_org, owner):
    mine = _file(provider, client=client_org)
    response = Client().post(
        f"/api/v1/quality/complaints/{mine.pk}/answer",
        {"answer": "x" * 20},
        content_type="application/json",
        headers=bearer(owner),
    )
    assert response.status_code == 403


def test_a_learner_files_a_complaint_and_may_ask_for_mediation(
    provider, client_org, learner, quality_manager
):
    response = Client().post(
        "/api/v1/quality/complaints",
        {"kind": "incident", "subject": "Coupure", "description": "La vidéo s'arrête."},
        content_type="application/json",
        headers=bearer(learner),
    )
    assert response.status_code == 201
    complaint = Complaint.objects.get(pk=response.json()["id"])
    assert complaint.party == "learner" and complaint.client == client_org
    services.answer_complaint(
        complaint=complaint, answer="Le lecteur a été corrigé.", by=quality_manager
    )
    page = signed_in(learner).post(f"/qualite/reclamations/{complaint.pk}/mediation/")
    assert page.status_code == 302
    complaint.refresh_from_db()
    assert complaint.mediation_requested_at is not None and complaint.status == "mediation"


def test_the_public_form_needs_no_account_and_is_throttled(provider, settings):
    settings.QUALITY_PUBLIC_COMPLAINTS_PER_HOUR = 2
    data = {
        "kind": "complaint",
        "party": "public",
        "name": "Paul",
        "email": "paul@example.fr",
        "subject": "Information erronée",
        "description": "Le tarif affiché est faux.",
    }
    browser = Client(REMOTE_ADDR="203.0.113.9")
    assert browser.get("/qualite/reclamation/").status_code == 200
    assert browser.post("/qualite/reclamation/", data).status_code == 200
    assert browser.post("/qualite/reclamation/", data).status_code == 200
    assert browser.post("/qualite/reclamation/", data).status_code == 429
    assert Complaint.objects.count() == 2
    assert Client(REMOTE_ADDR="198.51.100.1").post("/qualite/reclamation/", data).status_code == 200


def test_the_public_form_refuses_bad_input_with_a_clear_error(provider):
    response = Client().post("/qualite/reclamation/", {"kind": "complaint", "email": "nope"})
    assert response.status_code == 200 and Complaint.objects.count() == 0
    assert "error" in response.content.decode()


def test_an_action_is_linked_to_its_cause(provider, quality_manager):
    complaint = _file(provider)
    with pytest.raises(Refusal):
        services.open_action(
            provider=provider,
            title="Corriger",
            cause="complaint",
            owner=quality_manager,
            due_on=date(2027, 1, 31),
            by=quality_manager,
        )
    action = services.open_action(
        provider=provider,
        title="Corriger l'accès",
        cause="complaint",
        owner=quality_manager,
        due_on=date(2027, 1, 31),
        by=quality_manager,
        complaint=complaint,
    )
    assert action.complaint == complaint and action.number.startswith("AMQ-")
    with pytest.raises(Refusal):
        services.update_action(action=action, status="effective", by=quality_manager)
    services.update_action(
        action=action, status="effective", efficacy_check="Plus aucune plainte", by=quality_manager
    )
    action.refresh_from_db()
    assert action.status == ImprovementAction.Status.EFFECTIVE and action.efficacy_checked_on


def test_actions_and_complaints_api_routes(provider, quality_manager, client_org):
    complaint = _file(provider, client=client_org)
    h = bearer(quality_manager)
    r = Client().post(
        "/api/v1/quality/actions",
        {
            "title": "Former le support",
            "cause": "complaint",
            "owner_id": quality_manager.pk,
            "due_on": "2027-02-01",
            "complaint_id": complaint.pk,
        },
        content_type="application/json",
        headers=h,
    )
    assert r.status_code == 201, r.content
    action_id = r.json()["id"]
    r = Client().patch(
        f"/api/v1/quality/actions/{action_id}",
        {"status": "done"},
        content_type="application/json",
        headers=h,
    )
    assert r.json()["status"] == "done"
    # a forged owner id is refused without writing anything
    r = Client().post(
        "/api/v1/quality/actions",
        {
            "title": "x",
            "cause": "other",
            "owner_id": 999999,
            "due_on": "2027-02-01",
        },
        content_type="application/json",
        headers=h,
    )
    assert r.status_code == 404 and ImprovementAction.objects.count() == 1


def test_the_learner_cannot_read_actions(provider, learner):
    assert Client().get("/api/v1/quality/actions", headers=bearer(learner)).status_code == 404
    _ = make_member
    assert Role.LEARNER


def test_a_drop_out_action_names_the_late_learner(provider, quality_manager, assigned):
    from saveit.learning.models import Assignment

    late = Assignment.objects.filter(module_version=assigned).first()
    Assignment.objects.filter(pk=late.pk).update(due_on=date(2020, 1, 1))
    browser = signed_in(quality_manager)
    response = browser.post(
        "/qualite/actions/",
        {
            "title": "Appeler les apprenants en retard",
            "cause": "dropout",
            "owner": quality_manager.pk,
            "due_on": "2099-01-31",
            "assignment": late.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    action = ImprovementAction.objects.get()
    assert action.assignment_id == late.pk and action.cause == "dropout"
    # Without the learner, the drop-out action is refused with a reason, nothing written.
    response = browser.post(
        "/qualite/actions/",
        {
            "title": "x",
            "cause": "dropout",
            "owner": quality_manager.pk,
            "due_on": "2099-01-31",
        },
    )
    assert response.status_code == 200 and ImprovementAction.objects.count() == 1
