"""Amendments (avenants, SPEC §13, seed 004): once the proposal is signed, a change of scope or
price is written as an amendment the client's content owner signs. A signed amendment adds its
lines to the contract price (the balance invoice follows it) and may justify one reopening of
phases 3–4 (`engagements.reopening` hook)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import override

from saveit.accounts.models import Membership
from saveit.audit.chain import record_event
from saveit.core import money
from saveit.core.errors import Refusal
from saveit.engagements.artefacts import ArtefactKind, register_artefact_kind
from saveit.engagements.models import Engagement, Phase, PhaseChange
from saveit.engagements.services.common import issue_artefact, lock, require_open
from saveit.engagements.signing import State, state_of

from .models import Amendment
from .services import LineInput, _checked, _signed_proposal, require_biller


def current_amendment(engagement: Engagement) -> Amendment | None:
    return (
        Amendment.objects.filter(engagement=engagement)
        .select_related("document")
        .order_by("-revision")
        .first()
    )


AMENDMENT = register_artefact_kind(
    ArtefactKind(
        "amendment",
        _("Amendment"),
        Phase.CONTRACT,
        Amendment,
        "amendment",
        current_amendment,
        order=2,
        file_stem="avenant",
    )
)


def amendments_of(engagement: Engagement) -> QuerySet[Amendment]:
    return Amendment.objects.filter(engagement=engagement).select_related(
        "document", "reopening", "created_by__user"
    )


def line_inputs(amendment: Amendment) -> list[LineInput]:
    return [
        LineInput(
            line["label"],
            Decimal(line["quantity"]),
            Decimal(line["unit_price"]),
            Decimal(line["vat_rate"]),
        )
        for line in amendment.lines
    ]


def is_signed(amendment: Amendment) -> bool:
    """Signed by one of the client's content owners over the bytes and content issued."""
    return amendment.is_issued and state_of(amendment) == State.SIGNED


def signed_amendments(engagement: Engagement) -> list[Amendment]:
    return [a for a in amendments_of(engagement).order_by("revision") if is_signed(a)]


def _price_lines(lines: list[LineInput]) -> list[money.PriceLine]:
    return [money.PriceLine(x.label, x.quantity, x.unit_price, x.vat_rate) for x in lines]


def proposal_lines(engagement: Engagement) -> list[LineInput]:
    proposal = _signed_proposal(engagement)
    return [
        LineInput(line.label, line.quantity, line.unit_price, line.vat_rate)
        for line in proposal.lines.order_by("position", "pk")
    ]


def amended_lines(engagement: Engagement) -> list[LineInput]:
    """The contract's price lines: the signed proposal's, then each signed amendment's."""
    lines = proposal_lines(engagement)
    with override("fr"):
        for amendment in signed_amendments(engagement):
            lines.extend(
                LineInput(
                    _("Amendment no. %(n)s: %(label)s")
                    % {"n": amendment.revision, "label": x.label},
                    x.quantity,
                    x.unit_price,
                    x.vat_rate,
                )
                for x in line_inputs(amendment)
            )
    return lines


def amended_totals(engagement: Engagement) -> money.Totals:
    return money.totals_of(_price_lines(amended_lines(engagement)))


def totals_of_amendment(amendment: Amendment) -> money.Totals:
    return money.totals_of(_price_lines(line_inputs(amendment)))


@transaction.atomic
def create_amendment(
    *, engagement: Engagement, by: Membership, reason: str, scope: str, lines: list[LineInput]
) -> Amendment:
    """A draft amendment of an engagement whose proposal the client signed. Only one amendment
    at a time is on its way: the previous one must be signed first (or its draft deleted)."""
    require_biller(by)
    engagement = lock(engagement)
    require_open(engagement)
    _signed_proposal(engagement)
    reason, scope = (reason or "").strip(), (scope or "").strip()
    if not reason or not scope:
        raise Refusal(_("Say what the amendment changes and why."), code="invalid")
    checked = _checked(lines, allow_negative_quantity=True) if lines else []
    previous = current_amendment(engagement)
    if previous is not None and not is_signed(previous):
        raise Refusal(
            _(
                "Amendment no. %(n)s is not signed yet: have it signed (or delete its draft) "
                "before writing another."
            )
            % {"n": previous.revision},
            code="pending",
        )
    new_total = amended_totals(engagement).excl + money.totals_of(_price_lines(checked)).excl
    if new_total <= 0:
        raise Refusal(_("The amended total excl. VAT must stay positive."), code="total")
    amendment = Amendment.objects.create(
        engagement=engagement,
        revision=(previous.revision + 1) if previous else 1,
        reason=reason[:4000],
        scope=scope[:4000],
        lines=[
            {
                "label": x.label.strip(),
                "quantity": str(x.quantity),
                "unit_price": str(money.cents(x.unit_price)),
                "vat_rate": str(x.vat_rate),
            }
            for x in checked
        ],
        created_by=by,
    )
    record_event(
        organization=engagement.client,
        action="billing.amendment_drafted",
        actor=by,
        target=engagement,
        after={
            "amendment": amendment.pk,
            "number": amendment.revision,
            "lines": len(checked),
            "new_total_excl": str(new_total),
        },
    )
    return amendment


def _lock_draft(amendment: Amendment) -> Amendment:
    amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    if amendment.is_issued:
        raise Refusal(
            _("This amendment is issued: it can no longer change."), code="already_issued"
        )
    return amendment


@transaction.atomic
def issue_amendment(*, amendment: Amendment, by: Membership) -> Amendment:
    """Render the PDF, keep it as evidence and ask the client's content owner to sign it."""
    from .pdf_data import render_amendment_pdf

    require_biller(by)
    engagement = lock(amendment.engagement)
    require_open(engagement)
    amendment = _lock_draft(amendment)
    issue_artefact(artefact=amendment, kind=AMENDMENT, by=by, pdf=render_amendment_pdf(amendment))
    return amendment


@transaction.atomic
def delete_amendment_draft(*, amendment: Amendment, by: Membership) -> None:
    require_biller(by)
    amendment = _lock_draft(amendment)
    record_event(
        organization=amendment.engagement.client,
        action="billing.amendment_draft_deleted",
        actor=by,
        target=amendment.engagement,
        before={"amendment": amendment.pk, "number": amendment.revision},
    )
    amendment.delete()


def require_amendment_for_reopening(
    *,
    engagement: Engagement,
    change: PhaseChange,
    changes_scope: bool,
    by: Membership,
    **_kwargs: Any,
) -> None:
    """`engagements.reopening` handler: going back to phase 3 or 4 to change the scope or the
    price needs a signed amendment of this engagement that no other reopening used; the
    reopening is linked to it (the oldest unused one)."""
    if not changes_scope or change.to_phase < Phase.PRODUCTION:
        return
    unused = (
        Amendment.objects.select_for_update()
        .filter(engagement=engagement, reopening__isnull=True, document__isnull=False)
        .order_by("revision")
    )
    amendment = next((a for a in unused if is_signed(a)), None)
    if amendment is None:
        raise Refusal(
            _(
                "This reopening changes the scope or the price: it needs an amendment signed by "
                "the client and not used by another reopening. Write it on the engagement's "
                "Invoicing page and have it signed first."
            ),
            code="amendment_required",
        )
    amendment.reopening = change
    amendment.save(update_fields=["reopening", "updated_at"])
    record_event(
        organization=engagement.client,
        action="billing.amendment_used",
        actor=by,
        target=engagement,
        after={"amendment": amendment.pk, "number": amendment.revision, "phase": change.to_phase},
    )
