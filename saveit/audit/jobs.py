"""The audit app's periodic jobs (found by saveit.core.scheduler's autodiscovery) and background
work (found by saveit.core.jobs's): a large trail export, written by the worker with the same
function as an immediate download."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from saveit.accounts.models import Membership, Organization
from saveit.accounts.selectors import job_member
from saveit.core.jobs import (
    JobResult,
    Progress,
    file_result,
    register_job_kind,
    start_job,
    still_allowed,
)
from saveit.core.models import BackgroundJob
from saveit.core.scheduler import job

from .checkpoints import checkpoint_all
from .permissions import access_trail
from .trail import EXPORT_FORMATS, TrailFilters, export_chunks

TRAIL_EXPORT_JOB = "audit.trail_export"


@job("audit.chain_checkpoints", period="hour")
def chain_checkpoints(now: datetime) -> str:
    """Checkpoint every organisation's chain head that moved since its last checkpoint."""
    return checkpoint_all(now)


def request_trail_export(
    *, organization: Organization, filters: TrailFilters, fmt: str, filename: str, by: Membership
) -> BackgroundJob:
    """Queue the export of `organization`'s trail; `by` alone follows the job, and their right
    to read that trail is checked again when it runs."""
    return start_job(
        kind=TRAIL_EXPORT_JOB,
        organization_id=by.organization_id,
        requested_by=by.user_id,
        title=_("Audit trail of %(organization)s (%(format)s)")
        % {"organization": organization.name, "format": fmt.upper()},
        params={
            "member": by.pk,
            "organization": organization.pk,
            "filters": filters.as_query(),
            "fmt": fmt,
            "filename": filename,
        },
    )


@register_job_kind(TRAIL_EXPORT_JOB)
def write_trail_export(job: BackgroundJob, progress: Progress) -> JobResult:
    params = job.params
    with still_allowed(_("You can no longer read this audit trail.")):
        organization = access_trail(job_member(job), params["organization"])
    filters = TrailFilters.from_query(params["filters"])
    return file_result(
        export_chunks(organization, filters, params["fmt"], progress),
        filename=params["filename"],
        content_type=EXPORT_FORMATS[params["fmt"]],
    )
