"""Provider staff is defined once (accounts.roles): a current provider membership in a provider
role. Every access rule asks that one question."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from saveit.accounts.models import Membership
from saveit.accounts.roles import Role, is_provider_admin, is_provider_staff
from saveit.accounts.selectors import organizations_visible_to
from saveit.testing.factories import make_member


def _ended(member: Membership) -> Membership:
    member.expires_at = timezone.now() - timedelta(minutes=1)
    member.save()
    return member


@pytest.mark.parametrize("role", [Role.ADMIN, Role.PROJECT_MANAGER, Role.DESIGNER])
def test_a_current_provider_member_is_staff(provider, role):
    assert is_provider_staff(make_member(provider, role))


def test_an_ended_provider_membership_is_no_longer_staff(provider):
    assert not is_provider_staff(_ended(make_member(provider, Role.DESIGNER)))
    assert not is_provider_admin(_ended(make_member(provider, Role.ADMIN)))


def test_client_members_and_visiting_auditors_are_not_staff(provider, owner, auditor):
    assert not is_provider_staff(owner)
    assert not is_provider_staff(auditor)
    assert not is_provider_staff(make_member(provider, Role.AUDITOR))
    assert not is_provider_staff(None)


def test_an_ended_provider_admin_no_longer_sees_every_organisation(provider, client_org):
    admin = make_member(provider, Role.ADMIN)
    assert client_org in organizations_visible_to(admin)
    assert client_org not in organizations_visible_to(_ended(admin))


def test_the_membership_model_carries_no_second_definition():
    assert not hasattr(Membership, "is_provider_staff")
