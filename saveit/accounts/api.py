from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from pydantic import EmailStr

from saveit.accounts.permissions import acting_member
from saveit.core.api_support import COMMON_ERRORS, ErrorOut

from . import services
from .models import ApiToken, Invitation, Membership, Organization
from .permissions import (
    access_invitation,
    access_membership,
    access_organization,
    access_own_token,
    can_manage_organizations,
)
from .roles import AuditorScope, OrganizationKind, Role
from .selectors import invitations_of, members_of, organizations_visible_to, tokens_of
from .services import TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS

router = Router(tags=["organisations and members"])
WRITE_ERRORS = {**COMMON_ERRORS, 409: ErrorOut}


class MembershipOut(Schema):
    id: int
    organization_id: int
    organization_slug: str = Field(..., alias="organization.slug")
    role: Role
    is_active: bool
    expires_at: datetime | None
    scope: str


class MeOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str
    acting_as: MembershipOut


class OrganizationOut(Schema):
    id: int
    kind: OrganizationKind
    name: str
    slug: str
    siren: str
    vat_number: str
    address: str
    legal_form: str
    share_capital: Decimal | None
    rcs_city: str


class OrganizationIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    kind: OrganizationKind
    siren: str = Field("", max_length=11)
    vat_number: str = Field("", max_length=24)
    address: str = Field("", max_length=2000)
    legal_form: str = Field("", max_length=60)
    share_capital: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    rcs_city: str = Field("", max_length=80)


class OrganizationPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    siren: str | None = Field(None, max_length=11)
    vat_number: str | None = Field(None, max_length=24)
    address: str | None = Field(None, max_length=2000)
    legal_form: str | None = Field(None, max_length=60)
    share_capital: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    rcs_city: str | None = Field(None, max_length=80)


class MemberOut(Schema):
    id: int
    user_id: int
    email: str = Field(..., alias="user.email")
    first_name: str = Field(..., alias="user.first_name")
    last_name: str = Field(..., alias="user.last_name")
    role: Role
    is_active: bool


class MembershipPatch(Schema):
    role: Role | None = None
    is_active: bool | None = None


class InvitationIn(Schema):
    email: EmailStr
    role: Role
    access_ends_on: date | None = Field(
        None, description="Auditors (required): the last day of their access, within one year."
    )
    scope: AuditorScope | None = Field(
        None,
        description="Auditors (required): `engagement` (give engagement_id) or `quality` "
        "(accepted now, opens the quality records once they exist).",
    )
    engagement_id: int | None = Field(None, description="Auditors with the engagement scope.")


class InvitationOut(Schema):
    id: int
    email: str
    role: Role
    status: str
    created_at: datetime
    expires_at: datetime
    access_ends_on: date | None
    scope: str
    scope_object_id: int | None


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    days: int = Field(
        TOKEN_DEFAULT_DAYS, ge=1, le=TOKEN_MAX_DAYS, description="Lifetime in days (1 to 365)."
    )


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    organization_id: int = Field(..., alias="membership.organization_id")
    role: Role = Field(..., alias="membership.role")
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class IssuedTokenOut(TokenOut):
    token: str


@router.get("/me", response={200: MeOut, **COMMON_ERRORS})
def me(request: HttpRequest) -> dict[str, object]:
    member = acting_member(request)
    user = member.user
    return {
        "id": user.pk,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "acting_as": member,
    }


@router.get("/organizations", response={200: list[OrganizationOut], **COMMON_ERRORS})
def list_organizations(request: HttpRequest) -> QuerySet[Organization]:
    return organizations_visible_to(acting_member(request)).order_by("name")


@router.post("/organizations", response={201: OrganizationOut, **WRITE_ERRORS})
def create_organization(request: HttpRequest, payload: OrganizationIn) -> tuple[int, Organization]:
    member = acting_member(request)
    if not can_manage_organizations(member):
        raise PermissionDenied
    return 201, services.create_organization(by=member, **payload.dict())


@router.get("/organizations/{org_id}", response={200: OrganizationOut, **COMMON_ERRORS})
def get_organization(request: HttpRequest, org_id: int) -> Organization:
    return access_organization(acting_member(request), org_id)


@router.patch("/organizations/{org_id}", response={200: OrganizationOut, **WRITE_ERRORS})
def update_organization(
    request: HttpRequest, org_id: int, payload: OrganizationPatch
) -> Organization:
    member = acting_member(request)
    organization = access_organization(member, org_id, manage=True)
    fields = {k: v for k, v in payload.dict().items() if v is not None}
    return services.update_organization(organization=organization, by=member, **fields)


@router.get("/organizations/{org_id}/members", response={200: list[MemberOut], **COMMON_ERRORS})
def list_members(request: HttpRequest, org_id: int) -> QuerySet[Membership]:
    return members_of(access_organization(acting_member(request), org_id))


@router.patch("/memberships/{membership_id}", response={200: MemberOut, **WRITE_ERRORS})
def update_membership(
    request: HttpRequest, membership_id: int, payload: MembershipPatch
) -> Membership:
    member = acting_member(request)
    target = access_membership(member, membership_id)
    if payload.role is not None:
        target = services.change_member_role(membership=target, role=payload.role, by=member)
    if payload.is_active is not None:
        target = services.set_membership_active(
            membership=target, active=payload.is_active, by=member
        )
    return target


@router.get(
    "/organizations/{org_id}/invitations", response={200: list[InvitationOut], **COMMON_ERRORS}
)
def list_invitations(request: HttpRequest, org_id: int) -> QuerySet[Invitation]:
    organization = access_organization(acting_member(request), org_id, manage=True)
    return invitations_of(organization)


@router.post("/organizations/{org_id}/invitations", response={201: InvitationOut, **WRITE_ERRORS})
def invite(request: HttpRequest, org_id: int, payload: InvitationIn) -> tuple[int, Invitation]:
    member = acting_member(request)
    organization = access_organization(member, org_id, manage=True)
    sent = services.invite_member(
        organization=organization,
        email=payload.email,
        role=payload.role,
        by=member,
        access_ends_on=payload.access_ends_on,
        scope=payload.scope or "",
        scope_object_id=payload.engagement_id,
    )
    return 201, sent.invitation


@router.delete("/invitations/{invitation_id}", response={200: InvitationOut, **WRITE_ERRORS})
def revoke_invitation(request: HttpRequest, invitation_id: int) -> Invitation:
    member = acting_member(request)
    invitation = access_invitation(member, invitation_id)
    return services.revoke_invitation(invitation=invitation, by=member)


@router.get("/tokens", response={200: list[TokenOut], **COMMON_ERRORS})
def list_tokens(request: HttpRequest) -> QuerySet[ApiToken]:
    return tokens_of(acting_member(request).user)


@router.post("/tokens", response={201: IssuedTokenOut, **WRITE_ERRORS})
def create_token(request: HttpRequest, payload: TokenIn) -> tuple[int, ApiToken]:
    """Only a signed-in session mints tokens: a token cannot make tokens that would outlive it."""
    if getattr(request, "api_token", None) is not None:
        raise PermissionDenied(_("A token cannot create tokens: sign in to create one."))
    issued = services.issue_api_token(
        membership=acting_member(request), name=payload.name, days=payload.days
    )
    issued.token.token = issued.secret  # type: ignore[attr-defined]
    return 201, issued.token


@router.delete("/tokens/{token_id}", response={200: TokenOut, **WRITE_ERRORS})
def revoke_token(request: HttpRequest, token_id: int) -> ApiToken:
    token = access_own_token(acting_member(request), token_id)
    return services.revoke_api_token(token=token, by=token.membership)
