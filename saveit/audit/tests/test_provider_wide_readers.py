"""Reading every organisation's trail is for current provider staff only (accounts.roles)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from saveit.accounts.roles import Role
from saveit.audit.permissions import reads_every_trail
from saveit.testing.factories import make_member


def test_an_ended_quality_manager_no_longer_reads_every_trail(provider):
    member = make_member(provider, Role.QUALITY_MANAGER)
    assert reads_every_trail(member)
    member.expires_at = timezone.now() - timedelta(seconds=1)
    member.save()
    assert not reads_every_trail(member)


def test_other_roles_do_not_read_every_trail(client_org, provider):
    assert not reads_every_trail(make_member(provider, Role.DESIGNER))
    assert not reads_every_trail(make_member(client_org, Role.CLIENT_OWNER))
