"""Who may designate populations and assign modules; access_* fetch and check in one call."""

from __future__ import annotations

from functools import partial

from django.db.models import QuerySet
from django.http import Http404

from saveit.accounts.models import Membership
from saveit.accounts.roles import Role
from saveit.core.prepared import Prepared, first_row
from saveit.core.refusals import not_found
from saveit.engagements.models import Engagement
from saveit.engagements.permissions import (
    can_manage_engagement,
    engagements_visible_to,
    is_client_owner_of,
)

from .models import (
    Assignment,
    Attempt,
    Learner,
    Population,
    PopulationImport,
    RecertificationCampaign,
)


def can_deploy(member: Membership | None, engagement: Engagement) -> bool:
    """The client's content owner designates populations; the provider's PM may do it for them."""
    return is_client_owner_of(member, engagement) or can_manage_engagement(member)


def access_population(member: Membership | None, population_id: int) -> Population:
    population = (
        Population.objects.select_related("engagement__client")
        .filter(pk=population_id, engagement__in=engagements_visible_to(member))
        .first()
    )
    if population is None:
        raise not_found(Population, population_id)
    return population


def access_import(member: Membership | None, import_id: int) -> PopulationImport:
    batch = (
        PopulationImport.objects.select_related("population__engagement")
        .filter(pk=import_id, population__engagement__in=engagements_visible_to(member))
        .first()
    )
    if batch is None:
        raise not_found(PopulationImport, import_id)
    return batch


def access_learner(member: Membership | None, population: Population, learner_id: int) -> Learner:
    """A learner of the population, which the member must see (same 404 otherwise)."""
    if not engagements_visible_to(member).filter(pk=population.engagement_id).exists():
        raise Http404
    learner = population.learners.filter(pk=learner_id).first()
    if learner is None:
        raise not_found(Learner, learner_id)
    return learner


def access_campaign(member: Membership | None, campaign_id: int) -> RecertificationCampaign:
    campaign = (
        RecertificationCampaign.objects.select_related("module__engagement", "version")
        .filter(pk=campaign_id, module__engagement__in=engagements_visible_to(member))
        .first()
    )
    if campaign is None:
        raise not_found(RecertificationCampaign, campaign_id)
    return campaign


def is_learner(member: Membership | None) -> bool:
    return member is not None and member.is_current() and member.role == Role.LEARNER


def own_learner_records(member: Membership | None) -> list[Learner]:
    if not is_learner(member):
        return []
    assert member is not None
    return list(Learner.objects.filter(user_id=member.user_id, organization=member.organization))


def _own_assignment_query(
    assignment_id: int, user_id: int, organization_id: int, *, with_attestation: bool
) -> QuerySet[Assignment]:
    related = ["module_version__module", "learner", "engagement"]
    if with_attestation:
        related.append("attestation")  # the reverse one-to-one of certificates' Attestation
    return first_row(
        Assignment.objects.select_related(*related)
        .filter(pk=assignment_id, learner__user_id=user_id, organization_id=organization_id)
        # the current cycle only (Assignment.current: "Mes formations" lists no other)
        .filter(Assignment.current())
        # the snapshot is read once per process (catalog.snapshot.snapshot_of)
        .defer("module_version__snapshot")
    )


# Every learner page reads its assignment so: compiled once per process (issue 22).
_OWN_ASSIGNMENT = {
    attestation: Prepared(
        partial(_own_assignment_query, with_attestation=attestation),
        assignment_id=int,
        user_id=int,
        organization_id=int,
    )
    for attestation in (False, True)
}


def access_own_assignment(
    member: Membership | None, assignment_id: int, *, with_attestation: bool = False
) -> Assignment:
    """A learner reaches only their own assignments, in the organisation they act for.

    `with_attestation`: its attestation (if any) comes in the same query."""
    if not is_learner(member):
        raise not_found(Assignment, assignment_id)
    assert member is not None
    assignment = _OWN_ASSIGNMENT[with_attestation].first(
        assignment_id=assignment_id,
        user_id=member.user_id,
        organization_id=member.organization_id,
    )
    if assignment is None:
        raise not_found(Assignment, assignment_id)
    return assignment


def _own_attempt_query(assignment_id: int, number: int, user_id: int) -> QuerySet[Attempt]:
    return first_row(
        Attempt.objects.filter(
            assignment_id=assignment_id, number=number, assignment__learner__user_id=user_id
        )
    )


_OWN_ATTEMPT = Prepared(_own_attempt_query, assignment_id=int, number=int, user_id=int)


def access_own_attempt(member: Membership | None, assignment: Assignment, number: int) -> Attempt:
    """An attempt of the member's own assignment (same 404 for anyone else's)."""
    if member is None:
        raise Http404
    attempt = _OWN_ATTEMPT.first(assignment_id=assignment.pk, number=number, user_id=member.user_id)
    if attempt is None:
        raise Http404
    attempt.assignment = assignment  # as assignment.attempts would have set it
    return attempt
