"""The learning app's background work (found by saveit.core.jobs's autodiscovery)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership
from saveit.core.errors import Refusal
from saveit.core.jobs import JobError, JobResult, Progress, register_job_kind
from saveit.core.models import BackgroundJob

from .models import PopulationImport
from .services import populations

IMPORT_JOB = "learning.population_import"


@register_job_kind(IMPORT_JOB)
def commit_population_import(job: BackgroundJob, progress: Progress) -> JobResult:
    """A large import, committed out of the request; a refusal is the job's stated failure."""
    progress(0, 1, step=_("Importing the learners"))
    batch = PopulationImport.objects.select_related("population").get(pk=job.params["batch"])
    by = Membership.objects.get(pk=job.params["member"])
    try:
        batch = populations.commit_import(
            batch=batch, by=by, skip_invalid=bool(job.params.get("skip_invalid"))
        )
    except Refusal as refusal:
        raise JobError(refusal.message) from refusal
    progress(1, 1, step=_("Import finished"))
    return JobResult(
        link=reverse("learning:import", args=[batch.pk]), link_label=_("See the import")
    )
