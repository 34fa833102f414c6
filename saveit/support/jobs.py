"""The support app's periodic jobs (found by saveit.core.scheduler's autodiscovery) and
background work (found by saveit.core.jobs's): a large SLA report rendered by the worker."""

from __future__ import annotations

from datetime import datetime

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
from saveit.core.scheduler import job

from .clock import PARIS
from .models import SlaReport, SupportContract
from .permissions import access_report
from .report import (
    REPORT_FORMATS,
    close_report,
    first_working_day,
    month_label,
    previous_month,
    report_file,
    report_filename,
)

REPORT_FILE_JOB = "support.report_file"


@job("support.monthly_reports", period="day")
def monthly_reports(now: datetime) -> str:
    """On the first working day of a month, close and send last month's report of every
    contract that had started by then (a report already closed is left as it is)."""
    today = now.astimezone(PARIS).date()
    if today != first_working_day(today):
        return "not the first working day of the month"
    month = previous_month(today)
    closed = 0
    for contract in SupportContract.objects.filter(starts_on__lt=today.replace(day=1)):
        if contract.ends_on is not None and contract.ends_on < month:
            continue
        _report, created = close_report(contract=contract, month=month, at=now)
        closed += created
    return f"{closed} report(s) closed for {month:%Y-%m}"


def request_report_file(*, report: SlaReport, fmt: str, by: Membership) -> BackgroundJob:
    """Queue the rendering of a report's PDF or XLSX; `by` alone follows the job, and may still
    read the report when it runs."""
    return start_job(
        kind=REPORT_FILE_JOB,
        organization_id=by.organization_id,
        requested_by=by.user_id,
        title=_("SLA report of %(month)s, %(contract)s (%(format)s)")
        % {
            "month": month_label(report.month),
            "contract": report.contract.reference,
            "format": fmt.upper(),
        },
        params={"member": by.pk, "report": report.pk, "fmt": fmt},
    )


@register_job_kind(REPORT_FILE_JOB)
def render_report_file(job: BackgroundJob, progress: Progress) -> JobResult:
    with still_allowed(_("You can no longer read this report.")):
        report = access_report(job_member(job), job.params["report"])
    fmt = job.params["fmt"]
    progress(0, 1, step=_("Rendering the report"))
    content = report_file(report, fmt)
    progress(1, 1)
    return file_result(
        [content],
        filename=report_filename(report, fmt),
        content_type=REPORT_FORMATS[fmt],
    )
