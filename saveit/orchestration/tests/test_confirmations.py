"""Irreversible actions ask first, naming their consequence; a POST without the confirmation
flag changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from saveit.audit.models import AuditEvent
from saveit.core.models import BackgroundJob
from saveit.engagements.models import Engagement
from saveit.learning.models import Assignment
from saveit.orchestration import services as workflow
from saveit.orchestration.services import closure
from saveit.testing.engagement_setup import sign
from saveit.testing.factories import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_closure(assigned, pm):
    engagement = Assignment.objects.first().engagement
    engagement = workflow.advance_phase(engagement=engagement, by=pm)  # 5 → 6
    return workflow.advance_phase(engagement=engagement, by=pm)  # 6 → 7


@pytest.fixture
def ready_to_seal(in_closure, pm, owner):
    closure.generate_completion_report(engagement=in_closure, by=pm)
    sign(closure.issue_delivery_note(engagement=in_closure, by=pm), owner)
    return in_closure


def test_sealing_asks_first_and_starts_nothing_without_confirmation(ready_to_seal, pm):
    client = signed_in(pm)
    url = reverse("engagements:seal", args=[ready_to_seal.pk])
    response = client.post(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "scellés dans un zip signé" in html and 'name="confirmed" value="yes"' in html
    assert not BackgroundJob.objects.exists()
    response = client.post(url, {"confirmed": "yes"})
    assert response.status_code == 302 and BackgroundJob.objects.count() == 1


def test_closing_asks_first_and_closes_only_when_confirmed(ready_to_seal, pm):
    closure.seal_evidence_pack(engagement=ready_to_seal, by=pm)
    client = signed_in(pm)
    url = reverse("engagements:advance", args=[ready_to_seal.pk])
    events = AuditEvent.objects.count()
    response = client.post(url)
    assert response.status_code == 200 and "lecture seule" in response.content.decode()
    assert Engagement.objects.get(pk=ready_to_seal.pk).closed_at is None
    assert AuditEvent.objects.count() == events
    client.post(url, {"confirmed": "yes"})
    assert Engagement.objects.get(pk=ready_to_seal.pk).closed_at is not None


def test_a_closure_refused_by_its_gate_is_refused_at_once_not_confirmed(in_closure, pm):
    response = signed_in(pm).post(reverse("engagements:advance", args=[in_closure.pk]))
    assert response.status_code == 302  # the refusal toast, no pointless confirmation
    assert Engagement.objects.get(pk=in_closure.pk).closed_at is None


def test_an_ordinary_phase_move_needs_no_confirmation(engagement, pm):
    response = signed_in(pm).post(reverse("engagements:advance", args=[engagement.pk]))
    assert response.status_code == 302


def test_removing_an_access_asks_first_naming_the_person(owner, learner):
    client = signed_in(owner)
    url = reverse("accounts:member_active", args=[learner.pk])
    response = client.post(url, {"active": "0"})
    assert response.status_code == 200
    html = response.content.decode()
    assert (learner.user.full_name or learner.user.email) in html
    assert 'name="active" value="0"' in html  # the confirmation carries the original choice
    learner.refresh_from_db()
    assert learner.is_active
    client.post(url, {"active": "0", "confirmed": "yes"})
    learner.refresh_from_db()
    assert not learner.is_active
    # Restoring an access is not destructive: it needs no confirmation.
    client.post(url, {"active": "1"})
    learner.refresh_from_db()
    assert learner.is_active
