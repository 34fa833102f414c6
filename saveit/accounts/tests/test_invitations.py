from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from saveit.accounts.models import Invitation, Membership, User
from saveit.accounts.roles import Role
from saveit.audit.models import AuditEvent
from saveit.testing.factories import signed_in

pytestmark = pytest.mark.django_db(transaction=True)


def _invite(owner, email="nouvelle@alpha.test", role=Role.CLIENT_MANAGER):  # type: ignore[no-untyped-def]
    client = signed_in(owner)
    url = reverse("accounts:member_invite", args=[owner.organization_id])
    response = client.post(url, {"email": email, "role": role})
    assert response.status_code == 302
    return _link_in_last_mail()


def _link_in_last_mail() -> str:
    assert mail.outbox, "no e-mail was sent"
    return re.search(r"https?://\S+/comptes/invitation/(\S+)/", mail.outbox[-1].body).group(1)


def test_owner_invites_and_the_invitee_joins_with_a_new_account(owner):
    token = _invite(owner)
    assert mail.outbox[-1].to == ["nouvelle@alpha.test"]
    assert Invitation.objects.get().token_hash != token  # only the digest is stored
    guest = Client()
    url = reverse("accounts:invitation_accept", args=[token])
    response = guest.post(
        url,
        {
            "first_name": "Zoé",
            "last_name": "Durand",
            "password": "un-mot-de-passe-solide",
            "password_again": "un-mot-de-passe-solide",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="nouvelle@alpha.test")
    assert membership.organization == owner.organization
    assert membership.role == Role.CLIENT_MANAGER
    assert guest.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="invitation.accepted").count() == 1


def test_a_used_invitation_cannot_be_replayed(owner):
    token = _invite(owner)
    url = reverse("accounts:invitation_accept", args=[token])
    data = {
        "first_name": "A",
        "last_name": "B",
        "password": "un-mot-de-passe-solide",
        "password_again": "un-mot-de-passe-solide",
    }
    Client().post(url, data)
    replay = Client().post(url, data)
    assert replay.status_code == 404
    assert Membership.objects.filter(user__email="nouvelle@alpha.test").count() == 1


def test_an_expired_invitation_is_refused_and_creates_nothing(owner):
    token = _invite(owner)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = Client().post(
        reverse("accounts:invitation_accept", args=[token]),
        {
            "first_name": "A",
            "last_name": "B",
            "password": "un-mot-de-passe-solide",
            "password_again": "un-mot-de-passe-solide",
        },
    )
    assert response.status_code == 404
    assert not User.objects.filter(email="nouvelle@alpha.test").exists()


def test_a_forged_token_is_refused(db):
    response = Client().get(reverse("accounts:invitation_accept", args=["forged-token"]))
    assert response.status_code == 404


def test_a_weak_password_is_refused_and_creates_nothing(owner):
    token = _invite(owner)
    response = Client().post(
        reverse("accounts:invitation_accept", args=[token]),
        {
            "first_name": "A",
            "last_name": "B",
            "password": "12345678",
            "password_again": "12345678",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="nouvelle@alpha.test").exists()
    assert Invitation.objects.get().accepted_at is None


def test_a_signed_in_user_with_another_address_cannot_take_the_invitation(owner, outsider):
    token = _invite(owner)
    response = signed_in(outsider).post(reverse("accounts:invitation_accept", args=[token]))
    assert response.status_code == 200
    assert not Membership.objects.filter(
        user=outsider.user, organization=owner.organization
    ).exists()


def test_a_client_organisation_cannot_be_given_a_provider_role(owner):
    client = signed_in(owner)
    url = reverse("accounts:member_invite", args=[owner.organization_id])
    client.post(url, {"email": "x@alpha.test", "role": Role.ADMIN})
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_a_learner_cannot_invite(learner):
    url = reverse("accounts:member_invite", args=[learner.organization_id])
    response = signed_in(learner).post(url, {"email": "x@alpha.test", "role": Role.LEARNER})
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_owner_withdraws_a_pending_invitation_and_its_link_dies(owner):
    token = _invite(owner)
    invitation = Invitation.objects.get()
    signed_in(owner).post(reverse("accounts:invitation_revoke", args=[invitation.pk]))
    response = Client().get(reverse("accounts:invitation_accept", args=[token]))
    assert response.status_code == 404
