"""Reads of accounts data, always scoped to what the asking membership may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from saveit.core.prepared import Prepared

from .models import ApiToken, AttestationSignature, Invitation, Membership, Organization, User
from .roles import OrganizationKind, Role, is_provider_admin


def _current_memberships_query(user_id: int, now: dt.datetime) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user_id=user_id, is_active=True, organization__is_active=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .select_related("organization")
        .order_by("organization__kind", "organization__name", "role")
    )


# Read on every signed-in request: compiled once per process (issue 22).
_CURRENT_MEMBERSHIPS = Prepared(_current_memberships_query, user_id=int, now=dt.datetime)
_CURRENT_MEMBERSHIPS_WITH_USER = Prepared(
    lambda user_id, now: _current_memberships_query(user_id, now).select_related("user"),
    user_id=int,
    now=dt.datetime,
)
# Where signed_in_user leaves the memberships it read with the user, for this request only.
_READ_WITH_USER = "_current_memberships_read_with_user"


def signed_in_user(user_id: int) -> User | None:
    """The user of a session and their current memberships, in one query when they have any
    (issue 22: one round trip fewer on every signed-in request); the memberships are handed to
    the first current_memberships(user) of the request, the one ActiveMembershipMiddleware
    makes. A user without a current membership is read on its own."""
    memberships = _CURRENT_MEMBERSHIPS_WITH_USER.all(user_id=user_id, now=timezone.now())
    if not memberships:
        return User.objects.filter(pk=user_id).first()
    user = memberships[0].user
    for membership in memberships:
        membership.user = user
    setattr(user, _READ_WITH_USER, memberships)
    return user


def current_memberships(user: User) -> list[Membership]:
    """Read on every request (ActiveMembershipMiddleware): `user` is the row just read, so its
    is_active is current and it serves as each membership's user (no join back to it)."""
    read_with_user = getattr(user, _READ_WITH_USER, None)  # through request.user's proxy
    if read_with_user is not None:
        delattr(user, _READ_WITH_USER)
    if not user.is_active:
        return []
    if read_with_user is not None:
        return read_with_user
    memberships = _CURRENT_MEMBERSHIPS.all(user_id=user.pk, now=timezone.now())
    for membership in memberships:
        membership.user = user
    return memberships


def job_member(job: Any) -> Membership | None:
    """The membership a background job was asked for (params["member"]), when it still belongs
    to the person who started the job and is current: the job checks its access with it."""
    member = (
        Membership.objects.select_related("organization", "user")
        .filter(pk=job.params.get("member"), user_id=job.requested_by_id)
        .first()
    )
    return member if member is not None and member.is_current() else None


def organizations_visible_to(member: Membership | None) -> QuerySet[Organization]:
    """Provider admins see every organisation; anyone else only their own."""
    if member is None:
        return Organization.objects.none()
    if is_provider_admin(member):
        return Organization.objects.all()
    return Organization.objects.filter(pk=member.organization_id)


def members_of(organization: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("-is_active", "user__last_name", "user__first_name", "role")
    )


def invitations_of(organization: Organization) -> QuerySet[Invitation]:
    return Invitation.objects.filter(organization=organization).select_related("invited_by__user")


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(membership__user=user).select_related("membership__organization")


def provider_organization() -> Organization | None:
    """The installation's provider (the issuer of every document), if it is set up."""
    return (
        Organization.objects.filter(kind=OrganizationKind.PROVIDER, is_active=True)
        .order_by("pk")
        .first()
    )


def attestation_signature_of(organization: Organization) -> AttestationSignature | None:
    """How the provider signs its attestations, if it said so."""
    return AttestationSignature.objects.filter(organization=organization).first()


def provider_admins() -> list[Membership]:
    """The provider's current administrators (the one rule: roles.is_provider_admin)."""
    candidates = Membership.objects.filter(role=Role.ADMIN, is_active=True).select_related(
        "user", "organization"
    )
    return [member for member in candidates if is_provider_admin(member)]
