"""Reminders the scheduler sends (SPEC §6): not started, inactive, due soon, overdue — to the
learner — and a digest to the client's managers. Each one is recorded before it leaves (who,
when, which rule): a second run of the same period finds the record and sends nothing again."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership
from saveit.accounts.roles import Role
from saveit.core.dates import long_date, paris_date
from saveit.learning.models import Activity, Assignment

from .models import AttendanceTerms, Reminder
from .selectors import contactable, terms_for_client

Rule = Reminder.Rule
OPEN = (Assignment.Status.ASSIGNED, Assignment.Status.IN_PROGRESS)


def _period_for(rule: str, assignment: Assignment, last_seen: datetime | None) -> str:
    """The key that makes a rule fire once per situation, not once a day."""
    if rule == Rule.NOT_STARTED:
        return "once"
    if rule == Rule.INACTIVE:
        return paris_date(last_seen or assignment.started_at or assignment.assigned_at).isoformat()
    return assignment.due_on.isoformat() if assignment.due_on else ""


def due_reminders(now: datetime) -> list[tuple[str, Assignment]]:
    """(rule, assignment) pairs due now and not yet sent, learners who objected left out."""
    today = paris_date(now)
    open_assignments = (
        Assignment.objects.filter(status__in=OPEN)
        .select_related("learner", "module_version__module", "engagement")
        .annotate(
            last_seen=Max("activities__at", filter=~Q(activities__kind=Activity.Kind.SIGN_IN))
        )
    )
    terms: dict[int, AttendanceTerms] = {}
    found: list[tuple[str, Assignment]] = []
    for assignment in open_assignments.iterator(chunk_size=2000):
        t = terms.get(assignment.organization_id)
        if t is None:
            t = terms[assignment.organization_id] = terms_for_client(assignment.organization_id)
        rule = _rule_for(assignment, t, now, today)
        if rule:
            found.append((rule, assignment))
    if not found:
        return []
    sent = set(
        Reminder.objects.filter(assignment_id__in=[a.pk for _r, a in found]).values_list(
            "rule", "assignment_id", "period"
        )
    )
    fresh = [
        (rule, a)
        for rule, a in found
        if (rule, a.pk, _period_for(rule, a, getattr(a, "last_seen", None))) not in sent
    ]
    allowed = {a.pk for a in contactable(a for _r, a in fresh)}
    return [(rule, a) for rule, a in fresh if a.pk in allowed]


def _rule_for(a: Assignment, t: AttendanceTerms, now: datetime, today) -> str:
    if a.due_on is not None and a.due_on < today:
        return Rule.OVERDUE
    if a.due_on is not None and a.due_on <= today + timedelta(days=t.due_soon_days):
        return Rule.DUE_SOON
    if a.status == Assignment.Status.ASSIGNED:
        if a.assigned_at <= now - timedelta(days=t.not_started_days):
            return Rule.NOT_STARTED
        return ""
    last_seen = getattr(a, "last_seen", None) or a.started_at or a.assigned_at
    if last_seen <= now - timedelta(days=t.inactive_days):
        return Rule.INACTIVE
    return ""


SUBJECTS: dict[str, Any] = {
    Rule.NOT_STARTED: _("Your training is waiting for you"),
    Rule.INACTIVE: _("Resume your training"),
    Rule.DUE_SOON: _("Your training is due soon"),
    Rule.OVERDUE: _("Your training is overdue"),
}


@transaction.atomic
def send_reminders(now: datetime | None = None) -> str:
    """Record then send every reminder due; one digest per client manager and day."""
    now = now or timezone.now()
    due = due_reminders(now)
    messages: list[EmailMessage] = []
    rows: list[Reminder] = []
    by_org: dict[int, list[tuple[str, Assignment]]] = defaultdict(list)
    for rule, assignment in due:
        learner = assignment.learner
        subject = str(SUBJECTS[rule])
        body = render_to_string(
            "attendance/email/reminder.txt",
            {
                "learner": learner,
                "assignment": assignment,
                "rule": rule,
                "due_on": long_date(assignment.due_on) if assignment.due_on else "",
            },
        )
        messages.append(EmailMessage(subject, body, None, [learner.email]))
        rows.append(
            Reminder(
                organization_id=assignment.organization_id,
                engagement_id=assignment.engagement_id,
                rule=rule,
                assignment=assignment,
                to_email=learner.email,
                period=_period_for(rule, assignment, getattr(assignment, "last_seen", None)),
                sent_at=now,
            )
        )
        by_org[assignment.organization_id].append((rule, assignment))
    day = paris_date(now).isoformat()
    for org_id, items in by_org.items():
        managers = Membership.objects.filter(
            organization_id=org_id, role=Role.CLIENT_MANAGER, is_active=True
        ).select_related("user")
        for manager in managers:
            done = Reminder.objects.filter(
                rule=Rule.MANAGER_DIGEST, to_email=manager.user.email, period=day
            ).exists()
            if done:
                continue
            body = render_to_string(
                "attendance/email/digest.txt",
                {"items": [(Rule(rule).label, a) for rule, a in items]},
            )
            subject = _("Reminders sent to your learners today: %(count)s") % {"count": len(items)}
            messages.append(EmailMessage(subject, body, None, [manager.user.email]))
            rows.append(
                Reminder(
                    organization_id=org_id,
                    engagement_id=items[0][1].engagement_id,
                    rule=Rule.MANAGER_DIGEST,
                    to_email=manager.user.email,
                    period=day,
                    sent_at=now,
                    count=len(items),
                )
            )
    Reminder.objects.bulk_create(rows)
    if messages:
        transaction.on_commit(lambda: get_connection().send_messages(messages))
    return f"{len(due)} reminders, {len(rows) - len(due)} digests"


__all__ = ["due_reminders", "send_reminders"]
