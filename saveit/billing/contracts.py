"""General terms of sale (CGV) as versions, the version a client accepts by signing a proposal,
and funders (OPCO) who take on part of an engagement's price (seed 004 art. 1, 15)."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from saveit.accounts.models import Membership, Organization
from saveit.accounts.roles import is_provider_admin
from saveit.audit.chain import record_event
from saveit.core.errors import Forbidden, Refusal
from saveit.engagements.models import Engagement, Proposal
from saveit.engagements.selectors import terms_for

from .models import FundingAgreement, Invoice, SalesTerms, SignedSalesTerms
from .services import LineInput, create_invoice, require_biller


def terms_in_force(day: date) -> SalesTerms | None:
    return SalesTerms.objects.filter(effective_on__lte=day).order_by("-effective_on", "-pk").first()


@transaction.atomic
def publish_sales_terms(
    *, version: str, effective_on: date, body: str, by: Membership
) -> SalesTerms:
    if not is_provider_admin(by):
        raise Forbidden(_("Only the provider's administrators publish the terms of sale."))
    version, body = (version or "").strip(), (body or "").strip()
    if not version or not body:
        raise Refusal(_("Give the version and the text of the terms of sale."), code="invalid")
    if SalesTerms.objects.filter(version=version).exists():
        raise Refusal(_("This version exists: publish a new one."), code="exists")
    terms = SalesTerms.objects.create(
        version=version,
        effective_on=effective_on,
        body=body,
        sha256=hashlib.sha256(body.encode()).hexdigest(),
        published_by=by,
    )
    record_event(
        organization=by.organization,
        action="billing.sales_terms_published",
        actor=by,
        target=terms,
        after={"version": version, "effective_on": str(effective_on), "sha256": terms.sha256},
    )
    return terms


def terms_of_proposal(proposal: Proposal) -> SalesTerms | None:
    """The version in force when the proposal was issued: the one it carries."""
    issued = proposal.issued_at or timezone.now()
    return terms_in_force(timezone.localdate(issued))


def sales_terms_mention(*, proposal: Proposal, **_kwargs: Any) -> str | None:
    """engagements.proposal_mentions handler: the CGV version the proposal carries, printed on
    it (always in French, like the proposal)."""
    terms = terms_of_proposal(proposal)
    if terms is None:
        return None
    with override("fr"):
        return _(
            "General terms of sale: version %(version)s of %(date)s (SHA-256 %(sha)s…), which "
            "the client accepts by signing this proposal."
        ) % {
            "version": terms.version,
            "date": terms.effective_on.strftime("%d/%m/%Y"),
            "sha": terms.sha256[:12],
        }


def record_signed_terms(*, document: Any, signature: Any) -> None:
    """audit.document_signed handler: a signed proposal records the CGV version it carried."""
    proposal = Proposal.objects.filter(document=document).first()
    if proposal is None or SignedSalesTerms.objects.filter(proposal=proposal).exists():
        return
    terms = terms_of_proposal(proposal)
    if terms is None:
        return
    SignedSalesTerms.objects.create(proposal=proposal, sales_terms=terms, signature=signature)
    record_event(
        organization=proposal.engagement.client,
        action="billing.sales_terms_accepted",
        actor=signature.membership,
        target=proposal.engagement,
        after={"proposal": proposal.pk, "version": terms.version, "sha256": terms.sha256},
    )


def signed_terms_of(engagement: Engagement) -> list[SignedSalesTerms]:
    return list(
        SignedSalesTerms.objects.filter(proposal__engagement=engagement)
        .select_related("sales_terms", "proposal", "signature")
        .order_by("proposal__revision")
    )


# --- Funders ------------------------------------------------------------------------------------


@transaction.atomic
def record_funding(
    *,
    engagement: Engagement,
    funder: Organization,
    by: Membership,
    reference: str,
    amount_excl: Decimal,
    learner_label: str = "",
) -> FundingAgreement:
    require_biller(by)
    if funder.is_provider or funder.pk == engagement.client_id:
        raise Refusal(_("The funder is an organisation other than the client."), code="funder")
    if amount_excl <= 0 or not (reference or "").strip():
        raise Refusal(_("Give the funder's file number and a positive amount."), code="invalid")
    agreement = FundingAgreement.objects.create(
        engagement=engagement,
        funder=funder,
        reference=reference.strip()[:60],
        learner_label=(learner_label or "").strip()[:200],
        amount_excl=amount_excl,
        recorded_by=by,
    )
    record_event(
        organization=engagement.client,
        action="billing.funding_recorded",
        actor=by,
        target=agreement,
        after={"funder": funder.pk, "reference": agreement.reference, "amount": str(amount_excl)},
    )
    return agreement


def agreed_funding(engagement: Engagement) -> list[FundingAgreement]:
    return list(
        engagement.funding_agreements.filter(state=FundingAgreement.State.AGREED).select_related(
            "funder"
        )
    )


def _funding_label(agreement: FundingAgreement) -> str:
    with override("fr"):
        return _("Share taken on by %(funder)s, file %(ref)s%(who)s") % {
            "funder": agreement.funder.name,
            "ref": agreement.reference,
            "who": f" ({agreement.learner_label})" if agreement.learner_label else "",
        }


@transaction.atomic
def invoice_funder(*, agreement: FundingAgreement, by: Membership, vat_rate: Decimal) -> Invoice:
    """The funder's share, invoiced to the funder (a draft)."""
    require_biller(by)
    if agreement.state != FundingAgreement.State.AGREED:
        raise Refusal(_("The funder refused this file."), code="refused")
    return create_invoice(
        client=agreement.funder,
        by=by,
        kind=Invoice.Kind.STANDARD,
        engagement=None,
        supplied_on=timezone.localdate(),
        reason=f"{agreement.engagement.reference} · {agreement.engagement.client.name}",
        lines=[LineInput(_funding_label(agreement), Decimal(1), agreement.amount_excl, vat_rate)],
    )


def funder_deductions(engagement: Engagement, vat_rate: Decimal) -> list[LineInput]:
    """Lines of the client's balance invoice for what funders take on (negative quantity)."""
    return [
        LineInput(_funding_label(a), Decimal(-1), a.amount_excl, vat_rate)
        for a in agreed_funding(engagement)
    ]


@transaction.atomic
def record_funder_refusal(*, agreement: FundingAgreement, by: Membership) -> Invoice:
    """What the funder refuses falls to the client: a draft invoice of that share to the
    client (the funder's own invoice, if issued, is then corrected by a credit note)."""
    require_biller(by)
    agreement = FundingAgreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.state == FundingAgreement.State.REFUSED:
        raise Refusal(_("This refusal is already recorded."), code="refused")
    agreement.state = FundingAgreement.State.REFUSED
    agreement.save(update_fields=["state"])
    engagement = agreement.engagement
    with override("fr"):
        label = _("Share refused by %(funder)s (file %(ref)s), due by the client") % {
            "funder": agreement.funder.name,
            "ref": agreement.reference,
        }
    invoice = create_invoice(
        client=engagement.client,
        by=by,
        kind=Invoice.Kind.STANDARD,
        engagement=engagement,
        supplied_on=timezone.localdate(),
        lines=[LineInput(label, Decimal(1), agreement.amount_excl, terms_for(engagement).vat_rate)],
    )
    record_event(
        organization=engagement.client,
        action="billing.funding_refused",
        actor=by,
        target=agreement,
        after={"reference": agreement.reference, "invoice": invoice.pk},
    )
    return invoice
