from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from saveit.attendance import qr_tokens, services
from saveit.attendance.models import Convocation, Presence, TrainingSession
from saveit.attendance.selectors import attendance_rate, sent_convocations
from saveit.audit.models import AuditEvent
from saveit.core.errors import Forbidden, Refusal
from saveit.testing.factories import signed_in
from saveit.testing.pdf import make_pdf

pytestmark = pytest.mark.django_db


def _token(slot, moment=None):
    return qr_tokens.make_token(slot.session.token_key, slot.pk, moment or timezone.now())


def test_create_session_refuses_bad_input(engagement, pm, learner):
    with pytest.raises(Refusal, match="place"):
        services.create_session(engagement=engagement, by=pm, title="X")
    with pytest.raises(Forbidden):
        services.create_session(engagement=engagement, by=learner, title="X", place="Lyon")
    assert not TrainingSession.objects.exists()


def test_capacity_and_designation(session, pm, engagement, client_org):
    from saveit.learning.models import Learner

    stranger = Learner.objects.create(
        organization=client_org, email="x@y.test", first_name="A", last_name="B"
    )
    with pytest.raises(Refusal, match="designated"):
        services.add_participants(session=session, by=pm, learner_ids=[stranger.pk])
    session.capacity = 3
    session.save()
    assert session.participants.count() == 3


def test_convocation_is_sent_with_ics_and_stored(session, pm, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_convocations(session=session, by=pm) == 3
    assert len(mail.outbox) == 3
    message = mail.outbox[0]
    name, content, mimetype = message.attachments[0]
    assert name == "convocation.ics" and mimetype == "text/calendar"
    assert content.startswith("BEGIN:VCALENDAR") and content.count("BEGIN:VEVENT") == 2
    assert "Salle B" in content and "\r\n" in content
    assert "Claire Martin" in message.body
    stored = sent_convocations(session.engagement).get(to_email=message.to[0])
    assert stored.body == message.body and stored.ics == content
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_convocations(session=session, by=pm) == 0  # once each
    assert Convocation.objects.count() == 3


def test_learner_signs_with_current_token(session, trainees):
    records, members = trainees
    slot = session.slots.first()
    presence = services.sign_with_token(token=_token(slot), by=members[0])
    assert presence.learner == records[0] and presence.method == "qr"
    assert len(presence.statement_sha256) == 64
    assert AuditEvent.objects.filter(action="attendance.signed").count() == 1


def test_token_of_previous_period_still_signs_older_does_not(session, trainees):
    _records, members = trainees
    slot = session.slots.first()
    now = timezone.now()
    previous = _token(slot, now - timedelta(seconds=qr_tokens.PERIOD_SECONDS))
    services.sign_with_token(token=previous, by=members[0])
    expired = _token(slot, now - timedelta(seconds=3 * qr_tokens.PERIOD_SECONDS))
    with pytest.raises(Refusal, match="expired"):
        services.sign_with_token(token=expired, by=members[1])
    assert Presence.objects.count() == 1


def test_forged_token_second_signature_and_stranger_refused(session, trainees, client_org):
    from saveit.accounts.roles import Role
    from saveit.testing.factories import make_member

    _records, members = trainees
    slot = session.slots.first()
    token = _token(slot)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    with pytest.raises(Refusal, match="not valid"):
        services.sign_with_token(token=forged, by=members[0])
    services.sign_with_token(token=token, by=members[0])
    with pytest.raises(Refusal, match="already signed"):
        services.sign_with_token(token=token, by=members[0])
    someone = make_member(client_org, Role.LEARNER)
    with pytest.raises(Forbidden, match="not a participant"):
        services.sign_with_token(token=token, by=someone)
    assert Presence.objects.count() == 1
    assert AuditEvent.objects.filter(action="attendance.signed").count() == 1


def test_locked_slot_refuses(session, trainees, pm, monkeypatch):
    _records, members = trainees
    slot = session.slots.first()
    token = _token(slot)
    from saveit.attendance.models import Slot

    Slot.objects.filter(pk=slot.pk).update(
        starts_at=timezone.now() - timedelta(days=5), ends_at=timezone.now() - timedelta(days=4)
    )
    with pytest.raises(Refusal, match="locked"):
        services.sign_with_token(token=token, by=members[0])
    slot.refresh_from_db()
    with pytest.raises(Refusal, match="locked"):
        services.record_attendance(
            slot=slot, by=pm, learner_id=_records[1].pk, status="absent", justification="malade"
        )
    assert not Presence.objects.exists()


def test_absence_lateness_and_hours(session, trainees, pm):
    records, members = trainees
    first, _second = session.slots.all()
    services.sign_with_token(token=_token(first), by=members[0])
    services.record_attendance(
        slot=first,
        by=pm,
        learner_id=records[1].pk,
        status="late",
        minutes_missed=30,
        justification="train en retard",
    )
    with pytest.raises(Refusal, match="justification"):
        services.record_attendance(slot=first, by=pm, learner_id=records[2].pk, status="absent")
    services.record_attendance(
        slot=first, by=pm, learner_id=records[2].pk, status="absent", justification="non justifiée"
    )
    late = Presence.objects.get(learner=records[1])
    assert late.hours == pytest.approx(2.5)
    assert Presence.objects.get(learner=records[2]).hours == 0
    # Only the first half-day has ended? Neither has: no rate yet.
    assert attendance_rate(records[0].pk) is None


def test_trainer_signs_once(session, pm):
    slot = session.slots.first()
    services.trainer_sign(slot=slot, by=pm)
    with pytest.raises(Refusal, match="already signed"):
        services.trainer_sign(slot=slot, by=pm)


def test_paper_sheet_upload(session, trainees, pm):
    records, _members = trainees
    slot = session.slots.first()
    with pytest.raises(Refusal):
        services.upload_paper_sheet(
            slot=slot, by=pm, uploaded_file=(b"not a pdf", "x.pdf"), present_learner_ids=[]
        )
    slot.refresh_from_db()
    assert slot.paper_sheet_id is None
    services.upload_paper_sheet(
        slot=slot,
        by=pm,
        uploaded_file=(make_pdf("Émargement"), "scan.pdf"),
        present_learner_ids=[records[0].pk, records[1].pk],
    )
    slot.refresh_from_db()
    assert len(slot.paper_sheet.sha256) == 64
    assert Presence.objects.filter(method="paper").count() == 2


def test_cancel_below_minimum(session, pm):
    services.cancel_session(session=session, by=pm, reason="Moins de cinq inscrits")
    event = AuditEvent.objects.get(action="attendance.session_cancelled")
    assert event.after["below_minimum"] is True
    with pytest.raises(Refusal, match="cancelled"):
        services.send_convocations(session=session, by=pm)


def test_pages_qr_sign_and_pdfs(session, trainees, pm):
    _records, members = trainees
    slot = session.slots.first()
    trainer = signed_in(pm)
    page = trainer.get(reverse("attendance:qr", args=[slot.pk]))
    assert page.status_code == 200 and b"<svg" in page.content
    token = page.context["sign_url"].rsplit("/emargement/", 1)[1].strip("/")
    phone = signed_in(members[0])
    assert phone.get(reverse("attendance:sign", args=[token])).status_code == 200
    assert phone.post(reverse("attendance:sign", args=[token])).status_code == 302
    again = phone.post(reverse("attendance:sign", args=[token]))
    assert again.status_code == 409 and "déjà signé" in again.content.decode()
    assert Presence.objects.count() == 1
    # A learner cannot open the trainer's screen nor the session.
    assert phone.get(reverse("attendance:qr", args=[slot.pk])).status_code == 404
    assert phone.get(reverse("attendance:session", args=[session.pk])).status_code == 404
    sheet = trainer.get(reverse("attendance:sheet_pdf", args=[slot.pk]))
    assert sheet.status_code == 200 and sheet.content.startswith(b"%PDF")
    blank = trainer.get(reverse("attendance:sheet_pdf", args=[slot.pk]) + "?vierge=1")
    assert blank.content.startswith(b"%PDF")
    mine = phone.get(reverse("attendance:my_sessions"))
    assert mine.status_code == 200
    cert = phone.get(reverse("certificates:my_realisation", args=[session.engagement_id]))
    assert cert.status_code == 200 and cert.content.startswith(b"%PDF")
    assert trainer.get(reverse("attendance:session", args=[session.pk])).status_code == 200


def test_other_tenant_gets_404(session, outsider):
    client = signed_in(outsider)
    slot = session.slots.first()
    assert client.get(reverse("attendance:session", args=[session.pk])).status_code == 404
    assert client.get(reverse("attendance:sheet_pdf", args=[slot.pk])).status_code == 404
    assert (
        client.get(reverse("certificates:my_realisation", args=[session.engagement_id])).status_code
        == 404
    )


def test_hours_page_and_trace_exports(session, trainees, pm, owner, learner):
    records, members = trainees
    slot = session.slots.first()
    services.sign_with_token(token=_token(slot), by=members[0])
    client = signed_in(owner)
    page = client.get(reverse("attendance:hours", args=[session.engagement_id]))
    assert page.status_code == 200 and records[0].full_name in page.content.decode()
    for fmt in ("csv", "xlsx"):
        export = client.get(
            reverse("attendance:trace", args=[session.engagement_id, records[0].pk, fmt])
        )
        assert export.status_code == 200 and export.content
    # A learner reads neither the table nor anyone's trace.
    phone = signed_in(learner)
    assert phone.get(reverse("attendance:hours", args=[session.engagement_id])).status_code == 404
