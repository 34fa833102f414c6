"""A proposal binds only when the client signs it on or before its validity date."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from saveit.core.errors import Refusal
from saveit.engagements import selectors, services
from saveit.engagements.models import ProformaInvoice
from saveit.engagements.permissions import engagements_visible_to
from saveit.orchestration.gates import PROVIDER, gate_status
from saveit.testing.engagement_setup import proposal_lines, sign, through_phase_1

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def issued(engagement, pm, owner):
    engagement = through_phase_1(engagement, pm, owner)
    services.save_proposal(
        engagement=engagement,
        by=pm,
        need="Former les techniciens.",
        valid_until=timezone.localdate() + timedelta(days=3),
        lines=proposal_lines(),
        deliverables=[services.DeliverableInput("Hygiène", "", [engagement.sources.first().pk])],
    )
    return services.issue_proposal(engagement=engagement, by=pm)


def _at(day, hour):
    """Patch the clock to this Paris day and hour."""
    return mock.patch(
        "django.utils.timezone.now", return_value=datetime.combine(day, time(hour), PARIS)
    )


def test_an_expired_proposal_cannot_be_signed_whatever_the_way_in(issued, owner):
    with _at(issued.valid_until + timedelta(days=1), 9), pytest.raises(Refusal) as refusal:
        sign(issued, owner)  # the service itself refuses: the page and the API go through it
    assert refusal.value.code == "not_signable"
    assert not issued.document.signatures.exists()


def test_a_proposal_signed_after_its_validity_date_does_not_count(issued, pm, owner, monkeypatch):
    # A signature recorded before the service refused late ones still counts for nothing.
    monkeypatch.setattr("saveit.audit.services._SIGNING_CHECKS", [])
    with _at(issued.valid_until + timedelta(days=1), 9):
        sign(issued, owner)
    status = gate_status(issued.engagement)
    assert [c.name for c in status.unmet][:2] == ["proposal_signed", "proposal_valid"]
    assert status.waiting_for == PROVIDER  # a new revision is needed
    with pytest.raises(Refusal) as refusal:
        services.issue_proforma(engagement=issued.engagement, by=pm)
    assert refusal.value.code == "proposal_expired"
    assert "after its validity date" in refusal.value.message
    assert not ProformaInvoice.objects.exists()


def test_a_signature_on_the_validity_date_itself_counts(issued, pm, owner):
    with _at(issued.valid_until, 23):
        sign(issued, owner)
    names = [c.name for c in gate_status(issued.engagement).unmet]
    assert "proposal_signed" not in names and "proposal_valid" not in names
    services.issue_proforma(engagement=issued.engagement, by=pm)


def test_an_expired_proposal_is_no_longer_offered_for_signature(issued, owner):
    assert [i.label for i in selectors.awaiting_signature(owner, engagements_visible_to(owner))]
    assert [d.pk for d in selectors.documents_to_sign(owner)] == [issued.document_id]
    with _at(issued.valid_until, 23):  # the last day still counts, in Paris time
        assert [d.pk for d in selectors.documents_to_sign(owner)] == [issued.document_id]
    with _at(issued.valid_until + timedelta(days=1), 9):
        assert selectors.awaiting_signature(owner, engagements_visible_to(owner)) == []
        assert selectors.documents_to_sign(owner) == []  # the side menu's count agrees
        status = gate_status(issued.engagement)
    assert "proposal_valid" in [c.name for c in status.unmet]
    assert status.waiting_for == PROVIDER
