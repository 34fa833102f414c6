"""Reads for the deployment and learner pages, scoped by the engagement or the learner."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from saveit.catalog.models import ModuleVersion
from saveit.core.prepared import Prepared, first_row
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
    """Per module version with assignments: counts by status (the dashboards of issue 6 go on).
    A learner's earlier cycles of a version (superseded at re-certification) are not counted
    again beside the current one."""
    rows = (
        Assignment.objects.filter(engagement=engagement, superseded_at__isnull=True)
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
            Assignment.current(), learner__user_id=user_id, organization_id=organization_id
        )
        # the attestation: certificates' reverse one-to-one, read by "Mes formations"
        .select_related("module_version__module", "engagement", "learner", "attestation")
        # the snapshot is read once per process (catalog.snapshot.snapshot_of)
        .defer("module_version__snapshot")
        .order_by("status", "due_on", "pk")
    )


# "Mes formations" reads them on each visit: compiled once per process (issue 22).
_MY_ASSIGNMENTS = Prepared(my_assignments, user_id=int, organization_id=int)


def my_assignment_list(user_id: int, organization_id: int) -> list[Assignment]:
    """my_assignments, read without compiling its SQL again."""
    return _MY_ASSIGNMENTS.all(user_id=user_id, organization_id=organization_id)


def attempts_of(assignment: Assignment) -> QuerySet[Attempt]:
    return assignment.attempts.order_by("number")


def _attempts_query(assignment_id: int) -> QuerySet[Attempt]:
    return Attempt.objects.filter(assignment_id=assignment_id).order_by("number")


def _open_attempt_query(assignment_id: int) -> QuerySet[Attempt]:
    return first_row(
        Attempt.objects.filter(assignment_id=assignment_id, status=Attempt.Status.OPEN)
    )


_ATTEMPTS = Prepared(_attempts_query, assignment_id=int)
_OPEN_ATTEMPT = Prepared(_open_attempt_query, assignment_id=int)


def attempt_list(assignment: Assignment) -> list[Attempt]:
    """attempts_of as a list, read without compiling its SQL again (the training page)."""
    attempts = _ATTEMPTS.all(assignment_id=assignment.pk)
    for attempt in attempts:
        attempt.assignment = assignment  # as assignment.attempts would have set it
    return attempts


def open_attempt(assignment: Assignment) -> Attempt | None:
    """The assignment's open attempt, if any (the assessment page)."""
    attempt = _OPEN_ATTEMPT.first(assignment_id=assignment.pk)
    if attempt is not None:
        attempt.assignment = assignment
    return attempt


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
