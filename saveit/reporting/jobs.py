"""The reporting app's background work (found by saveit.core.jobs's autodiscovery): large
dashboard exports, written by the worker with the same function as an immediate download."""

from __future__ import annotations

from django.utils.translation import gettext as _

from saveit.accounts.models import Membership
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

from .exports import CONTENT_TYPES, Export, export_chunks
from .forms import FilterForm
from .permissions import client_scope, engagement_scope
from .selectors import Scope

EXPORT_JOB = "reporting.export"


def request_export(*, export: Export, by: Membership, title: str) -> BackgroundJob:
    """Queue `export` for the worker; `by` alone follows the job (for the organisation they act
    for), and the scope is checked again for them when the job runs."""
    scope = export.scope
    return start_job(
        kind=EXPORT_JOB,
        organization_id=by.organization_id,
        requested_by=by.user_id,
        title=title,
        params={
            "member": by.pk,
            "organization": scope.organization_id,
            "engagement": scope.engagement_id,
            "filters": export.filters.as_query(),
            "table": export.table,
            "fmt": export.fmt,
            "subtitle": export.subtitle,
            "filename": export.filename,
        },
    )


def _scope(params: dict, member: Membership | None) -> Scope:
    """The export's scope, reached again through the access helpers for the member who asked."""
    with still_allowed(_("You can no longer read this dashboard.")):
        if params["engagement"] is not None:
            return engagement_scope(member, params["engagement"])
        return client_scope(member, params["organization"])[0]


@register_job_kind(EXPORT_JOB)
def write_export(job: BackgroundJob, progress: Progress) -> JobResult:
    params = job.params
    scope = _scope(params, job_member(job))
    filters = FilterForm(params["filters"], scope=scope).filters()
    export = Export(
        scope, filters, params["table"], params["fmt"], params["subtitle"], params["filename"]
    )
    return file_result(
        export_chunks(export, progress),
        filename=export.filename,
        content_type=CONTENT_TYPES[export.fmt],
    )
