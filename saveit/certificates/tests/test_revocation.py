"""Revocation: with a reason, by the provider's admins, project and quality managers only; the
public verification page and the credential status say revoked, or expired once past validity."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from saveit.accounts.roles import Role
from saveit.audit.models import AuditEvent
from saveit.core.errors import Refusal
from saveit.learning.models import Assignment
from saveit.learning.services import attempts
from saveit.testing.factories import bearer, make_member
from saveit.testing.learning_setup import Form, answers_for

from ..models import Attestation
from ..services import revoke_attestation

REASON = "Attestation délivrée par erreur : la session est reportée."


@pytest.fixture
def attestation(assigned):
    assignment = Assignment.objects.get(learner__email="camille.lefevre@alpha.example")
    attempt = attempts.start_attempt(assignment=assignment)
    attempts.submit_attempt(attempt=attempt, form=Form(answers_for(attempt, right=True)))
    return Attestation.objects.get(assignment=assignment)


def assert_untouched(attestation: Attestation) -> None:
    fresh = Attestation.objects.get(pk=attestation.pk)
    assert (fresh.revoked_at, fresh.revoked_reason, fresh.revoked_by_id) == (None, "", None)
    assert fresh.state() == Attestation.State.VALID
    assert not AuditEvent.objects.filter(action="attestation.revoked").exists()
    assert status_of(attestation)["status"] == "valid"


def status_of(attestation: Attestation) -> dict:
    response = Client().get(f"/verify/{attestation.code}/status.json")
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.mark.parametrize("reason", ["", "   \n\t  "])
def test_a_revocation_without_a_reason_is_refused_and_changes_nothing(attestation, pm, reason):
    with pytest.raises(Refusal) as refused:
        revoke_attestation(attestation=attestation, reason=reason, by=pm)
    assert refused.value.code == "invalid"
    assert_untouched(attestation)


def test_a_revocation_by_anyone_but_the_providers_managers_is_refused(
    attestation, owner, outsider, designer_member
):
    client = attestation.organization
    holder = make_member(client, Role.LEARNER, email="camille.lefevre@alpha.example")
    others = (
        make_member(client, Role.CLIENT_MANAGER),
        holder,
        owner,  # the client's own content owner
        outsider,  # another client's owner…
        make_member(outsider.organization, Role.CLIENT_MANAGER),  # …and its manager
        designer_member,  # provider staff without the role
    )
    for who in others:
        with pytest.raises(Refusal) as refused:
            revoke_attestation(attestation=attestation, reason=REASON, by=who)
        assert refused.value.code == "forbidden", who.role
    assert_untouched(attestation)


def test_the_api_refuses_a_revocation_without_reason_or_by_a_client_manager(attestation, pm):
    url = f"/api/v1/attestations/{attestation.pk}/revoke"
    manager = make_member(attestation.organization, Role.CLIENT_MANAGER)

    def post(who, body):  # type: ignore[no-untyped-def]
        return Client().post(url, json.dumps(body), "application/json", headers=bearer(who))

    blank = post(pm, {"reason": "   "})
    assert (blank.status_code, blank.json()["code"]) == (409, "invalid")
    assert post(pm, {}).status_code == 422
    forbidden = post(manager, {"reason": REASON})
    assert (forbidden.status_code, forbidden.json()["code"]) == (403, "forbidden")
    assert_untouched(attestation)


def test_a_revoked_attestation_shows_as_revoked_on_the_verification_page(attestation, pm):
    page = Client().get(f"/verify/{attestation.code}/").content.decode()
    assert "Attestation authentique et valide." in page and "alert-error" not in page
    revoke_attestation(attestation=attestation, reason=REASON, by=pm)
    page = Client().get(f"/verify/{attestation.code}/").content.decode()
    assert "Attestation révoquée." in page and 'class="alert alert-error"' in page
    assert "authentique et valide" not in page
    assert REASON not in page  # the reason is for the audit trail, not for the public
    status = status_of(attestation)
    assert status["status"] == "revoked" and status["revoked"] is not None
    event = AuditEvent.objects.get(action="attestation.revoked")
    assert event.after["reason"] == REASON and event.actor_membership_id == pm.pk
    with pytest.raises(Refusal) as again:
        revoke_attestation(attestation=attestation, reason=REASON, by=pm)
    assert again.value.code == "revoked"


def test_an_attestation_past_its_validity_shows_as_expired(attestation, monkeypatch):
    last_day = attestation.valid_until
    monkeypatch.setattr(timezone, "localdate", lambda *args: last_day)
    assert status_of(attestation)["status"] == "valid"  # valid through its last day
    monkeypatch.setattr(timezone, "localdate", lambda *args: last_day + timedelta(days=1))
    page = Client().get(f"/verify/{attestation.code}/").content.decode()
    assert "Attestation authentique, expirée." in page and 'class="alert alert-warn"' in page
    assert "authentique et valide" not in page
    status = status_of(attestation)
    assert status["status"] == "expired" and status["revoked"] is None
    assert status["valid_until"] == last_day.isoformat()
