"""What every French business document of the platform prints: the parties with their legal
mentions, the header labels, the reference and the date of issue.

Organisations are read through the few attributes they need (duck-typed), so core stays below
the accounts app.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from django.utils import timezone
from django.utils.translation import gettext as _

from saveit.core import money
from saveit.core.dates import long_date


class LegalEntity(Protocol):
    name: str
    siren: str
    vat_number: str
    address: str
    legal_form: str
    share_capital: Decimal | None
    rcs_city: str


class EngagementRef(Protocol):
    title: str
    reference: str


def party(organization: LegalEntity | None) -> dict[str, str]:
    """A party's block: its name, then one line of legal mentions (form, RCS, SIREN, VAT,
    address)."""
    if organization is None:
        return {"name": "", "legal": "", "address": "", "siren": "", "vat": ""}
    legal = [organization.name, *company_mentions(organization)]
    if organization.siren:
        legal.append(f"SIREN {organization.siren}")
    if organization.vat_number:
        legal.append(f"TVA {organization.vat_number}")
    address = " ".join(organization.address.split())
    if address:
        legal.append(address)
    return {
        "name": organization.name,
        "legal": " · ".join(legal),
        "address": organization.address,
        "siren": organization.siren,
        "vat": organization.vat_number,
    }


def company_mentions(organization: LegalEntity) -> list[str]:
    """Legal form and share capital, then the RCS registration, as French invoices print them."""
    mentions = []
    if organization.legal_form and organization.share_capital is not None:
        mentions.append(
            _("%(form)s with a share capital of %(capital)s")
            % {
                "form": organization.legal_form,
                "capital": money.format_money(organization.share_capital),
            }
        )
    elif organization.legal_form:
        mentions.append(organization.legal_form)
    if organization.rcs_city and organization.siren:
        siren = organization.siren
        mentions.append(
            _("RCS %(city)s %(number)s")
            % {"city": organization.rcs_city, "number": f"{siren[:3]} {siren[3:6]} {siren[6:]}"}
        )
    return mentions


def base_labels(kind: str) -> dict[str, str]:
    """The labels of a document's header and footer, in the active language."""
    return {
        "kind": kind,
        "page": _("page"),
        "reference": _("Reference"),
        "issued_on": _("Date"),
        "engagement": _("Engagement"),
        "signature": _("Signature"),
        "provider": _("Provider"),
        "client": _("Client"),
        "siren": _("SIREN"),
        "vat_number": _("VAT number"),
    }


def document_header(
    *,
    provider: LegalEntity | None,
    client: LegalEntity,
    engagement: EngagementRef,
    title: str,
    reference: str,
    issued_on: Any,
    signer_role_label: str,
) -> dict[str, Any]:
    """The parties, reference, date and signature block of an engagement document."""
    return {
        "provider": party(provider),
        "client": party(client),
        "reference": reference,
        "issued_on": long_date(issued_on),
        "title": title,
        "engagement": {"title": engagement.title, "reference": engagement.reference},
        "signature": {
            "role_label": signer_role_label,
            "note": _(
                "Signed electronically on the platform after re-authentication. The signature "
                "covers the SHA-256 fingerprint of this exact file, listed on its evidence page."
            ),
        },
    }


def today() -> date:
    return timezone.localdate()
