"""The privacy app's periodic jobs and background job kinds (found by autodiscovery)."""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from saveit.accounts.models import Membership, Organization
from saveit.accounts.roles import Role
from saveit.core.jobs import JobError, JobResult, Progress, register_job_kind
from saveit.core.models import BackgroundJob
from saveit.core.scheduler import job

from .breaches import hours_left, pending_notices
from .destruction import record_export
from .models import DataSubjectRequest
from .retention import purge
from .reversibility import write_export

WARN_DAYS = 7  # a request's handlers are told each day from a week before its deadline
WARN_HOURS = 12  # provider admins are told each hour from 12 h before a breach notice is due


@register_job_kind("privacy.reversibility")
def build_reversibility_export(job: BackgroundJob, progress: Progress) -> JobResult:
    organization = Organization.objects.filter(pk=job.organization_id or 0).first()
    if organization is None:
        raise JobError(_("This organisation no longer exists."))
    path = Path(tempfile.mkstemp(suffix=".zip")[1])
    result = write_export(organization, str(path), progress=lambda d, t, s: progress(d, t, step=s))
    record_export(
        organization=organization, manifest_sha256=result.manifest_sha256, counts=result.counts
    )
    return JobResult(
        path=path,
        filename=f"reversibilite-{organization.slug}.zip",
        content_type="application/zip",
    )


def _owners(organization_id: int) -> list[str]:
    return list(
        Membership.objects.filter(
            organization_id=organization_id, role=Role.CLIENT_OWNER, is_active=True
        ).values_list("user__email", flat=True)
    )


def _provider_admins() -> list[str]:
    return list(
        Membership.objects.filter(
            organization__kind="provider", role=Role.ADMIN, is_active=True
        ).values_list("user__email", flat=True)
    )


@job("privacy.request_deadlines", period="day")
def request_deadlines(now: datetime) -> str:
    """Tells a client's owners (and the provider's admins) of requests due within a week."""
    today = timezone.localdate(now)
    sent = 0
    for request in DataSubjectRequest.objects.filter(status="received").select_related(
        "organization"
    ):
        if request.days_left(today) > WARN_DAYS or request.last_warning_on == today:
            continue
        recipients = _owners(request.organization_id) + _provider_admins()
        with override("fr"):
            subject = _("Privacy request no. %(id)s: answer due on %(date)s") % {
                "id": request.pk,
                "date": request.deadline.strftime("%d/%m/%Y"),
            }
            body = _(
                "The request (%(kind)s) received on %(received)s must be answered by %(date)s."
            ) % {
                "kind": request.get_kind_display(),
                "received": timezone.localtime(request.received_at).strftime("%d/%m/%Y"),
                "date": request.deadline.strftime("%d/%m/%Y"),
            }
        if recipients:
            EmailMessage(subject, body, None, recipients).send()
            sent += 1
        request.last_warning_on = today
        request.save(update_fields=["last_warning_on"])
    return f"{sent} warnings"


@job("privacy.breach_deadlines", period="hour")
def breach_deadlines(now: datetime) -> str:
    """Warns the provider's admins of clients not told yet of a breach, 12 h before 48 h."""
    late = [
        (breach, organization, deadline)
        for breach, organization, deadline in pending_notices(now)
        if hours_left(deadline, now) <= WARN_HOURS
    ]
    recipients = _provider_admins()
    if late and recipients:
        with override("fr"):
            lines = [
                _("%(number)s: %(org)s to notify before %(when)s")
                % {
                    "number": breach.number,
                    "org": organization.name,
                    "when": timezone.localtime(deadline).strftime("%d/%m/%Y %H:%M"),
                }
                for breach, organization, deadline in late
            ]
            EmailMessage(_("Breach notices due"), "\n".join(lines), None, recipients).send()
    return f"{len(late)} notices due"


@job("privacy.retention_purge", period="day")
def retention_purge(now: datetime) -> str:
    reports = purge(dry_run=False, now=now)
    return ", ".join(f"{r.key}: {r.rows}" for r in reports if r.rows) or "nothing to purge"


__all__ = ["timedelta"]
