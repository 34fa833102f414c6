"""Periodic quality work (run by `manage.py run_due_jobs`, once per period)."""

from __future__ import annotations

from datetime import datetime

from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership
from saveit.accounts.selectors import provider_organization
from saveit.core.jobs import JobResult, Progress, register_job_kind
from saveit.core.models import BackgroundJob
from saveit.core.scheduler import job

from .audits import warnings_due
from .permissions import MANAGER_ROLES
from .services import refresh_evidence
from .surveys import remind_surveys, request_cold_surveys


@job("quality.refresh_evidence", period="day")
def refresh(now: datetime) -> str:
    provider = provider_organization()
    if provider is None:
        return "no provider"
    return f"{refresh_evidence(provider=provider, now=now)} evidence links"


@job("quality.cold_surveys", period="day")
def cold_surveys(now: datetime) -> str:
    return f"{request_cold_surveys(now=now)} cold surveys requested"


@job("quality.survey_reminders", period="day")
def survey_reminders(now: datetime) -> str:
    return f"{remind_surveys(today=timezone.localdate(now))} reminders sent"


@job("quality.deadline_warnings", period="day")
def deadline_warnings(now: datetime) -> str:
    """Warns the quality managers 30 and 7 days before each deadline and on the day (the job
    runs once a day, so each warning goes once)."""
    provider = provider_organization()
    if provider is None:
        return "no provider"
    today = timezone.localdate(now)
    due = warnings_due(provider, today)
    if not due:
        return "nothing due"
    recipients = [
        m.user.email
        for m in Membership.objects.filter(
            organization=provider, role__in=MANAGER_ROLES, is_active=True
        ).select_related("user")
    ]
    lines = [f"- {d.label} : {d.due_on.strftime('%d/%m/%Y')}" for d in due]
    send_mail(
        _("Quality deadlines approaching"), "\n".join(lines), None, recipients, fail_silently=True
    )
    return f"{len(due)} warnings to {len(recipients)} managers"


@register_job_kind("quality.binder")
def build_binder_job(job: BackgroundJob, progress: Progress) -> JobResult:
    """The audit binder of a framework (or of one indicator), sealed, with progress."""
    from saveit.accounts.models import Organization

    from .binder import build_to_temp
    from .models import Framework

    params = job.params
    provider = Organization.objects.get(pk=params["provider"])
    framework = Framework.objects.get(code=params["framework"])
    number = params.get("indicator")
    refresh_evidence(provider=provider, framework=framework)
    path = build_to_temp(
        provider=provider,
        framework=framework,
        indicator_number=number,
        tick=lambda done, total, ref: progress(
            done, total, step=_("Indicator %(ref)s") % {"ref": ref}
        ),
    )
    name = f"classeur-{framework.code}" + (f"-indicateur-{number}" if number else "") + ".zip"
    return JobResult(path=path, filename=name, content_type="application/zip")
