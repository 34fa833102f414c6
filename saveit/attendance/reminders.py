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
from django.utils.translation import gettext_lazy

from saveit.accounts.models import Membership
from saveit.accounts.roles import Role
from saveit.audit.chain import record_event
from saveit.core.dates import long_date, paris_date
from saveit.core.errors import Forbidden, Refusal
from saveit.learning.models import Activity, Assignment

from .models import AttendanceTerms, Reminder
from .permissions import can_send_reminder
from .selectors import contactable, terms_for_client

Rule = Reminder.Rule
OPEN = Assignment.OPEN_STATUSES


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
    if a.is_overdue(today):
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


# Lazy: read in the language of each e-mail or page, not of the first import.
SUBJECTS: dict[str, Any] = {
    Rule.NOT_STARTED: gettext_lazy("Your training is waiting for you"),
    Rule.INACTIVE: gettext_lazy("Resume your training"),
    Rule.DUE_SOON: gettext_lazy("Your training is due soon"),
    Rule.OVERDUE: gettext_lazy("Your training is overdue"),
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


# Why a learner of the list gets no one-click reminder (the button says it instead).
OBJECTED = "objected"
ALREADY_TODAY = "already_today"
NOTHING_OPEN = "nothing_open"


def manual_reminder_blockers(
    assignments: list[Assignment], now: datetime | None = None
) -> dict[int, str]:
    """For the learners of these assignments, why a reminder cannot be sent now (learner id →
    OBJECTED, ALREADY_TODAY or NOTHING_OPEN); learners who may be reminded are absent."""
    day = paris_date(now or timezone.now()).isoformat()
    by_learner: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in assignments:
        by_learner[assignment.learner_id].append(assignment)
    open_rows = [a for a in assignments if a.status in OPEN]
    allowed = {a.learner_id for a in contactable(open_rows)}
    emails = {a.learner.email for a in assignments}
    reminded = set(
        Reminder.objects.filter(rule=Rule.MANUAL, period=day, to_email__in=emails).values_list(
            "to_email", flat=True
        )
    )
    blockers: dict[int, str] = {}
    for learner_id, rows in by_learner.items():
        if not any(a.status in OPEN for a in rows):
            blockers[learner_id] = NOTHING_OPEN
        elif learner_id not in allowed:
            blockers[learner_id] = OBJECTED
        elif rows[0].learner.email in reminded:
            blockers[learner_id] = ALREADY_TODAY
    return blockers


BLOCKER_REFUSALS: dict[str, Any] = {
    OBJECTED: gettext_lazy("This learner objected to reminders: none is sent."),
    ALREADY_TODAY: gettext_lazy("This learner was already reminded today: try again tomorrow."),
    NOTHING_OPEN: gettext_lazy("This learner has no training left to complete here."),
}


@transaction.atomic
def send_manual_reminder(
    *, assignments: list[Assignment], by: Membership, now: datetime | None = None
) -> int:
    """One reminder to one learner about their open assignments (of one scope), sent from the
    dashboard's learner list: recorded like the scheduler's, vetoed for learners who objected,
    once a day at most. Returns the number of trainings named; raises Refusal otherwise."""
    if not can_send_reminder(by):
        raise Forbidden(_("Your role does not allow sending reminders."))
    now = now or timezone.now()
    learners = {a.learner_id for a in assignments}
    if len(learners) != 1:
        raise Refusal(_("Choose one learner."), code="one_learner")
    learner = assignments[0].learner
    # One reminder per learner and day, even when two managers click at the same time.
    type(learner).objects.select_for_update().filter(pk=learner.pk).first()
    blocker = manual_reminder_blockers(assignments, now).get(learner.pk)
    if blocker:
        raise Refusal(str(BLOCKER_REFUSALS[blocker]), code=blocker)
    open_rows = [a for a in assignments if a.status in OPEN]
    day = paris_date(now).isoformat()
    Reminder.objects.bulk_create(
        [
            Reminder(
                organization_id=a.organization_id,
                engagement_id=a.engagement_id,
                rule=Rule.MANUAL,
                assignment=a,
                to_email=learner.email,
                period=day,
                sent_at=now,
            )
            for a in open_rows
        ]
    )
    body = render_to_string(
        "attendance/email/manual_reminder.txt",
        {
            "learner": learner,
            "rows": [(a, long_date(a.due_on) if a.due_on else "") for a in open_rows],
        },
    )
    message = EmailMessage(str(_("A reminder about your training")), body, None, [learner.email])
    record_event(
        organization=learner.organization,
        action="attendance.reminder_sent",
        actor=by,
        target=learner,
        after={"assignments": [a.pk for a in open_rows], "day": day},
    )
    transaction.on_commit(lambda: get_connection().send_messages([message]))
    return len(open_rows)


__all__ = [
    "due_reminders",
    "manual_reminder_blockers",
    "send_manual_reminder",
    "send_reminders",
]
