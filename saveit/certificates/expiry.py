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
from saveit.learning.services.assignments import _invite_after_commit, create_assignments

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


@transaction.atomic
def reassign_expired(now: datetime) -> int:
    """Learners whose attestation expired get the module's active version again (once)."""
    today = paris_date(now)
    expired = _valid(today).filter(valid_until__lt=today).select_related("module_version")
    by_version: dict[int, set[int]] = {}
    for attestation in expired:
        active = ModuleVersion.objects.filter(
            module_id=attestation.module_version.module_id, status=ModuleVersion.Status.ACTIVE
        ).first()
        if active is None or active.pk == attestation.module_version_id:
            # The same version cannot be assigned twice to a learner (one row per learner and
            # version): re-certifying on an unchanged version waits for a new version.
            continue
        by_version.setdefault(active.pk, set()).add(attestation.learner_id)
    created = 0
    for version_id, learners in by_version.items():
        version = ModuleVersion.objects.select_related("module__engagement").get(pk=version_id)
        engagement = version.module.engagement
        has_it = set(
            Assignment.objects.filter(module_version=version).values_list("learner_id", flat=True)
        )
        learners -= has_it
        if not learners:
            continue
        campaign = RecertificationCampaign.objects.filter(version=version).first()
        if campaign is None:
            campaign = RecertificationCampaign.objects.create(
                organization_id=engagement.client_id,
                module_id=version.module_id,
                version=version,
                replaced_versions=[],
                due_on=today + timedelta(days=settings.RECERTIFICATION_DUE_DAYS),
                reason=EXPIRY,
            )
        ids = create_assignments(
            engagement=engagement,
            version=version,
            learner_ids=learners,
            due_on=campaign.due_on,
            by=None,
            campaign_id=campaign.pk,
        )
        record_event(
            organization=engagement.client,
            action="recertification.expiry",
            target=campaign,
            after={"version": version.pk, "assigned": len(ids)},
        )
        _invite_after_commit(ids)
        created += len(ids)
    return created


def run_expiry(now: datetime | None = None) -> str:
    now = now or timezone.now()
    return f"{expiry_reminders(now)} expiry reminders, {reassign_expired(now)} re-assigned"
