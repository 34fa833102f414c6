"""The data each artefact's PDF shows, formatted the French way, rendered by typst.

Artefacts are contractual documents of a French provider: they are always rendered in French,
whatever the language of the person who issues them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from saveit.accounts.roles import role_label
from saveit.accounts.selectors import provider_organization
from saveit.core import money
from saveit.core.dates import long_date
from saveit.core.hooks import Collect
from saveit.core.pdf import render_pdf
from saveit.core.pdf.documents import base_labels, document_header, today

from .models import (
    Engagement,
    MappingReport,
    Phase,
    ProformaInvoice,
    Proposal,
    PurchaseOrder,
    ScopingNote,
    SignedArtefact,
)

# Handlers get proposal= and return a paragraph printed under the particular conditions, or
# None: billing prints the version of the general terms of sale the proposal carries.
proposal_mentions = Collect("engagements.proposal_mentions")


def milestones(text: str) -> list[dict[str, str]]:
    """ "Label : date" per line; a line without a colon is a label with no date."""
    rows = []
    for line in text.splitlines():
        if not line.strip():
            continue
        label, _sep, when = line.partition(":")
        rows.append({"label": label.strip(), "date": when.strip()})
    return rows


def common(engagement: Engagement, *, title: str, reference: str, issued_on: Any) -> dict[str, Any]:
    """The header of an engagement's document: both parties, reference, date, signature."""
    return document_header(
        provider=provider_organization(),
        client=engagement.client,
        engagement=engagement,
        title=title,
        reference=reference,
        issued_on=issued_on,
        signer_role_label=role_label("client_owner"),
    )


def render_scoping_note(note: ScopingNote) -> bytes:
    return render_pdf("scoping_note", scoping_note_data(note))


def scoping_note_data(note: ScopingNote) -> dict[str, Any]:
    """What the note's PDF and its HTML page show."""
    engagement = note.engagement
    interviews = engagement.interviews.order_by("-held_on", "-pk")
    if note.issued_at is not None:  # the interview known when the note was issued
        interviews = interviews.filter(created_at__lte=note.issued_at)
    with override("fr"):
        interview = interviews.first()
        data = common(
            engagement,
            title=_("Scoping note"),
            reference=f"{engagement.reference}-NC-r{note.revision}",
            issued_on=_issued_on(note),
        )
        data |= {
            "interview": {
                "date": long_date(interview.held_on) if interview else "",
                "participants": interview.participant_list if interview else [],
                "notes": interview.notes if interview else "",
            },
            "objectives": note.objectives,
            "scope_items": note.scope_items,
            "constraints": note.constraints,
            "expectations": note.expectations,
            "milestones": milestones(note.planning),
            "labels": base_labels(_("Scoping note"))
            | {
                "interview": _("Scoping interview"),
                "interview_date": _("Date"),
                "participants": _("Participants"),
                "interview_notes": _("Notes"),
                "objectives": _("Objectives"),
                "scope": _("Scope"),
                "constraints": _("Regulatory constraints"),
                "expectations": _("Expectations"),
                "planning": _("Planning"),
                "milestone": _("Milestone"),
                "milestone_date": _("Date"),
                "no_milestones": _("No milestone set yet."),
            },
        }
    return data


STATUS_FR = {"draft": "brouillon", "in_force": "en vigueur", "superseded": "remplacée"}


def render_mapping_report(report: MappingReport) -> bytes:
    return render_pdf("mapping_report", mapping_report_data(report))


def mapping_report_data(report: MappingReport) -> dict[str, Any]:
    """What the report's PDF and its HTML page show: its snapshot, never the live inventory."""
    engagement, snapshot = report.engagement, report.snapshot
    with override("fr"):
        data = common(
            engagement,
            title=_("Document mapping report"),
            reference=f"{engagement.reference}-RC-r{report.revision}",
            issued_on=_issued_on(report),
        )
        data |= {
            "figures": [
                {"label": _("Documents in force"), "value": str(len(snapshot["sources"]))},
                {"label": _("Scopes expected"), "value": str(len(snapshot["scopes"]))},
                {"label": _("Gaps"), "value": str(len(snapshot["gaps"]))},
                {"label": _("Duplicates"), "value": str(len(snapshot["duplicates"]))},
            ],
            "sources": [
                {
                    "title": s["title"],
                    "version": s["version_label"],
                    "status": STATUS_FR.get(s["status"], s["status"]),
                    "media": s["kind"].upper(),
                    "sha256_short": s["sha256"][:12],
                    "scopes": ", ".join(s["scopes"]),
                    "owner": s["owner"],
                    "uploaded_on": long_date(_parse(s["uploaded_at"])),
                }
                for s in snapshot["sources"]
            ],
            "scopes": [
                {
                    "name": s["name"],
                    "covered": _("yes") if s["documents"] else _("no"),
                    "documents": str(len(s["documents"])),
                }
                for s in snapshot["scopes"]
            ],
            "gaps": snapshot["gaps"],
            "duplicates": [
                {"sha256_short": d["sha256"][:12], "files": ", ".join(d["files"])}
                for d in snapshot["duplicates"]
            ],
            "labels": base_labels(_("Mapping report"))
            | {
                "summary": _("Summary"),
                "sources": _("Source documents in force"),
                "source_title": _("Document"),
                "version": _("Version"),
                "status": _("Status"),
                "media": _("Format"),
                "sha256": _("SHA-256 (start)"),
                "source_scopes": _("Scope"),
                "owner": _("Owner"),
                "uploaded_on": _("Uploaded"),
                "no_sources": _("No source document."),
                "scopes": _("Scopes covered"),
                "scope_name": _("Scope"),
                "covered": _("Covered"),
                "documents": _("Documents"),
                "no_scopes": _("The scoping note lists no scope."),
                "gaps": _("Gaps (scopes with no source)"),
                "no_gaps": _("No gap: every expected scope has a source."),
                "duplicates": _("Duplicates (identical files)"),
                "duplicate_files": _("Files"),
                "no_duplicates": _("No duplicate file."),
            },
        }
    return data


def _price_rows(lines: list[money.PriceLine]) -> list[dict[str, str]]:
    return [
        {
            "label": line.label,
            "quantity": money.format_quantity(line.quantity),
            "unit_price": money.format_money(line.unit_price),
            "vat_rate": money.format_rate(line.vat_rate),
            "total_excl": money.format_money(line.total_excl),
        }
        for line in lines
    ]


def _totals(totals: money.Totals) -> dict[str, Any]:
    return {
        "totals": {
            "excl": money.format_money(totals.excl),
            "vat": money.format_money(totals.vat),
            "incl": money.format_money(totals.incl),
        },
        "vat_breakdown": [
            {
                "rate": money.format_rate(share.rate),
                "base": money.format_money(share.base),
                "amount": money.format_money(share.amount),
            }
            for share in totals.breakdown
        ],
    }


def _price_labels() -> dict[str, str]:
    return {
        "price": _("Prices"),
        "line_label": _("Designation"),
        "quantity": _("Qty"),
        "unit_price": _("Unit price excl. VAT"),
        "vat_rate": _("VAT"),
        "total_excl": _("Total excl. VAT"),
        "total_incl": _("Total incl. VAT"),
        "vat": _("VAT"),
        "vat_base": _("base"),
        "vat_total": _("Total VAT"),
    }


def _proposal_lines(proposal: Proposal) -> list[money.PriceLine]:
    from .services.commercial import price_lines

    return price_lines(proposal)


def render_proposal(proposal: Proposal) -> bytes:
    return render_pdf("proposal", proposal_data(proposal))


def proposal_data(proposal: Proposal) -> dict[str, Any]:
    """What the proposal's PDF and its HTML page show."""
    engagement = proposal.engagement
    lines = _proposal_lines(proposal)
    with override("fr"):
        data = common(
            engagement,
            title=_("Technical and financial proposal"),
            reference=f"{engagement.reference}-PT-r{proposal.revision}",
            issued_on=_issued_on(proposal),
        )
        data |= {
            "need": proposal.need,
            "deliverables": [
                {
                    "title": d.title,
                    "description": d.description,
                    "sources": ", ".join(s.title for s in d.sources.order_by("title")),
                }
                for d in proposal.deliverables.order_by("position", "pk")
            ],
            "milestones": milestones(proposal.planning),
            "lines": _price_rows(lines),
            **_totals(money.totals_of(lines)),
            "valid_until": long_date(proposal.valid_until),
            "terms": proposal.terms,
            "mentions": [str(m) for m in proposal_mentions(proposal=proposal)],
            "labels": base_labels(_("Technical proposal"))
            | _price_labels()
            | {
                "need": _("The need as we understood it"),
                "deliverables": _("Deliverables: certifying modules"),
                "deliverable": _("Module"),
                "description": _("Description"),
                "sources": _("Source procedures"),
                "planning": _("Planning"),
                "milestone": _("Milestone"),
                "milestone_date": _("Date"),
                "no_milestones": _("No milestone set yet."),
                "valid_until": _("Proposal valid until"),
                "terms": _("Particular conditions"),
            },
        }
    return data


def proforma_mentions(terms: dict[str, str], due_on: Any) -> list[str]:
    """The payment mentions French law requires on an invoice, from the contract terms."""
    return [
        _("Payment due on receipt, at the latest on %(date)s (%(days)s days).")
        % {"date": long_date(due_on), "days": terms["payment_days"]},
        _(
            "Late payment: penalties at %(times)s times the legal interest rate, per day late, "
            "and a fixed recovery indemnity of %(fee)s (French Commercial Code, art. L441-10)."
        )
        % {
            "times": money.format_quantity(money.to_decimal(terms["late_penalty_multiplier"])),
            "fee": money.format_money(money.to_decimal(terms["recovery_fee"])),
        },
        _("No discount for early payment."),
        _("The balance is invoiced within %(days)s days after delivery.")
        % {"days": terms["balance_days_after_delivery"]},
    ]


def render_proforma(proforma: ProformaInvoice) -> bytes:
    return render_pdf("proforma", proforma_data(proforma))


def proforma_data(proforma: ProformaInvoice) -> dict[str, Any]:
    """What the proforma's PDF and its HTML page show: its own lines and terms, as issued."""
    engagement = proforma.engagement
    lines = [
        money.PriceLine(
            row["label"],
            money.to_decimal(row["quantity"]),
            money.to_decimal(row["unit_price"]),
            money.to_decimal(row["vat_rate"]),
        )
        for row in proforma.lines
    ]
    with override("fr"):
        data = common(
            engagement,
            title=_("Proforma invoice"),
            reference=proforma.number,
            issued_on=proforma.issued_on,
        )
        data.pop("signature")
        data |= {
            "lines": _price_rows(lines),
            **_totals(money.totals_of(lines)),
            "mentions": proforma_mentions(proforma.terms, proforma.due_on),
            "labels": base_labels(_("Proforma invoice"))
            | _price_labels()
            | {
                "seller": _("Seller"),
                "buyer": _("Client"),
                "payment_schedule": _("Payment schedule"),
                "payment_terms": _("Payment terms"),
                "not_an_invoice": _(
                    "Proforma invoice: a request for payment before the work starts, not an "
                    "invoice. The invoice follows on payment."
                ),
            },
        }
        if proforma.deposit:
            data["deposit"] = {
                "label": _("Deposit due at order (%(rate)s of the total incl. VAT)")
                % {"rate": money.format_rate(money.to_decimal(proforma.terms["deposit_rate"]))},
                "amount": money.format_money(proforma.deposit),
                "note": _("Required because the total exceeds %(threshold)s incl. VAT.")
                % {
                    "threshold": money.format_money(
                        money.to_decimal(proforma.terms["deposit_threshold"])
                    )
                },
            }
            data["balance"] = {
                "label": _("Balance, invoiced after delivery"),
                "amount": money.format_money(proforma.total_incl - proforma.deposit),
            }
    return data


def render_agreement(order: PurchaseOrder) -> bytes:
    return render_pdf("agreement", agreement_data(order))


def agreement_data(order: PurchaseOrder) -> dict[str, Any]:
    """What the equivalent agreement's PDF and its HTML page show."""
    engagement, proposal = order.engagement, order.proposal
    lines = _proposal_lines(proposal)
    with override("fr"):
        data = common(
            engagement,
            title=_("Agreement in lieu of purchase order"),
            reference=f"{engagement.reference}-BC-r{order.revision}",
            issued_on=_issued_on(order),
        )
        data |= {
            "paragraphs": [
                _(
                    "%(client)s orders from %(provider)s the services described in the "
                    "technical and financial proposal %(proposal)s, which it signed."
                )
                % {
                    "client": engagement.client.name,
                    "provider": data["provider"]["name"],
                    "proposal": f"{engagement.reference}-PT-r{proposal.revision}",
                },
                _(
                    "This agreement, signed electronically, is worth a purchase order. "
                    "Production starts once it is signed and the proforma invoice is issued "
                    "(phase %(phase)s)."
                )
                % {"phase": f"{Phase.PRODUCTION.value} – {Phase.PRODUCTION.label}"},
            ],
            "lines": _price_rows(lines),
            **_totals(money.totals_of(lines)),
            "labels": base_labels(_("Agreement in lieu of purchase order"))
            | _price_labels()
            | {"statement": _("Agreement"), "recap": _("Order summary")},
        }
    return data


def _issued_on(artefact: SignedArtefact) -> date:
    """The day the revision was issued; today while it is rendered for issue (or a draft)."""
    if artefact.issued_at is not None:
        return timezone.localdate(artefact.issued_at)
    return today()


def _parse(value: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(value)
