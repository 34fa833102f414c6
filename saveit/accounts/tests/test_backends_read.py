"""The signed-in user is read with their current memberships in one query (issue 22)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from saveit.accounts.backends import ModelBackend
from saveit.accounts.roles import Role
from saveit.accounts.selectors import current_memberships
from saveit.testing.factories import make_member, make_organization

pytestmark = pytest.mark.django_db


def test_user_and_memberships_come_in_one_query_and_only_once():
    member = make_member(make_organization("Alpha"), Role.CLIENT_OWNER, email="a@alpha.example")
    with CaptureQueriesContext(connection) as queries:
        user = ModelBackend().get_user(member.user_id)
        assert user is not None and user.pk == member.user_id
        assert [m.pk for m in current_memberships(user)] == [member.pk]
    assert len(queries) == 1
    with CaptureQueriesContext(connection) as queries:  # a later call reads them again
        assert [m.pk for m in current_memberships(user)] == [member.pk]
    assert len(queries) == 1


def test_a_user_without_a_current_membership_is_still_read_and_has_none():
    member = make_member(make_organization("Alpha"), Role.CLIENT_OWNER, email="b@alpha.example")
    member.expires_at = timezone.now() - dt.timedelta(minutes=1)
    member.save(update_fields=["expires_at"])
    user = ModelBackend().get_user(member.user_id)
    assert user is not None and user.pk == member.user_id
    assert current_memberships(user) == []


def test_a_deactivated_user_is_nobody_even_with_current_memberships():
    member = make_member(make_organization("Alpha"), Role.CLIENT_OWNER, email="c@alpha.example")
    member.user.is_active = False
    member.user.save(update_fields=["is_active"])
    assert ModelBackend().get_user(member.user_id) is None
