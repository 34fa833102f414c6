"""Phase 2: proposal, proforma invoice, purchase order; and the client's contract terms."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from saveit.accounts.models import Membership, Organization
from saveit.accounts.selectors import provider_organization
from saveit.audit.chain import record_event
from saveit.audit.services import store_generated_pdf
from saveit.core import money
from saveit.core.errors import Forbidden, Refusal
from saveit.core.numbering import next_number
from saveit.core.uploads import read_upload

from .. import pdf_data, selectors
from ..artefacts import PROPOSAL, PURCHASE_ORDER
from ..models import (
    ContractTerms,
    Engagement,
    Phase,
    ProformaInvoice,
    Proposal,
    ProposalDeliverable,
    ProposalLine,
    PurchaseOrder,
)
from ..permissions import can_manage_engagement, is_client_owner_of
from ..signing import State, content_sha256, proforma_sha256, signed_in_time, state_of
from .common import issue_artefact, lock, require_manager, require_phase

MAX_AMOUNT = Decimal("9999999999")


@dataclass(frozen=True)
class LineInput:
    label: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal | None = None  # None: the contract terms' rate


@dataclass(frozen=True)
class DeliverableInput:
    title: str
    description: str = ""
    source_ids: list[int] = field(default_factory=list)


def _checked_lines(lines: list[LineInput], default_rate: Decimal) -> list[LineInput]:
    checked = []
    for number, line in enumerate(lines, start=1):
        label = (line.label or "").strip()
        rate = default_rate if line.vat_rate is None else line.vat_rate
        if not label or len(label) > 200:
            raise Refusal(_("Line %(n)s needs a designation.") % {"n": number}, code="lines")
        if not (Decimal(0) < line.quantity <= MAX_AMOUNT) or not (
            Decimal(0) <= line.unit_price <= MAX_AMOUNT
        ):
            raise Refusal(
                _("Line %(n)s: the quantity must be positive and the price not negative.")
                % {"n": number},
                code="lines",
            )
        if not Decimal(0) <= rate <= Decimal(100):
            raise Refusal(_("Line %(n)s: the VAT rate is not valid.") % {"n": number}, code="lines")
        checked.append(LineInput(label, line.quantity, line.unit_price, rate))
    return checked


@transaction.atomic
def save_proposal(
    *,
    engagement: Engagement,
    by: Membership,
    need: str,
    planning: str = "",
    valid_until: date | None = None,
    terms: str = "",
    lines: list[LineInput],
    deliverables: list[DeliverableInput],
) -> Proposal:
    """Edit the draft proposal (lines and deliverables replaced as a whole)."""
    require_manager(by)
    engagement = lock(engagement)
    require_phase(engagement, Phase.CONTRACT)
    checked = _checked_lines(lines, selectors.terms_for(engagement).vat_rate)
    known_sources = {s.pk: s for s in engagement.sources.all()}
    for deliverable in deliverables:
        if not (deliverable.title or "").strip():
            raise Refusal(_("Every planned module needs a title."), code="deliverables")
        if any(pk not in known_sources for pk in deliverable.source_ids):
            raise Refusal(
                _("A planned module refers to a document that is not part of this engagement."),
                code="deliverables",
            )
    proposal = selectors.current_proposal(engagement)
    if proposal is None or proposal.is_issued:
        proposal = Proposal(
            engagement=engagement, revision=proposal.revision + 1 if proposal else 1
        )
    proposal.need, proposal.planning = (need or "").strip(), (planning or "").strip()
    proposal.valid_until, proposal.terms = valid_until, (terms or "").strip()
    proposal.save()
    proposal.lines.all().delete()
    ProposalLine.objects.bulk_create(
        ProposalLine(
            proposal=proposal,
            position=i,
            label=line.label.strip(),
            quantity=line.quantity,
            unit_price=line.unit_price,
            vat_rate=line.vat_rate or Decimal(0),
        )
        for i, line in enumerate(checked)
    )
    proposal.deliverables.all().delete()
    for i, item in enumerate(deliverables):
        row = ProposalDeliverable.objects.create(
            proposal=proposal,
            position=i,
            title=item.title.strip()[:200],
            description=(item.description or "").strip(),
        )
        row.sources.set([known_sources[pk] for pk in item.source_ids])
    record_event(
        organization=engagement.client,
        action="engagement.proposal_saved",
        actor=by,
        target=engagement,
        after={"revision": proposal.revision, "lines": len(checked)},
    )
    return proposal


@transaction.atomic
def issue_proposal(*, engagement: Engagement, by: Membership) -> Proposal:
    require_manager(by)
    engagement = lock(engagement)
    require_phase(engagement, Phase.CONTRACT)
    proposal = selectors.current_proposal(engagement)
    if proposal is None or proposal.is_issued:
        raise Refusal(_("There is no draft proposal to issue."), code="no_draft")
    if not proposal.need or not proposal.lines.exists() or not proposal.deliverables.exists():
        raise Refusal(
            _("The proposal needs the need, at least one planned module and one price line."),
            code="incomplete",
        )
    if proposal.valid_until is None or proposal.valid_until < timezone.localdate():
        raise Refusal(_("Give the proposal a validity date in the future."), code="validity")
    issue_artefact(artefact=proposal, kind=PROPOSAL, by=by, pdf=pdf_data.render_proposal(proposal))
    return proposal


def _signed_proposal(engagement: Engagement) -> Proposal:
    proposal = selectors.current_proposal(engagement)
    if proposal is None or state_of(proposal) != State.SIGNED:
        raise Refusal(
            _("The client has not signed the current proposal yet."), code="proposal_unsigned"
        )
    if not signed_in_time(proposal):
        raise Refusal(
            _(
                "The client signed the proposal after its validity date: issue a new revision "
                "with a new validity date."
            ),
            code="proposal_expired",
        )
    return proposal


def price_lines(proposal: Proposal) -> list[money.PriceLine]:
    return [
        money.PriceLine(line.label, line.quantity, line.unit_price, line.vat_rate)
        for line in proposal.lines.order_by("position", "pk")
    ]


@transaction.atomic
def issue_proforma(*, engagement: Engagement, by: Membership) -> ProformaInvoice:
    """Number, compute and render the proforma of the signed proposal, in one transaction."""
    require_manager(by)
    engagement = lock(engagement)
    require_phase(engagement, Phase.CONTRACT)
    proposal = _signed_proposal(engagement)
    _require_invoice_mentions()
    if existing := selectors.proforma_for(proposal):
        raise Refusal(
            _("Proforma %(number)s was already issued for this proposal.")
            % {"number": existing.number},
            code="already_issued",
        )
    terms = selectors.terms_for(engagement)
    lines = price_lines(proposal)
    totals = money.totals_of(lines)
    issued_on = timezone.localdate()
    proforma = ProformaInvoice(
        engagement=engagement,
        proposal=proposal,
        number=next_number("PF", issued_on.year),
        issued_on=issued_on,
        due_on=issued_on + timedelta(days=terms.payment_days),
        lines=[
            {
                "label": line.label,
                "quantity": str(line.quantity),
                "unit_price": str(line.unit_price),
                "vat_rate": str(line.vat_rate),
                "total_excl": str(line.total_excl),
            }
            for line in lines
        ],
        terms=terms_snapshot(terms),
        total_excl=totals.excl,
        total_vat=totals.vat,
        total_incl=totals.incl,
        deposit=money.deposit_for(
            totals.incl, rate=terms.deposit_rate, threshold=terms.deposit_threshold
        ),
        issued_by=by,
    )
    with override("fr"):  # evidence is titled in the contract language
        title = _("Proforma invoice %(number)s") % {"number": proforma.number}
    proforma.document = store_generated_pdf(
        organization=engagement.client,
        by=by,
        content=pdf_data.render_proforma(proforma),
        name=f"proforma-{proforma.number}.pdf",
        title=title,
        signer_roles=[],
    )
    proforma.content_sha256 = proforma_sha256(proforma)
    proforma.save()
    record_event(
        organization=engagement.client,
        action="engagement.proforma_issued",
        actor=by,
        target=engagement,
        after={
            "number": proforma.number,
            "proposal": proposal.pk,
            "total_incl": str(proforma.total_incl),
            "deposit": str(proforma.deposit),
            "document": proforma.document.pk,
            "sha256": proforma.document.sha256,
            "content_sha256": proforma.content_sha256,
        },
    )
    return proforma


def _require_invoice_mentions() -> None:
    seller = provider_organization()
    missing = seller.missing_invoice_mentions() if seller else [_("the provider organisation")]
    if missing:
        raise Refusal(
            _(
                "The proforma cannot be issued without the provider's legal mentions: complete "
                "%(missing)s in the provider organisation's details."
            )
            % {"missing": ", ".join(missing)},
            code="provider_mentions",
        )


def terms_snapshot(terms: ContractTerms) -> dict[str, str]:
    return {
        "vat_rate": str(terms.vat_rate),
        "deposit_rate": str(terms.deposit_rate),
        "deposit_threshold": str(terms.deposit_threshold),
        "payment_days": str(terms.payment_days),
        "balance_days_after_delivery": str(terms.balance_days_after_delivery),
        "recovery_fee": str(terms.recovery_fee),
        "late_penalty_multiplier": str(terms.late_penalty_multiplier),
    }


def _require_order_taker(engagement: Engagement, by: Membership) -> None:
    if not (can_manage_engagement(by) or is_client_owner_of(by, engagement)):
        raise Forbidden(
            _("Only the client's content owner or the provider's project managers can do this.")
        )


def _next_order(
    engagement: Engagement, proposal: Proposal, kind: str, reference: str
) -> PurchaseOrder:
    if (current := selectors.current_purchase_order(engagement)) and (
        current.proposal_id == proposal.pk
        and state_of(current, needs_signature=current.kind == PurchaseOrder.Kind.AGREEMENT)
        == State.SIGNED
    ):
        raise Refusal(_("The order for this proposal has already been received."), code="exists")
    return PurchaseOrder(
        engagement=engagement,
        revision=current.revision + 1 if current else 1,
        kind=kind,
        proposal=proposal,
        client_reference=(reference or "").strip()[:60],
    )


@transaction.atomic
def record_purchase_order(
    *,
    engagement: Engagement,
    by: Membership,
    uploaded_file: UploadedFile | tuple[bytes, str],
    client_reference: str = "",
) -> PurchaseOrder:
    """The client's own purchase order (PDF) is received and kept as evidence."""
    _require_order_taker(engagement, by)
    engagement = lock(engagement)
    require_phase(engagement, Phase.CONTRACT)
    order = _next_order(
        engagement, _signed_proposal(engagement), PurchaseOrder.Kind.UPLOADED, client_reference
    )
    content, name = read_upload(uploaded_file)
    with override("fr"):
        title = _("Purchase order · %(ref)s") % {"ref": engagement.reference}
    order.document = store_generated_pdf(
        organization=engagement.client,
        by=by,
        content=content,
        name=name,
        title=title,
        signer_roles=[],
    )
    order.content_sha256 = content_sha256(order)
    order.issued_at, order.issued_by = timezone.now(), by
    order.save()
    record_event(
        organization=engagement.client,
        action="engagement.purchase_order_received",
        actor=by,
        target=engagement,
        after={
            "document": order.document.pk,
            "sha256": order.document.sha256,
            "client_reference": order.client_reference,
        },
    )
    return order


@transaction.atomic
def create_purchase_agreement(*, engagement: Engagement, by: Membership) -> PurchaseOrder:
    """An agreement worth a purchase order, rendered from the signed proposal, for signature."""
    require_manager(by)
    engagement = lock(engagement)
    require_phase(engagement, Phase.CONTRACT)
    order = _next_order(engagement, _signed_proposal(engagement), PurchaseOrder.Kind.AGREEMENT, "")
    order.save()
    issue_artefact(artefact=order, kind=PURCHASE_ORDER, by=by, pdf=pdf_data.render_agreement(order))
    return order


TERMS_FIELDS = (
    "vat_rate",
    "deposit_rate",
    "deposit_threshold",
    "payment_days",
    "balance_days_after_delivery",
    "recovery_fee",
    "late_penalty_multiplier",
    "proposal_validity_days",
)


@transaction.atomic
def update_contract_terms(
    *, client: Organization | None, by: Membership, values: dict[str, object]
) -> ContractTerms:
    """Set the client's own terms (or the defaults when client is None)."""
    require_manager(by)
    if client is not None and client.is_provider:
        raise Refusal(_("Contract terms are set for a client organisation."), code="client")
    terms, _created = ContractTerms.objects.get_or_create(client=client)
    before = terms_snapshot(terms)
    for name in TERMS_FIELDS:
        if name in values:
            setattr(terms, name, values[name])
    try:
        terms.full_clean()
    except ValidationError as error:
        raise Refusal(" ".join(error.messages), code="invalid") from error
    terms.save()
    organization = client or by.organization
    record_event(
        organization=organization,
        action="engagement.contract_terms_updated",
        actor=by,
        target=terms,
        before=before,
        after=terms_snapshot(terms),
    )
    return terms
