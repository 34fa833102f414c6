"""Re-certification at expiry (SPEC §9): reminders before an attestation's validity ends, and at
its end the module's active version assigned again, in a campaign whose reason is "expiry"."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from saveit.attendance.models import Reminder
from saveit.attendance.selectors import contactable, terms_for_client
from saveit.audit.chain import record_event
from saveit.catalog.models import ModuleVersion
from saveit.core.dates import long_date, paris_date
from saveit.learning.models import Assignment, RecertificationCampaign
from saveit.learning.services.assignments import (
    _invite_after_commit,
    assign_again,
    create_assignments,
)

from .models import Attestation

EXPIRY = "expiry"


def _valid(today: date) -> QuerySet[Attestation]:
    return Attestation.objects.filter(revoked_at__isnull=True, valid_until__isnull=False)


@transaction.atomic
def expiry_reminders(now: datetime) -> int:
    """One reminder per attestation and validity end, within the client's notice period."""
    today = paris_date(now)
    soon = (
        _valid(today)
        .filter(valid_until__gte=today, valid_until__lte=today + timedelta(days=365))
        .select_related("assignment__learner", "assignment__engagement", "module_version")
    )
    due = []
    for attestation in soon:
        if attestation.valid_until is None:  # excluded by the query
            continue
        notice = terms_for_client(attestation.organization_id).expiry_notice_days
        if attestation.valid_until > today + timedelta(days=notice):
            continue
        period = f"expiry:{attestation.valid_until.isoformat()}"
        if Reminder.objects.filter(
            rule=Reminder.Rule.EXPIRY_SOON, assignment_id=attestation.assignment_id, period=period
        ).exists():
            continue
        due.append((attestation, period))
    allowed = {a.pk for a in contactable(att.assignment for att, _p in due)}
    messages = []
    for attestation, period in due:
        if attestation.assignment_id not in allowed:
            continue
        learner = attestation.assignment.learner
        body = render_to_string(
            "certificates/email/expiry.txt",
            {
                "learner": learner,
                "title": attestation.module_version.title,
                "valid_until": long_date(attestation.valid_until),
            },
        )
        messages.append(
            EmailMessage(_("Your attestation expires soon"), body, None, [learner.email])
        )
        Reminder.objects.create(
            organization_id=attestation.organization_id,
            engagement_id=attestation.assignment.engagement_id,
            rule=Reminder.Rule.EXPIRY_SOON,
            assignment_id=attestation.assignment_id,
            to_email=learner.email,
            period=period,
            sent_at=now,
        )
    if messages:
        transaction.on_commit(lambda: get_connection().send_messages(messages))
    return len(messages)


def _active_versions(module_ids: set[int]) -> dict[int, ModuleVersion]:
    active = ModuleVersion.objects.filter(
        module_id__in=module_ids, status=ModuleVersion.Status.ACTIVE
    ).select_related("module__engagement")
    return {version.module_id: version for version in active.order_by("pk")}


def _expiry_campaign(version: ModuleVersion, due_on: date) -> RecertificationCampaign:
    """The one expiry campaign of the version; its due date follows the latest assignment."""
    campaign, made = RecertificationCampaign.objects.get_or_create(
        version=version,
        kind=RecertificationCampaign.Kind.EXPIRY,
        defaults={
            "organization_id": version.module.engagement.client_id,
            "module_id": version.module_id,
            "replaced_versions": [],
            "due_on": due_on,
            "reason": EXPIRY,
        },
    )
    if not made and campaign.due_on < due_on:
        campaign.due_on = due_on
        campaign.save(update_fields=["due_on"])
    return campaign


@transaction.atomic
def reassign_expired(now: datetime) -> int:
    """Learners whose attestation expired get the module's active version again (once): a new
    version as a new assignment, the same version as a new cycle of it (the expired assignment
    and its attestation kept as they are, as history)."""
    today = paris_date(now)
    expired = list(
        _valid(today)
        .filter(valid_until__lt=today, assignment__superseded_at__isnull=True)
        .select_related("module_version", "assignment")
    )
    active = _active_versions({a.module_version.module_id for a in expired})
    other: dict[int, set[int]] = {}  # active version → learners certified on an older one
    same: dict[int, set[int]] = {}  # active version → learners to take it again
    for attestation in expired:
        version = active.get(attestation.module_version.module_id)
        if version is None:
            continue
        if version.pk == attestation.module_version_id:
            same.setdefault(version.pk, set()).add(attestation.learner_id)
        else:
            other.setdefault(version.pk, set()).add(attestation.learner_id)
    versions = {version.pk: version for version in active.values()}
    due_on = today + timedelta(days=settings.RECERTIFICATION_DUE_DAYS)
    created = 0
    for version_id in sorted(set(other) | set(same)):
        version = versions[version_id]
        engagement = version.module.engagement
        learners = other.get(version_id, set()) - set(
            Assignment.objects.filter(module_version=version).values_list("learner_id", flat=True)
        )
        again = same.get(version_id, set())
        if not learners and not again:
            continue
        campaign = _expiry_campaign(version, due_on)
        ids = create_assignments(
            engagement=engagement,
            version=version,
            learner_ids=learners,
            due_on=due_on,
            by=None,
            campaign_id=campaign.pk,
        )
        new_cycles = assign_again(
            engagement=engagement,
            version=version,
            learner_ids=again,
            due_on=due_on,
            campaign_id=campaign.pk,
        )
        if not ids and not new_cycles:
            continue
        record_event(
            organization=engagement.client,
            action="recertification.expiry",
            target=campaign,
            after={
                "version": version.pk,
                "assigned": len(ids),
                "assigned_again": len(new_cycles),
            },
        )
        _invite_after_commit(ids + new_cycles)
        created += len(ids) + len(new_cycles)
    return created


def run_expiry(now: datetime | None = None) -> str:
    now = now or timezone.now()
    return f"{expiry_reminders(now)} expiry reminders, {reassign_expired(now)} re-assigned"
