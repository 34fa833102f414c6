from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from saveit.attendance.models import Reminder
from saveit.attendance.reminders import send_reminders
from saveit.attendance.selectors import reminders_sent
from saveit.learning.hooks import contact_refused
from saveit.learning.models import Assignment, Learner

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(assigned, manager):
    """Every assignment of the population: assigned long ago, one overdue, one due soon."""
    rows = list(Assignment.objects.order_by("pk"))
    Assignment.objects.update(assigned_at=timezone.now() - timedelta(days=30))
    today = timezone.localdate()
    Assignment.objects.filter(pk=rows[0].pk).update(due_on=today - timedelta(days=2))
    Assignment.objects.filter(pk=rows[1].pk).update(due_on=today + timedelta(days=3))
    return rows


def test_rules_digest_and_idempotence(overdue, manager, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders()
    rules = dict(Reminder.objects.exclude(rule="digest").values_list("assignment_id", "rule"))
    assert rules[overdue[0].pk] == "overdue"
    assert rules[overdue[1].pk] == "due_soon"
    assert set(rules.values()) - {"overdue", "due_soon"} == {"not_started"}
    digest = Reminder.objects.get(rule="digest")
    assert digest.to_email == manager.user.email and digest.count == len(rules)
    sent = len(mail.outbox)
    assert sent == len(rules) + 1
    assert reminders_sent(overdue[0].engagement).count() == len(rules) + 1
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders()  # a second run sends nothing twice
    assert len(mail.outbox) == sent and Reminder.objects.count() == len(rules) + 1


def test_privacy_objection_vetoes_reminder(overdue, client_org, django_capture_on_commit_callbacks):
    from saveit.accounts.models import Membership
    from saveit.accounts.roles import Role
    from saveit.testing.factories import make_member

    objecting = Learner.objects.get(pk=overdue[0].learner_id)
    member = make_member(client_org, Role.LEARNER, email=objecting.email)
    Learner.objects.filter(pk=objecting.pk).update(user=member.user)
    seen: list[list[int]] = []

    def objected(*, ids):
        seen.append(ids)
        return {member.pk}

    contact_refused.register(objected)
    mail.outbox.clear()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            send_reminders()
    finally:
        contact_refused._handlers.remove(objected)
    assert seen and member.pk in seen[0]
    assert not Reminder.objects.filter(assignment=overdue[0]).exists()
    assert Reminder.objects.filter(assignment=overdue[1]).exists()
    assert objecting.email not in [m.to[0] for m in mail.outbox]
    assert Membership.objects.filter(pk=member.pk).exists()


def test_recent_assignment_gets_nothing(assigned):
    Assignment.objects.update(assigned_at=timezone.now(), due_on=None)
    assert send_reminders().startswith("0 reminders")


def test_scheduler_job_registered():
    from saveit.core.scheduler import registered_jobs

    assert "attendance.reminders" in {j.name for j in registered_jobs()}
