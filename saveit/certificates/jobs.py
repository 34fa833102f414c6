"""The certificates app's periodic jobs (found by saveit.core.scheduler's autodiscovery) and
background work (found by saveit.core.jobs's autodiscovery)."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

from django.utils.translation import gettext as _

from saveit.accounts.models import Membership
from saveit.core.jobs import JobError, JobResult, Progress, register_job_kind, start_job
from saveit.core.models import BackgroundJob
from saveit.core.scheduler import job
from saveit.engagements.models import Engagement

from . import selectors
from .bulk import write_attestations_zip
from .expiry import run_expiry

ATTESTATIONS_ZIP_JOB = "certificates.attestations_zip"


def request_attestations_zip(*, engagement: Engagement, by: Membership) -> BackgroundJob:
    """The zip of the engagement's attestations, built by the worker (SPEC §15: thousands of
    PDFs are minutes of work). `by`: the member allowed to download them, who alone follows
    the job (in the organisation they act for)."""
    return start_job(
        kind=ATTESTATIONS_ZIP_JOB,
        organization_id=by.organization_id,
        requested_by=by.user_id,
        title=_("Attestations of %(reference)s (zip)") % {"reference": engagement.reference},
        params={"engagement": engagement.pk},
    )


@register_job_kind(ATTESTATIONS_ZIP_JOB)
def attestations_zip(job: BackgroundJob, progress: Progress) -> JobResult:
    engagement = Engagement.objects.filter(pk=job.params["engagement"]).first()
    if engagement is None:
        raise JobError(_("The engagement no longer exists."))
    attestations = selectors.attestations_of_engagement(engagement).order_by("number")
    progress(0, attestations.count(), step=_("Rendering the attestations"))
    with tempfile.NamedTemporaryFile(suffix=".zip", delete=False) as archive:
        write_attestations_zip(attestations, archive, progress=progress)
    return JobResult(
        path=Path(archive.name),
        filename=f"attestations-{engagement.reference}.zip",
        content_type="application/zip",
    )


@job("certificates.expiry", period="day")
def expiry(now: datetime) -> str:
    """Reminders before attestations expire; the active version assigned again at expiry."""
    return run_expiry(now)
