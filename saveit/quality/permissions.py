"""Who reads and writes the quality records (SPEC §11).

- the provider's admins and quality managers manage them;
- other provider staff read them (the home, the self-assessment, the registers);
- an auditor invited on the provider with the QUALITY scope reads them and the binder until the
  invitation's end date;
- a client's owner and managers read their own organisation's complaints and survey results
  (respondents anonymous unless they agreed); a learner reads the complaints they filed;
- nobody outside the provider ever reads the self-assessment.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from saveit.accounts.models import Membership, Organization
from saveit.accounts.roles import AuditorScope, Role, is_provider_staff
from saveit.core.refusals import get_in_scope

from .models import Audit, Complaint, ImprovementAction, NonConformity, OfferSheet, SurveyRequest

MANAGER_ROLES = frozenset({Role.ADMIN, Role.QUALITY_MANAGER})
CLIENT_READER_ROLES = frozenset({Role.CLIENT_OWNER, Role.CLIENT_MANAGER})


def is_quality_auditor(member: Membership | None) -> bool:
    return (
        member is not None
        and member.role == Role.AUDITOR
        and member.scope == AuditorScope.QUALITY
        and member.organization.is_provider
        and member.is_current()
    )


def can_manage_quality(member: Membership | None) -> bool:
    return is_provider_staff(member) and member is not None and member.role in MANAGER_ROLES


def can_read_quality(member: Membership | None) -> bool:
    """The provider's own records: self-assessment, registers, audits, the binder."""
    return is_provider_staff(member) or is_quality_auditor(member)


def is_client_reader(member: Membership | None) -> bool:
    return (
        member is not None
        and member.is_current()
        and member.role in CLIENT_READER_ROLES
        and not member.organization.is_provider
    )


def quality_provider(member: Membership | None) -> Organization:
    """The provider whose quality records the member reads; 404 for anyone else."""
    if not can_read_quality(member):
        raise Http404
    assert member is not None
    return member.organization


def managed_provider(member: Membership | None) -> Organization:
    if not can_read_quality(member):
        raise Http404
    if not can_manage_quality(member):
        raise PermissionDenied
    assert member is not None
    return member.organization


def complaints_visible_to(member: Membership | None) -> QuerySet[Complaint]:
    qs = Complaint.objects.select_related("client", "engagement")
    if member is None or not member.is_current():
        return qs.none()
    if can_read_quality(member):
        return qs.filter(organization=member.organization)
    if is_client_reader(member):
        return qs.filter(client=member.organization)
    if member.role == Role.LEARNER:
        return qs.filter(filed_by_id=member.user_id)
    return qs.none()


def access_complaint(
    member: Membership | None, complaint_id: int, *, manage: bool = False
) -> Complaint:
    complaint = get_in_scope(complaints_visible_to(member), complaint_id)
    if manage and not can_manage_quality(member):
        raise PermissionDenied
    return complaint


def survey_requests_visible_to(member: Membership | None) -> QuerySet[SurveyRequest]:
    qs = SurveyRequest.objects.all()
    if can_read_quality(member):
        assert member is not None
        return qs.filter(organization=member.organization)
    if is_client_reader(member):
        assert member is not None
        return qs.filter(client=member.organization)
    return qs.none()


def my_survey_requests(member: Membership | None) -> QuerySet[SurveyRequest]:
    if member is None or not member.is_current():
        return SurveyRequest.objects.none()
    return SurveyRequest.objects.filter(user_id=member.user_id).filter(
        Q(client=member.organization) | Q(client__isnull=True)
    )


def access_my_survey(member: Membership | None, request_id: int) -> SurveyRequest:
    return get_in_scope(my_survey_requests(member), request_id)


def access_action(
    member: Membership | None, action_id: int, *, manage: bool = False
) -> ImprovementAction:
    provider = quality_provider(member)
    action = get_in_scope(
        ImprovementAction.objects.filter(organization=provider).select_related("owner__user"),
        action_id,
    )
    if manage and not can_manage_quality(member):
        raise PermissionDenied
    return action


def access_audit(member: Membership | None, audit_id: int, *, manage: bool = False) -> Audit:
    provider = quality_provider(member)
    audit = get_in_scope(
        Audit.objects.filter(organization=provider).select_related("framework"), audit_id
    )
    if manage and not can_manage_quality(member):
        raise PermissionDenied
    return audit


def access_nonconformity(member: Membership | None, nc_id: int) -> NonConformity:
    provider = quality_provider(member)
    nc = get_in_scope(NonConformity.objects.filter(organization=provider), nc_id)
    if not can_manage_quality(member):
        raise PermissionDenied
    return nc


def access_offer(member: Membership | None, offer_id: int, *, manage: bool = False) -> OfferSheet:
    provider = quality_provider(member)
    sheet = get_in_scope(OfferSheet.objects.filter(organization=provider), offer_id)
    if manage and not can_manage_quality(member):
        raise PermissionDenied
    return sheet
