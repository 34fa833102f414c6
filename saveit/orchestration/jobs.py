"""The orchestration app's background work (found by saveit.core.jobs's autodiscovery)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership
from saveit.core.errors import Refusal
from saveit.core.jobs import JobError, JobResult, Progress, register_job_kind
from saveit.core.models import BackgroundJob
from saveit.engagements.models import Engagement

from .services.closure import EVIDENCE_PACK_JOB, seal_evidence_pack


@register_job_kind(EVIDENCE_PACK_JOB)
def seal_pack(job: BackgroundJob, progress: Progress) -> JobResult:
    engagement = Engagement.objects.get(pk=job.params["engagement"])
    by = Membership.objects.select_related("user", "organization").get(pk=job.params["membership"])
    try:
        pack = seal_evidence_pack(engagement=engagement, by=by, progress=progress)
    except Refusal as refusal:
        raise JobError(refusal.message) from refusal
    return JobResult(
        link=reverse("engagements:evidence_pack", args=[engagement.pk, pack.revision]),
        link_label=_("Download the evidence pack (revision %(revision)s)")
        % {"revision": pack.revision},
    )
