"""Every write on users, organisations, memberships, invitations and API tokens."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from saveit.audit.chain import record_event
from saveit.core.errors import Forbidden, Refusal
from saveit.core.tasks import send_email_after_commit
from saveit.core.tokens import digest, new_secret

from .models import (
    ApiToken,
    AttestationSignature,
    Invitation,
    Membership,
    Organization,
    PasswordResetRequest,
    User,
)
from .roles import ROLES_BY_KIND, AuditorScope, OrganizationKind, Role, SecondFactorRule

security_log = logging.getLogger("saveit.security")


def _check_role_fits(organization: Organization, role: str) -> None:
    if role not in ROLES_BY_KIND[organization.kind]:
        raise Refusal(
            _("The role “%(role)s” does not exist in a %(kind)s organisation.")
            % {"role": role, "kind": organization.get_kind_display()},
            code="role_not_allowed",
        )


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "organisation"
    slug, n = base, 2
    while Organization.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _org_fields(org: Organization) -> dict[str, object]:
    return {
        "kind": org.kind,
        "name": org.name,
        "slug": org.slug,
        "siren": org.siren,
        "vat_number": org.vat_number,
        "legal_form": org.legal_form,
        "share_capital": None if org.share_capital is None else str(org.share_capital),
        "rcs_city": org.rcs_city,
        "is_active": org.is_active,
    }


@transaction.atomic
def create_organization(
    *,
    name: str,
    kind: str,
    by: Membership | None = None,
    siren: str = "",
    vat_number: str = "",
    address: str = "",
    legal_form: str = "",
    share_capital: Decimal | None = None,
    rcs_city: str = "",
) -> Organization:
    name = name.strip()
    if not name:
        raise Refusal(_("An organisation needs a name."), code="name_required")
    if kind not in OrganizationKind.values:
        raise Refusal(_("The kind must be “provider” or “client”."), code="bad_kind")
    org = Organization(
        name=name,
        kind=kind,
        slug=_unique_slug(name),
        siren=siren.replace(" ", ""),
        vat_number=vat_number.replace(" ", "").upper(),
        address=address.strip(),
        legal_form=legal_form.strip(),
        share_capital=share_capital,
        rcs_city=rcs_city.strip(),
    )
    try:
        org.full_clean()
    except ValidationError as error:
        raise Refusal(" ".join(error.messages), code="invalid") from error
    org.save()
    record_event(
        organization=org,
        action="organization.created",
        actor=by,
        target=org,
        after=_org_fields(org),
    )
    return org


@transaction.atomic
def update_organization(
    *, organization: Organization, by: Membership | None, **fields: object
) -> Organization:
    before = _org_fields(organization)
    for name in ("name", "siren", "vat_number", "address", "legal_form", "rcs_city"):
        if name in fields:
            value = str(fields[name] or "").strip()
            if name in ("siren", "vat_number"):
                value = value.replace(" ", "").upper()
            setattr(organization, name, value)
    if "share_capital" in fields:
        organization.share_capital = fields["share_capital"]  # type: ignore[assignment]
    if not organization.name:
        raise Refusal(_("An organisation needs a name."), code="name_required")
    try:
        organization.full_clean(exclude=["slug"])
    except ValidationError as error:
        raise Refusal("; ".join(error.messages), code="invalid") from error
    organization.save()
    record_event(
        organization=organization,
        action="organization.updated",
        actor=by,
        target=organization,
        before=before,
        after=_org_fields(organization),
    )
    return organization


@transaction.atomic
def allow_password_reset_mail(*, email: str, ip: str | None) -> bool:
    """Counts a "forgot my password" request; False when its address or its IP is at its cap.

    The caller answers the same either way, so the cap tells nobody which addresses exist.
    """
    now = timezone.now()
    start = now - timedelta(minutes=settings.PASSWORD_RESET_WINDOW_MINUTES)
    PasswordResetRequest.objects.filter(requested_at__lt=start).delete()
    email_digest = digest(email.strip().lower())
    recent = PasswordResetRequest.objects.filter(requested_at__gte=start)
    if (
        recent.filter(email_digest=email_digest).count()
        >= settings.PASSWORD_RESET_MAILS_PER_ADDRESS
    ):
        security_log.warning("password_reset_capped reason=address ip=%s", ip or "-")
        return False
    if ip and recent.filter(ip=ip).count() >= settings.PASSWORD_RESET_REQUESTS_PER_IP:
        security_log.warning("password_reset_capped reason=ip ip=%s", ip)
        return False
    PasswordResetRequest.objects.create(email_digest=email_digest, ip=ip, requested_at=now)
    return True


@transaction.atomic
def set_second_factor_rule(
    *, organization: Organization, rule: str, by: Membership
) -> Organization:
    """Who among the organisation's members must set up a second factor; effective at each
    member's next request (they are sent to enrol before anything else)."""
    if rule not in SecondFactorRule.values:
        raise Refusal(_("Choose one of the rules offered."), code="bad_rule")
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    before = organization.second_factor_rule
    if rule == before:
        return organization
    organization.second_factor_rule = rule
    organization.save(update_fields=["second_factor_rule"])
    record_event(
        organization=organization,
        action="organization.second_factor_policy_changed",
        actor=by,
        target=organization,
        before={"second_factor_rule": before},
        after={"second_factor_rule": rule},
    )
    return organization


@transaction.atomic
def add_member(
    *,
    organization: Organization,
    email: str,
    role: str,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    by: Membership | None = None,
    access_ends_on: date | None = None,
    scope: str = "",
    scope_object_id: int | None = None,
) -> Membership:
    """Create the user if needed and give them the role; idempotent for an existing role.

    An auditor needs the same end date and scope as an invited one (see invite_member)."""
    _check_role_fits(organization, role)
    if role == Role.AUDITOR:
        _check_auditor_terms(organization, access_ends_on, scope, scope_object_id)
    if password:
        try:
            validate_password(password)
        except ValidationError as error:
            raise Refusal(" ".join(error.messages), code="weak_password") from error
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email, password, first_name=first_name.strip(), last_name=last_name.strip()
        )
        record_event(organization=organization, action="user.created", actor=by, target=user)
    elif password:
        user.set_password(password)
        user.save(update_fields=["password"])
    membership, created = Membership.objects.get_or_create(
        user=user, organization=organization, role=role
    )
    if role == Role.AUDITOR and access_ends_on is not None:
        membership.expires_at = access_end_of(access_ends_on)
        membership.scope = scope
        membership.scope_object_id = scope_object_id if scope == AuditorScope.ENGAGEMENT else None
        membership.save(update_fields=["expires_at", "scope", "scope_object_id"])
    if created or not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
        record_event(
            organization=organization,
            action="membership.granted",
            actor=by,
            target=membership,
            after={"user": user.pk, "role": role},
        )
    return membership


@dataclass(frozen=True)
class SentInvitation:
    invitation: Invitation
    token: str


# An auditor's access lasts at most this long from the invitation.
AUDITOR_MAX_DAYS = 366
# scope -> check(organization, object id) that the scoped object exists and belongs to the
# organisation; filled by the app that owns the object (engagements registers "engagement").
AUDITOR_SCOPE_CHECKS: dict[str, Callable[[Organization, int | None], bool]] = {}


def _check_auditor_terms(
    organization: Organization, ends_on: date | None, scope: str, object_id: int | None
) -> None:
    today = timezone.localdate()
    if ends_on is None:
        raise Refusal(_("An auditor's access needs an end date."), code="auditor_end_required")
    if ends_on < today or ends_on > today + timedelta(days=AUDITOR_MAX_DAYS):
        raise Refusal(
            _("The end of an auditor's access is between today and one year from now."),
            code="auditor_end_invalid",
        )
    if scope not in AuditorScope.values:
        raise Refusal(
            _("Choose what the auditor may read: one engagement or the quality records."),
            code="auditor_scope_required",
        )
    if scope == AuditorScope.ENGAGEMENT:
        check = AUDITOR_SCOPE_CHECKS.get(scope)
        if object_id is None or check is None or not check(organization, object_id):
            raise Refusal(
                _("Choose an engagement of this organisation for the auditor."),
                code="auditor_engagement_invalid",
            )


def access_end_of(day: date) -> datetime:
    """An access ending on `day` ends at that day's midnight (the next day's start), local time."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


@transaction.atomic
def invite_member(
    *,
    organization: Organization,
    email: str,
    role: str,
    by: Membership,
    access_ends_on: date | None = None,
    scope: str = "",
    scope_object_id: int | None = None,
) -> SentInvitation:
    """Invites a person; an auditor needs an end date and a scope (AuditorScope)."""
    _check_role_fits(organization, role)
    if role == Role.AUDITOR:
        _check_auditor_terms(organization, access_ends_on, scope, scope_object_id)
        if scope != AuditorScope.ENGAGEMENT:
            scope_object_id = None
    else:
        access_ends_on, scope, scope_object_id = None, "", None
    email = email.strip().lower()
    if Membership.objects.filter(
        organization=organization, user__email=email, role=role, is_active=True
    ).exists():
        raise Refusal(_("This person already has this role here."), code="already_member")
    token = new_secret()
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        role=role,
        token_hash=digest(token),
        invited_by=by,
        expires_at=timezone.now() + timedelta(hours=settings.INVITATION_VALIDITY_HOURS),
        access_ends_on=access_ends_on,
        scope=scope,
        scope_object_id=scope_object_id,
    )
    after: dict[str, object] = {"role": role, "expires_at": invitation.expires_at.isoformat()}
    if role == Role.AUDITOR:
        after.update(
            access_ends_on=str(access_ends_on), scope=scope, scope_object_id=scope_object_id
        )
    record_event(
        organization=organization,
        action="invitation.sent",
        actor=by,
        target=invitation,
        after=after,
    )
    _mail_invitation(invitation, token)
    return SentInvitation(invitation, token)


def _mail_invitation(invitation: Invitation, token: str) -> None:
    url = settings.SITE_URL + reverse("accounts:invitation_accept", args=[token])
    with translation.override("fr"):
        subject = _("Invitation to join %(org)s on SAVE IT") % {"org": invitation.organization.name}
        body = render_to_string(
            "accounts/email/invitation.txt",
            {"invitation": invitation, "url": url, "hours": settings.INVITATION_VALIDITY_HOURS},
        )
    send_email_after_commit(to=[invitation.email], subject=subject, body=body)


def find_pending_invitation(token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("organization").filter(token_hash=digest(token)).first()
    )
    if invitation is None:
        raise Refusal(_("This invitation link is not valid."), code="invalid_invitation")
    if invitation.status == "accepted":
        raise Refusal(_("This invitation has already been used."), code="invitation_used")
    if invitation.status == "revoked":
        raise Refusal(_("This invitation was withdrawn."), code="invitation_revoked")
    if invitation.status == "expired":
        raise Refusal(
            _("This invitation has expired: ask for a new one."), code="invitation_expired"
        )
    return invitation


@transaction.atomic
def accept_invitation(
    *,
    token: str,
    user: User | None = None,
    first_name: str = "",
    last_name: str = "",
    password: str = "",
) -> Membership:
    """Join with an existing signed-in account, or create one with a password."""
    invitation = find_pending_invitation(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise Refusal(_("This invitation has already been used."), code="invitation_used")
    if user is None:
        if User.objects.filter(email=invitation.email).exists():
            raise Refusal(
                _("An account already exists for this address: sign in to accept."),
                code="sign_in_first",
            )
        candidate = User(email=invitation.email, first_name=first_name, last_name=last_name)
        try:
            validate_password(password, candidate)
        except ValidationError as error:
            raise Refusal(" ".join(error.messages), code="weak_password") from error
        user = User.objects.create_user(
            invitation.email, password, first_name=first_name.strip(), last_name=last_name.strip()
        )
    elif user.email.lower() != invitation.email:
        raise Refusal(
            _("This invitation was sent to another e-mail address."), code="wrong_account"
        )
    try:
        membership, _created = Membership.objects.get_or_create(
            user=user, organization=invitation.organization, role=invitation.role
        )
    except IntegrityError as error:  # pragma: no cover - guarded by the lock above
        raise Refusal(
            _("This invitation has already been used."), code="invitation_used"
        ) from error
    membership.is_active = True
    if invitation.role == Role.AUDITOR:
        if invitation.access_ends_on is None:  # an invitation made before end dates existed
            raise Refusal(
                _("This invitation has expired: ask for a new one."), code="invitation_expired"
            )
        membership.expires_at = access_end_of(invitation.access_ends_on)
        membership.scope = invitation.scope
        membership.scope_object_id = invitation.scope_object_id
    membership.save(update_fields=["is_active", "expires_at", "scope", "scope_object_id"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    record_event(
        organization=invitation.organization,
        action="invitation.accepted",
        target=invitation,
        actor=membership,
        after={
            "user": user.pk,
            "membership": membership.pk,
            "expires_at": membership.expires_at.isoformat() if membership.expires_at else None,
        },
    )
    return membership


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, by: Membership) -> Invitation:
    if invitation.status != "pending":
        raise Refusal(_("Only a pending invitation can be withdrawn."), code="not_pending")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record_event(
        organization=invitation.organization,
        action="invitation.revoked",
        actor=by,
        target=invitation,
    )
    return invitation


def _last_manager_guard(membership: Membership) -> None:
    """An organisation must keep at least one active member able to manage it."""
    manager_role = Role.ADMIN if membership.organization.is_provider else Role.CLIENT_OWNER
    if membership.role != manager_role:
        return
    others = Membership.objects.filter(
        organization=membership.organization, role=manager_role, is_active=True
    ).exclude(pk=membership.pk)
    if not others.exists():
        raise Refusal(
            _("The organisation must keep at least one active %(role)s.")
            % {"role": Role(manager_role).label},
            code="last_manager",
        )


@transaction.atomic
def change_member_role(*, membership: Membership, role: str, by: Membership) -> Membership:
    membership = (
        Membership.objects.select_for_update().select_related("organization").get(pk=membership.pk)
    )
    _check_role_fits(membership.organization, role)
    if role == membership.role:
        return membership
    if role == Role.AUDITOR:
        raise Refusal(
            _("An auditor is invited, with an end date and a scope: send an invitation."),
            code="auditor_needs_invitation",
        )
    if Membership.objects.filter(
        user_id=membership.user_id, organization=membership.organization, role=role
    ).exists():
        raise Refusal(_("This person already has this role here."), code="already_member")
    _last_manager_guard(membership)
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    record_event(
        organization=membership.organization,
        action="membership.role_changed",
        actor=by,
        target=membership,
        before={"role": before},
        after={"role": role},
    )
    return membership


@transaction.atomic
def set_membership_active(*, membership: Membership, active: bool, by: Membership) -> Membership:
    membership = (
        Membership.objects.select_for_update().select_related("organization").get(pk=membership.pk)
    )
    if membership.is_active == active:
        return membership
    if not active:
        if membership.pk == by.pk:
            raise Refusal(_("You cannot deactivate your own access."), code="self_deactivation")
        _last_manager_guard(membership)
    membership.is_active = active
    membership.save(update_fields=["is_active"])
    record_event(
        organization=membership.organization,
        action="membership.reactivated" if active else "membership.deactivated",
        actor=by,
        target=membership,
        before={"is_active": not active},
        after={"is_active": active},
    )
    return membership


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str


# A token lives TOKEN_DEFAULT_DAYS unless its creator chooses otherwise, never over TOKEN_MAX_DAYS.
TOKEN_DEFAULT_DAYS = 90
TOKEN_MAX_DAYS = 365


@transaction.atomic
def issue_api_token(
    *, membership: Membership, name: str, days: int = TOKEN_DEFAULT_DAYS
) -> IssuedToken:
    """A new personal token; only a signed-in person mints one (the API refuses a token's call)."""
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise Refusal(
            _("A token lasts from 1 to %(max)s days.") % {"max": TOKEN_MAX_DAYS},
            code="invalid_lifetime",
        )
    name = name.strip() or _("API token")
    secret = new_secret("sit_")
    token = ApiToken.objects.create(
        membership=membership,
        name=name[:100],
        prefix=secret[:12],
        token_hash=digest(secret),
        expires_at=timezone.now() + timedelta(days=days),
    )
    record_event(
        organization=membership.organization,
        action="api_token.issued",
        actor=membership,
        target=token,
        after={
            "membership": membership.pk,
            "prefix": token.prefix,
            "expires_at": token.expires_at.isoformat(),
        },
    )
    return IssuedToken(token, secret)


@transaction.atomic
def revoke_api_token(*, token: ApiToken, by: Membership, reason: str = "") -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(
            organization=token.membership.organization,
            action="api_token.revoked",
            actor=by,
            target=token,
            after={"reason": reason} if reason else None,
        )
    return token


# --- How the provider signs its attestations ---------------------------------------------------


def signature_image_path(sha256: str) -> str:
    """Where the signature image of this hash lives in the default storage (never overwritten)."""
    return f"signatures/{sha256}.png"


def _signature_fields(signature: AttestationSignature) -> dict[str, object]:
    return {
        "activity_declaration": signature.activity_declaration,
        "signatory_name": signature.signatory_name,
        "signatory_role": signature.signatory_role,
        "image_sha256": signature.image_sha256,
    }


@transaction.atomic
def set_attestation_signature(
    *,
    organization: Organization,
    by: Membership,
    activity_declaration: str,
    signatory_name: str,
    signatory_role: str,
    image: bytes | None = None,
) -> AttestationSignature:
    """Who signs the provider's attestations, with what image; checked whole before any change.

    `image` None keeps the current image. A bad image, a bad declaration number or a missing
    name refuses the whole update: nothing is stored.
    """
    from saveit.core.images import checked_png

    from .permissions import can_set_attestation_signature

    if not can_set_attestation_signature(by, organization):
        raise Forbidden(_("Only the provider's administrators set how attestations are signed."))
    declaration = activity_declaration.replace(" ", "").strip()
    if declaration and not (declaration.isdigit() and len(declaration) == 11):
        raise Refusal(
            _("The activity declaration number has 11 digits, e.g. 11 75 12345 75."),
            code="invalid",
        )
    name, role = " ".join(signatory_name.split()), " ".join(signatory_role.split())
    if not name or not role:
        raise Refusal(_("Give the signatory's name and role."), code="invalid")
    checked = checked_png(image) if image is not None else None

    signature, _created = AttestationSignature.objects.select_for_update().get_or_create(
        organization=organization
    )
    before = _signature_fields(signature)
    signature.activity_declaration = declaration
    signature.signatory_name, signature.signatory_role = name, role
    if checked is not None:
        sha = hashlib.sha256(checked.png).hexdigest()
        path = signature_image_path(sha)
        if not default_storage.exists(path):
            stored = default_storage.save(path, ContentFile(checked.png))
            if stored != path:  # a storage that renamed it: keep the name it gave
                path = stored
        signature.image_name, signature.image_sha256 = path, sha
        signature.image_width, signature.image_height = checked.width, checked.height
    signature.save()
    record_event(
        organization=organization,
        action="attestation_signature.updated",
        actor=by,
        target=signature,
        before=before,
        after=_signature_fields(signature),
    )
    return signature


@transaction.atomic
def revoke_tokens_of_user(*, user: User, reason: str) -> int:
    """Revokes every live token of this person (their password changed: whoever held it may
    have made tokens). Each revocation is recorded in its organisation's chain, by its member."""
    live = ApiToken.objects.filter(membership__user=user, revoked_at__isnull=True).select_related(
        "membership__organization"
    )
    count = 0
    for token in live:
        revoke_api_token(token=token, by=token.membership, reason=reason)
        count += 1
    return count
