"""The documents app's background work (found by saveit.core.jobs's autodiscovery)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from saveit.core.errors import Refusal
from saveit.core.jobs import JobError, Progress, register_job_kind
from saveit.core.models import BackgroundJob

from .services import EXTRACTION_JOB, analyse_pending_version


@register_job_kind(EXTRACTION_JOB)
def analyse_version(job: BackgroundJob, progress: Progress) -> None:
    """Analyse one large upload; a refusal (damaged, too complex) is the job's stated failure."""
    progress(0, 1, step=_("Analysing the file"))
    try:
        analyse_pending_version(int(job.params["version"]))
    except Refusal as refusal:
        raise JobError(refusal.message) from refusal
    progress(1, 1, step=_("Analysis finished"))
