"""Reads for the deployment and learner pages, scoped by the engagement or the learner."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from saveit.catalog.models import ModuleVersion
from saveit.engagements.models import Engagement

from . import staging
from .importing import LearnerRow, parse_population_file
from .models import (
    Assignment,
    Attempt,
    Learner,
    Population,
    PopulationImport,
    RecertificationCampaign,
)

Status = Assignment.Status


def populations_of(engagement: Engagement) -> QuerySet[Population]:
    return engagement.populations.annotate(size=Count("members")).order_by("name")


def members_of(population: Population, query: str = "") -> QuerySet[Learner]:
    learners = population.learners.all()
    if query:
        learners = learners.filter(
            Q(last_name__icontains=query)
            | Q(first_name__icontains=query)
            | Q(email__icontains=query)
            | Q(employee_id__icontains=query)
            | Q(site__icontains=query)
        )
    return learners.order_by("last_name", "first_name", "pk")


def populations_of_learner(learner: Learner, engagement: Engagement) -> QuerySet[Population]:
    """The engagement's populations this person belongs to (a record is shared by them all)."""
    return engagement.populations.filter(members__learner=learner).order_by("name")


def learners_by_email(engagement: Engagement, emails: list[str]) -> dict[str, int]:
    return dict(
        Learner.objects.filter(organization_id=engagement.client_id, email__in=emails).values_list(
            "email", "pk"
        )
    )


def version_progress(engagement: Engagement) -> list[dict[str, Any]]:
    """Per module version with assignments: counts by status (the dashboards of issue 6 go on)."""
    rows = (
        Assignment.objects.filter(engagement=engagement)
        .values("module_version")
        .annotate(
            total=Count("pk", filter=~Q(status=Status.REPLACED)),
            passed=Count("pk", filter=Q(status=Status.PASSED)),
            failed=Count("pk", filter=Q(status=Status.FAILED)),
            in_progress=Count("pk", filter=Q(status=Status.IN_PROGRESS)),
            not_started=Count("pk", filter=Q(status=Status.ASSIGNED)),
            replaced=Count("pk", filter=Q(status=Status.REPLACED)),
        )
    )
    versions = ModuleVersion.objects.in_bulk([r["module_version"] for r in rows])
    result = [dict(r, version=versions[r["module_version"]]) for r in rows]
    return sorted(
        result, key=lambda r: (r["version"].module.code, r["version"].major, r["version"].minor)
    )


STILL_ON_OLD_LISTED = 200  # names listed per campaign; the count is always the true one


def campaigns_of(engagement: Engagement) -> list[dict[str, object]]:
    """Each campaign with who is still on an old version (not yet passed the new one): how
    many, and the first of them by name."""
    campaigns = RecertificationCampaign.objects.filter(
        module__engagement=engagement
    ).select_related("version__module")
    rows = []
    for campaign in campaigns:
        new = campaign.assignments.filter(superseded_at__isnull=True)  # current cycles
        still_on_old = new.exclude(status=Status.PASSED)
        rows.append(
            {
                "campaign": campaign,
                "assigned": new.count(),
                "passed": new.filter(status=Status.PASSED).count(),
                "still_on_old_count": still_on_old.count(),
                "still_on_old": list(
                    still_on_old.select_related("learner").order_by(
                        "learner__last_name", "learner__first_name", "pk"
                    )[:STILL_ON_OLD_LISTED]
                ),
            }
        )
    return rows


def my_assignments(user_id: int, organization_id: int) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(
            learner__user_id=user_id, organization_id=organization_id, superseded_at__isnull=True
        )
        .exclude(status=Status.REPLACED)
        # the attestation: certificates' reverse one-to-one, read by "Mes formations"
        .select_related("module_version__module", "engagement", "learner", "attestation")
        .order_by("status", "due_on", "pk")
    )


def attempts_of(assignment: Assignment) -> QuerySet[Attempt]:
    return assignment.attempts.order_by("number")


def import_sample(batch: PopulationImport, count: int) -> list[LearnerRow]:
    """The first valid rows of a previewed file, as the preview kept them (read from the file
    itself for a preview made before the rows were kept)."""
    if not batch.rows_file:
        with batch.file.open("rb") as handle:
            return parse_population_file(handle.read(), batch.filename).rows[:count]
    with batch.rows_file.open("rb") as handle:
        data = handle.read()
    binding = staging.Binding(batch.organization_id, batch.population_id, batch.sha256)
    try:
        staged = staging.read(data, sha256=batch.rows_sha256, binding=binding)
    except staging.StagedRowsChanged:
        return []
    return staging.rows(staged.body, count)
