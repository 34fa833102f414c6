"""Cancellation or postponement requested in writing (seed 004 art. 17): received at least 15
days before the start, the deposit is refunded by credit note; later, an indemnity of 25 % of
the total incl. VAT is invoiced, whatever the deposit. A started session is due in full; a
participant may be replaced at no cost (no invoice at all)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from saveit.accounts.models import Membership
from saveit.audit.chain import record_event
from saveit.core import money
from saveit.core.dates import long_date
from saveit.core.errors import Refusal
from saveit.engagements.models import Engagement

from . import terms
from .amendments import amended_totals
from .models import Invoice
from .services import (
    LineInput,
    _live,
    _signed_proposal,
    create_credit_note,
    create_invoice,
    require_biller,
)

INDEMNITY_MENTION = "Indemnité forfaitaire d'annulation : hors du champ de la TVA (CGI, art. 256)"


@dataclass(frozen=True)
class CancellationResult:
    refunded: list[Invoice]  # draft credit notes of the deposit
    indemnity: Invoice | None  # draft indemnity invoice


@transaction.atomic
def record_cancellation(
    *, engagement: Engagement, by: Membership, start: date, received_on: date
) -> CancellationResult:
    require_biller(by)
    if received_on > start:
        raise Refusal(
            _("The session has started: it is due in full, no-shows included."), code="started"
        )
    _signed_proposal(engagement)
    totals = amended_totals(engagement)  # the price as the signed amendments left it
    outcome = terms.cancellation(total_incl=totals.incl, start=start, received_on=received_on)
    deposits = _live(
        Invoice.objects.filter(
            engagement=engagement, kind=Invoice.Kind.DEPOSIT, state=Invoice.State.ISSUED
        )
    )
    refunded: list[Invoice] = []
    indemnity: Invoice | None = None
    with override("fr"):
        reason = _(
            "Cancellation received on %(received)s, %(days)s days before the start on %(start)s."
        ) % {
            "received": long_date(received_on),
            "days": (start - received_on).days,
            "start": long_date(start),
        }
        if outcome.refund_deposit:
            refunded = [
                create_credit_note(invoice=deposit, by=by, reason=reason) for deposit in deposits
            ]
        else:
            indemnity = create_invoice(
                client=engagement.client,
                by=by,
                kind=Invoice.Kind.CANCELLATION,
                engagement=engagement,
                supplied_on=received_on,
                reason=reason,
                lines=[
                    LineInput(
                        _("Cancellation indemnity: 25 %% of the total incl. VAT (%(total)s)")
                        % {"total": money.format_money(totals.incl)},
                        Decimal(1),
                        outcome.indemnity,
                        Decimal(0),
                    )
                ],
            )
            Invoice.objects.filter(pk=indemnity.pk).update(
                vat_exempt=True, terms={**indemnity.terms, "exemption_mention": INDEMNITY_MENTION}
            )
            indemnity.refresh_from_db()
    record_event(
        organization=engagement.client,
        action="billing.cancellation_recorded",
        actor=by,
        target=engagement,
        after={
            "start": str(start),
            "received_on": str(received_on),
            "refund": outcome.refund_deposit,
            "indemnity": str(outcome.indemnity),
        },
    )
    return CancellationResult(refunded, indemnity)
