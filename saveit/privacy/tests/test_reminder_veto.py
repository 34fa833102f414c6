"""A learner who objected to processing gets no reminder: privacy vetoes them in attendance."""

from __future__ import annotations

import pytest

from saveit.accounts.roles import Role
from saveit.learning.hooks import contact_refused
from saveit.privacy.models import DataSubjectRequest
from saveit.privacy.selectors import memberships_restricted
from saveit.privacy.services import execute_request, receive_request
from saveit.testing.factories import make_member

pytestmark = pytest.mark.django_db


def test_an_objection_vetoes_the_learners_membership(client_org, owner):
    learner = make_member(client_org, Role.LEARNER)
    other = make_member(client_org, Role.LEARNER)
    assert contact_refused(ids=[learner.pk, other.pk]) == set()
    request = receive_request(
        organization=client_org, kind="objection", email=learner.user.email, by=owner
    )
    execute_request(request=request, by=owner, identity_note="vu")
    assert DataSubjectRequest.objects.get(pk=request.pk).status == "done"
    assert memberships_restricted(ids=[learner.pk, other.pk]) == {learner.pk}
    assert contact_refused(ids=[learner.pk, other.pk]) == {learner.pk}
