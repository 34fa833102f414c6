"""The breach register: entries never change (a correction is a new entry), each affected client
is told within 48 h of awareness, the authority within 72 h when the provider is controller."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from saveit.accounts.models import Membership, Organization
from saveit.accounts.roles import Role
from saveit.audit.chain import record_event
from saveit.core.dates import paris_date
from saveit.core.errors import Refusal
from saveit.core.numbering import next_number

from .models import Breach, BreachNotice, PrivacyContact

CLIENT_DELAY = timedelta(hours=48)  # the contract (seed 004 art. 31)
AUTHORITY_DELAY = timedelta(hours=72)  # GDPR art. 33


def client_deadline(breach: Breach) -> datetime:
    return breach.aware_at + CLIENT_DELAY


def authority_deadline(breach: Breach) -> datetime | None:
    return breach.aware_at + AUTHORITY_DELAY if breach.provider_is_controller else None


def hours_left(deadline: datetime, now: datetime | None = None) -> float:
    return (deadline - (now or timezone.now())).total_seconds() / 3600


@transaction.atomic
def record_breach(
    *,
    by: Membership,
    organizations: list[Organization],
    corrects: Breach | None = None,
    **fields: Any,
) -> Breach:
    if any(o.is_provider for o in organizations):
        raise Refusal(_("Only client organisations are notified of a breach."), code="bad_client")
    if fields["aware_at"] > timezone.now() + timedelta(minutes=5):
        raise Refusal(_("The moment of awareness cannot be in the future."), code="future")
    now = timezone.now()
    breach = Breach.objects.create(
        number=next_number("VIO", paris_date(now).year, width=4),
        corrects=corrects,
        recorded_at=now,
        recorded_by=by,
        **fields,
    )
    breach.organizations.set(organizations)
    provider = by.organization
    record_event(
        organization=provider,
        action="privacy.breach_recorded",
        actor=by,
        target=breach,
        after={
            "number": breach.number,
            "corrects": corrects.pk if corrects else None,
            "risk": breach.risk,
            "clients": sorted(o.pk for o in organizations),
        },
    )
    return breach


def _contact_address(organization: Organization) -> str | None:
    contact = PrivacyContact.objects.filter(organization=organization).first()
    if contact:
        return contact.email
    owner = (
        Membership.objects.filter(organization=organization, role=Role.CLIENT_OWNER, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return owner.user.email if owner else None


@transaction.atomic
def notify_clients(*, breach: Breach, by: Membership) -> list[BreachNotice]:
    """E-mails each affected client not told yet, at its privacy contact (else its owner)."""
    told = set(
        breach.notices.filter(to=BreachNotice.To.CLIENT).values_list("organization_id", flat=True)
    )
    notices = []
    for organization in breach.organizations.exclude(pk__in=told):
        address = _contact_address(organization)
        if address is None:
            raise Refusal(
                _("%(org)s has no privacy contact nor owner to notify.") % {"org": organization},
                code="no_contact",
            )
        with override("fr"):
            body = render_to_string(
                "privacy/email/breach.txt",
                {
                    "breach": breach,
                    "organization": organization,
                    "deadline": client_deadline(breach),
                },
            )
            subject = _("Personal data breach %(number)s") % {"number": breach.number}
        EmailMessage(subject, body, None, [address]).send()
        notices.append(
            BreachNotice.objects.create(
                breach=breach,
                to=BreachNotice.To.CLIENT,
                organization=organization,
                recipient=address,
                sent_at=timezone.now(),
                sent_by=by,
            )
        )
        record_event(
            organization=by.organization,
            action="privacy.breach_notified",
            actor=by,
            target=breach,
            after={"client": organization.pk, "late": timezone.now() > client_deadline(breach)},
        )
    return notices


@transaction.atomic
def record_authority_notice(*, breach: Breach, by: Membership, reference: str) -> BreachNotice:
    if not breach.provider_is_controller:
        raise Refusal(
            _("The client, controller of this data, notifies the authority."), code="not_ours"
        )
    notice = BreachNotice.objects.create(
        breach=breach,
        to=BreachNotice.To.AUTHORITY,
        recipient=reference[:254] or "CNIL",
        sent_at=timezone.now(),
        sent_by=by,
    )
    record_event(
        organization=by.organization,
        action="privacy.breach_authority_notified",
        actor=by,
        target=breach,
    )
    return notice


def pending_notices(now: datetime | None = None) -> list[tuple[Breach, Organization, datetime]]:
    """Clients not told yet, with their deadline: the warnings job and the register use it."""
    found = []
    for breach in Breach.objects.prefetch_related("organizations", "notices"):
        told = {n.organization_id for n in breach.notices.all()}
        for organization in breach.organizations.all():
            if organization.pk not in told:
                found.append((breach, organization, client_deadline(breach)))
    return found
