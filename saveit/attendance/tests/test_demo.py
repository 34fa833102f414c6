from __future__ import annotations

import pytest
from django.core.management import call_command

from saveit.attendance.models import Convocation, Presence, TrainingSession
from saveit.attendance.reminders import due_reminders

pytestmark = pytest.mark.django_db


def test_demo_has_a_blended_session(settings):
    call_command("demo")
    call_command("demo")  # idempotent
    session = TrainingSession.objects.get()
    assert session.slots.count() == 2
    assert Presence.objects.filter(status="absent").count() == 1
    assert Presence.objects.filter(status="present").count() == 2
    assert Convocation.objects.count() == session.participants.count() - 1
    from django.utils import timezone

    assert len(due_reminders(timezone.now())) >= 2
