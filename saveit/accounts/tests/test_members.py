from __future__ import annotations

import pytest
from django.urls import reverse

from saveit.accounts.models import Membership
from saveit.accounts.roles import Role
from saveit.audit.chain import verify_chain
from saveit.audit.models import AuditEvent
from saveit.testing.factories import signed_in

pytestmark = pytest.mark.django_db


def test_owner_sees_the_organisation_and_its_members(owner, manager, learner):
    response = signed_in(owner).get(
        reverse("accounts:organization_detail", args=[owner.organization_id])
    )
    assert response.status_code == 200
    for member in (owner, manager, learner):
        assert member.user.email.encode() in response.content


def test_owner_changes_a_role_and_it_is_audited(owner, learner):
    url = reverse("accounts:member_role", args=[learner.pk])
    signed_in(owner).post(url, {"role": Role.CLIENT_MANAGER})
    learner.refresh_from_db()
    assert learner.role == Role.CLIENT_MANAGER
    event = AuditEvent.objects.get(action="membership.role_changed")
    assert event.before == {"role": "learner"} and event.after == {"role": "client_manager"}
    assert event.actor_membership_id == owner.pk
    assert verify_chain(owner.organization).ok


def test_a_manager_cannot_change_roles(manager, learner):
    response = signed_in(manager).post(
        reverse("accounts:member_role", args=[learner.pk]), {"role": Role.CLIENT_OWNER}
    )
    assert response.status_code == 403
    learner.refresh_from_db()
    assert learner.role == Role.LEARNER


def test_the_last_owner_can_be_neither_demoted_nor_removed(owner, staff_admin):
    admin = signed_in(staff_admin)
    admin.post(reverse("accounts:member_role", args=[owner.pk]), {"role": Role.LEARNER})
    admin.post(
        reverse("accounts:member_active", args=[owner.pk]), {"active": "0", "confirmed": "yes"}
    )
    owner.refresh_from_db()
    assert owner.role == Role.CLIENT_OWNER and owner.is_active


def test_nobody_removes_their_own_access(owner):
    signed_in(owner).post(
        reverse("accounts:member_active", args=[owner.pk]), {"active": "0", "confirmed": "yes"}
    )
    owner.refresh_from_db()
    assert owner.is_active


def test_a_removed_member_loses_access_at_once(owner, learner):
    learner_client = signed_in(learner)
    assert learner_client.get("/", follow=True).context["member"] == learner
    signed_in(owner).post(
        reverse("accounts:member_active", args=[learner.pk]), {"active": "0", "confirmed": "yes"}
    )
    assert learner_client.get("/", follow=True).context["member"] is None


def test_another_organisations_member_is_not_found(owner, outsider):
    response = signed_in(outsider).post(
        reverse("accounts:member_role", args=[owner.pk]), {"role": Role.LEARNER}
    )
    assert response.status_code == 404
    assert Membership.objects.get(pk=owner.pk).role == Role.CLIENT_OWNER


def test_provider_admin_manages_members_of_any_client(staff_admin, learner):
    response = signed_in(staff_admin).post(
        reverse("accounts:member_role", args=[learner.pk]), {"role": Role.CLIENT_MANAGER}
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.role == Role.CLIENT_MANAGER
