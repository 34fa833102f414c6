"""Sign-in links live briefly: 72 hours in the assignment e-mail, 15 minutes when asked for."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from ..models import SignInLink
from ..services import access

pytestmark = pytest.mark.django_db
CAMILLE = "camille.lefevre@alpha.example"


def _lifetime(link: SignInLink) -> timedelta:
    return link.expires_at - link.created_at


def test_the_link_of_an_assignment_e_mail_lives_72_hours(assigned):
    link = SignInLink.objects.filter(learner__email=CAMILLE).get()
    assert abs(_lifetime(link) - timedelta(hours=72)) < timedelta(seconds=5)
    body = next(m.body for m in mail.outbox if m.to == [CAMILLE])
    assert "72" in body


def test_a_link_asked_for_lives_15_minutes(assigned, django_capture_on_commit_callbacks):
    SignInLink.objects.update(created_at=timezone.now() - timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=True):  # sent by the worker after commit
        assert access.resend_link(email=CAMILLE, ip="203.0.113.5") == 1
    link = SignInLink.objects.filter(learner__email=CAMILLE).latest("created_at")
    assert abs(_lifetime(link) - timedelta(minutes=15)) < timedelta(seconds=5)
    assert "15" in mail.outbox[-1].body
