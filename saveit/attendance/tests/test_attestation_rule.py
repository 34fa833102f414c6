from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from saveit.attendance import services
from saveit.attendance.models import Slot
from saveit.audit.models import AuditEvent
from saveit.certificates.models import Attestation
from saveit.core import keys
from saveit.learning.models import Assignment
from saveit.learning.services import attempts
from saveit.testing.learning_setup import Form, answers_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_key(settings, tmp_path):
    settings.SAVEIT_SIGNING_KEY_PATH = tmp_path / "keys" / "installation-ed25519.pem"
    keys.signing_key.cache_clear()
    yield
    keys.signing_key.cache_clear()


def _ended_session(engagement, pm, learner_ids):
    session = services.create_session(
        engagement=engagement, by=pm, title="Atelier", place="Lyon", trainers=[pm]
    )
    services.add_participants(session=session, by=pm, learner_ids=learner_ids)
    start = timezone.now() - timedelta(hours=6)
    slot = services.add_slot(
        session=session, by=pm, starts_at=start, ends_at=start + timedelta(hours=3)
    )
    return session, slot


def _pass(assignment):
    attempt = attempts.start_attempt(assignment=assignment)
    attempts.submit_attempt(attempt=attempt, form=Form(answers_for(attempt, right=True)))


def test_absent_learner_gets_no_attestation(assigned, pm):
    first, second = Assignment.objects.order_by("pk")[:2]
    _session, slot = _ended_session(first.engagement, pm, [first.learner_id, second.learner_id])
    services.record_attendance(
        slot=slot, by=pm, learner_id=first.learner_id, status="absent", justification="aucune"
    )
    services.record_attendance(slot=slot, by=pm, learner_id=second.learner_id, status="present")
    _pass(first)
    _pass(second)
    assert not Attestation.objects.filter(assignment=first).exists()
    assert AuditEvent.objects.filter(action="attestation.withheld").count() == 1
    assert Attestation.objects.filter(assignment=second).exists()
    assert Slot.objects.count() == 1
