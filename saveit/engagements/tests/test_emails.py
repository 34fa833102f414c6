"""E-mails go to the person the engagement waits for: the named owner, or the project manager."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail

from saveit.accounts.roles import Role
from saveit.engagements import services
from saveit.orchestration import services as workflow
from saveit.testing.engagement_setup import (
    sign,
    signed_proposal,
    through_phase_0,
    through_phase_1,
    upload_procedure,
)
from saveit.testing.factories import make_document, make_engagement, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_owner(client_org):
    return make_member(client_org, Role.CLIENT_OWNER)


@pytest.fixture
def named(client_org, pm, owner, second_owner):
    """An engagement naming `owner` as its content owner, beside a second owner."""
    return services.create_engagement(client=client_org, by=pm, title="Hygiène", client_owner=owner)


def _issue_note(engagement, pm):
    services.record_interview(
        engagement=engagement, by=pm, held_on=date(2026, 11, 2), participants="A", notes="B"
    )
    services.save_scoping_note(engagement=engagement, by=pm, objectives="O", scope="Lyon")
    return services.issue_scoping_note(engagement=engagement, by=pm)


def _recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_an_issued_artefact_is_mailed_to_the_named_owner_only(
    named, pm, owner, second_owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _issue_note(named, pm)
    assert _recipients() == [owner.user.email]


def test_without_a_named_owner_every_current_owner_is_mailed(
    client_org, pm, owner, second_owner, django_capture_on_commit_callbacks
):
    engagement = make_engagement(client_org, pm)
    with django_capture_on_commit_callbacks(execute=True):
        _issue_note(engagement, pm)
    assert _recipients() == sorted([owner.user.email, second_owner.user.email])


def test_the_manager_is_mailed_when_the_client_signs_and_the_gate_waits_for_the_provider(
    named, pm, owner, django_capture_on_commit_callbacks
):
    note = _issue_note(named, pm)
    with django_capture_on_commit_callbacks(execute=True):
        sign(note, owner)
    assert _recipients() == [pm.user.email]
    assert named.reference in mail.outbox[0].subject


def test_a_signed_proposal_tells_the_manager_the_proforma_is_due(
    named, pm, owner, django_capture_on_commit_callbacks
):

    engagement = through_phase_1(named, pm, owner)
    with django_capture_on_commit_callbacks(execute=True):
        signed_proposal(engagement, pm, owner)
    to_pm = [m for m in mail.outbox if m.to == [pm.user.email]]
    assert len(to_pm) == 1
    assert "proforma" in to_pm[0].body


def test_a_signature_outside_the_engagements_mails_nobody(
    owner, django_capture_on_commit_callbacks
):
    document = make_document(owner, roles=(Role.CLIENT_OWNER,))
    with django_capture_on_commit_callbacks(execute=True):
        from saveit.audit.services import sign_document
        from saveit.testing.factories import PASSWORD

        sign_document(document=document, by=owner, intent="Lu", password=PASSWORD)
    assert mail.outbox == []


def test_a_phase_that_waits_for_the_client_is_announced_to_the_named_owner(
    named, pm, owner, staff_admin, django_capture_on_commit_callbacks
):
    note = _issue_note(named, pm)
    sign(note, owner)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.advance_phase(engagement=named, by=staff_admin)  # phase 1: sources awaited
    assert _recipients() == [owner.user.email]
    assert "phase 1" in mail.outbox[0].subject


def test_no_phase_mail_to_the_client_when_the_provider_must_act_first(
    named, pm, owner, staff_admin, django_capture_on_commit_callbacks
):
    engagement = through_phase_0(named, pm, owner)

    upload_procedure(engagement, owner)
    sign(workflow.generate_mapping_report(engagement=engagement, by=pm), owner)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.advance_phase(engagement=engagement, by=staff_admin)  # phase 2: proposal to write
    assert _recipients() == [pm.user.email]
    with django_capture_on_commit_callbacks(execute=True):
        workflow.reopen_phase(engagement=engagement, by=pm, to_phase=1, reason="Un test de plus.")
        workflow.advance_phase(engagement=engagement, by=pm)
    assert _recipients() == [pm.user.email]  # nobody is told of their own move
