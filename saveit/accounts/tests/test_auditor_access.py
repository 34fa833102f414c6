"""Auditors are invited with an end date and a scope, see when access ends, and lose it on time."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from saveit.accounts import services
from saveit.accounts.models import Invitation, Membership
from saveit.accounts.roles import AuditorScope, Role
from saveit.core.errors import Refusal
from saveit.testing.clock import set_clock
from saveit.testing.factories import bearer, make_engagement, make_member, signed_in

pytestmark = pytest.mark.django_db(transaction=True)


def _invite_api(owner, **body):  # type: ignore[no-untyped-def]
    return Client(headers=bearer(owner)).post(
        f"/api/v1/organizations/{owner.organization_id}/invitations",
        json.dumps({"email": "audit@cabinet-audit.fr", "role": "auditor", **body}),
        content_type="application/json",
    )


def _accept_last_invitation() -> Membership:
    token = re.search(r"/comptes/invitation/(\S+)/", mail.outbox[-1].body).group(1)
    return services.accept_invitation(
        token=token, first_name="Alex", last_name="Audit", password="Un-Mot2passe-solide!"
    )


def test_an_auditor_cannot_be_invited_without_an_end_date_or_a_scope(owner):
    engagement = make_engagement(owner.organization)
    in_ten_days = str(timezone.localdate() + timedelta(days=10))
    no_end = _invite_api(owner, scope="engagement", engagement_id=engagement.pk)
    assert no_end.status_code == 409 and no_end.json()["code"] == "auditor_end_required"
    no_scope = _invite_api(owner, access_ends_on=in_ten_days)
    assert no_scope.json()["code"] == "auditor_scope_required"
    too_far = str(timezone.localdate() + timedelta(days=400))
    assert _invite_api(owner, access_ends_on=too_far, scope="quality").json()["code"] == (
        "auditor_end_invalid"
    )
    assert not Invitation.objects.exists()


def test_the_engagement_scope_must_name_an_engagement_of_the_organisation(owner, outsider):
    theirs = make_engagement(outsider.organization)
    in_ten_days = str(timezone.localdate() + timedelta(days=10))
    response = _invite_api(owner, access_ends_on=in_ten_days, scope="engagement", engagement_id=theirs.pk)  # fmt: skip
    assert response.json()["code"] == "auditor_engagement_invalid"
    assert not Invitation.objects.exists()


def test_an_invited_auditor_reads_their_engagement_only_until_the_end_date(owner, monkeypatch):
    audited = make_engagement(owner.organization, title="Mission auditée")
    other = make_engagement(owner.organization, title="Autre mission")
    last_day = timezone.localdate() + timedelta(days=10)
    response = _invite_api(
        owner, access_ends_on=str(last_day), scope="engagement", engagement_id=audited.pk
    )
    assert response.status_code == 201
    assert response.json()["access_ends_on"] == str(last_day)
    auditor = _accept_last_invitation()
    assert auditor.scope == AuditorScope.ENGAGEMENT and auditor.scope_object_id == audited.pk
    assert timezone.localtime(auditor.expires_at).date() == last_day + timedelta(days=1)

    client = signed_in(auditor)
    page = client.get(reverse("engagements:detail", args=[audited.pk]))
    assert page.status_code == 200
    assert "Votre accès prend fin le " in page.content.decode()  # the banner
    assert client.get(reverse("engagements:detail", args=[other.pk])).status_code == 404
    token = bearer(auditor)
    assert Client(headers=token).get(f"/api/v1/engagements/{audited.pk}").status_code == 200

    last_minute = services.access_end_of(last_day) - timedelta(minutes=1)
    set_clock(monkeypatch, last_minute)
    assert (
        signed_in(auditor).get(reverse("engagements:detail", args=[audited.pk])).status_code == 200
    )
    assert Client(headers=token).get(f"/api/v1/engagements/{audited.pk}").status_code == 200
    set_clock(monkeypatch, last_minute + timedelta(minutes=2))
    late = signed_in(auditor).get(reverse("engagements:detail", args=[audited.pk]))
    assert late.status_code == 403  # signed in, but no current role any more
    assert Client(headers=token).get(f"/api/v1/engagements/{audited.pk}").status_code == 401


def test_the_quality_scope_is_accepted_and_opens_no_engagement_yet(owner):
    engagement = make_engagement(owner.organization)
    in_ten_days = str(timezone.localdate() + timedelta(days=10))
    assert _invite_api(owner, access_ends_on=in_ten_days, scope="quality").status_code == 201
    auditor = _accept_last_invitation()
    assert auditor.scope == AuditorScope.QUALITY and auditor.expires_at is not None
    client = signed_in(auditor)
    assert client.get(reverse("engagements:detail", args=[engagement.pk])).status_code == 404


def test_the_invitation_page_takes_the_auditors_terms(owner):
    engagement = make_engagement(owner.organization)
    url = reverse("accounts:member_invite", args=[owner.organization_id])
    last_day = timezone.localdate() + timedelta(days=5)
    client = signed_in(owner)
    client.post(url, {"email": "a@cabinet-audit.fr", "role": "auditor"})
    assert not Invitation.objects.exists()
    client.post(url, {"email": "a@cabinet-audit.fr", "role": "auditor", "access_ends_on": str(last_day), "scope": "engagement", "engagement_id": engagement.pk})  # fmt: skip
    invitation = Invitation.objects.get()
    assert (invitation.access_ends_on, invitation.scope) == (last_day, "engagement")


def test_a_member_cannot_be_turned_into_an_auditor_without_an_invitation(owner, manager):
    with pytest.raises(Refusal) as refused:
        services.change_member_role(membership=manager, role=Role.AUDITOR, by=owner)
    assert refused.value.code == "auditor_needs_invitation"


def test_an_auditor_cannot_be_added_without_an_end_date_and_a_scope(client_org):
    with pytest.raises(Refusal) as refused:
        services.add_member(organization=client_org, email="audit@alpha.test", role=Role.AUDITOR)
    assert refused.value.code == "auditor_end_required"
    assert not Membership.objects.filter(user__email="audit@alpha.test").exists()


def test_an_auditor_without_a_scope_sees_no_engagement(client_org, engagement):
    from saveit.engagements.permissions import engagements_visible_to

    auditor = make_member(client_org, Role.AUDITOR)
    Membership.objects.filter(pk=auditor.pk).update(scope="", scope_object_id=None)
    auditor.refresh_from_db()
    assert not engagements_visible_to(auditor).exists()
    assert signed_in(auditor).get(f"/missions/{engagement.pk}/").status_code == 404
