"""What an artefact says (its content), and whether the client's signature still covers it."""

from __future__ import annotations

import hashlib
from enum import StrEnum
from typing import Any

from django.db import models
from django.utils import timezone

from saveit.accounts.roles import Role
from saveit.audit.chain import canonical_json
from saveit.audit.services import stored_sha256

from .models import (
    MappingReport,
    ProformaInvoice,
    ProposalLine,
    PurchaseOrder,
    ScopingNote,
    SignedArtefact,
)
from .models import Proposal as ProposalModel


class State(StrEnum):
    DRAFT = "draft"  # editable, not yet rendered for signature
    AWAITING_SIGNATURE = "awaiting_signature"
    SIGNED = "signed"
    ALTERED = "altered"  # content, file or signature no longer agree


def _lines(proposal: ProposalModel) -> list[dict[str, Any]]:
    lines: models.QuerySet[ProposalLine] = proposal.lines.order_by("position", "pk")
    return [
        {
            "label": line.label,
            "quantity": str(line.quantity),
            "unit_price": str(line.unit_price),
            "vat_rate": str(line.vat_rate),
        }
        for line in lines
    ]


def artefact_content(artefact: SignedArtefact) -> dict[str, Any]:
    """The fields a signature covers; any change to them after issue shows as ALTERED."""
    own = getattr(artefact, "signed_content", None)
    if own is not None:  # artefacts of other domains describe themselves
        return dict(own())
    if isinstance(artefact, ScopingNote):
        return {
            "kind": "scoping_note",
            "objectives": artefact.objectives,
            "scope": artefact.scope_items,
            "constraints": artefact.constraints,
            "expectations": artefact.expectations,
            "planning": artefact.planning,
        }
    if isinstance(artefact, MappingReport):
        return {"kind": "mapping_report", "snapshot": artefact.snapshot}
    if isinstance(artefact, ProposalModel):
        return {
            "kind": "proposal",
            "need": artefact.need,
            "planning": artefact.planning,
            "valid_until": artefact.valid_until.isoformat() if artefact.valid_until else "",
            "terms": artefact.terms,
            "lines": _lines(artefact),
            "deliverables": [
                {
                    "title": d.title,
                    "description": d.description,
                    "sources": sorted(s.pk for s in d.sources.all()),
                }
                for d in artefact.deliverables.order_by("position", "pk")
            ],
        }
    if isinstance(artefact, PurchaseOrder):
        return {
            "kind": "purchase_order",
            "type": artefact.kind,
            "proposal": artefact.proposal_id,
            "client_reference": artefact.client_reference,
        }
    raise TypeError(f"not an artefact: {artefact!r}")


def content_sha256(artefact: SignedArtefact) -> str:
    return hashlib.sha256(canonical_json(artefact_content(artefact))).hexdigest()


def owner_signature(artefact: SignedArtefact):
    """The signature of one of the client's content owners over the issued bytes, if any."""
    if artefact.document is None:
        return None
    return (
        artefact.document.signatures.filter(
            role=Role.CLIENT_OWNER,
            organization_id=artefact.engagement.client_id,
            membership__organization_id=artefact.engagement.client_id,
            membership__role=Role.CLIENT_OWNER,
            document_sha256=artefact.document.sha256,
        )
        .select_related("membership__user")
        .first()
    )


def is_expired(proposal: ProposalModel) -> bool:
    """The proposal's validity date has passed (French calendar day)."""
    return proposal.valid_until is not None and proposal.valid_until < timezone.localdate()


def signed_in_time(proposal: ProposalModel) -> bool:
    """A proposal binds only when the client signed it on or before its validity date."""
    signature = owner_signature(proposal)
    return (
        signature is not None
        and proposal.valid_until is not None
        and timezone.localdate(signature.signed_at) <= proposal.valid_until
    )


def is_intact(artefact: SignedArtefact) -> bool:
    """The stored PDF is the one issued and the fields still say what was rendered."""
    if artefact.document is None:
        return True
    return (
        artefact.content_sha256 == content_sha256(artefact)
        and stored_sha256(artefact.document.file.name) == artefact.document.sha256
    )


def proforma_content(proforma: ProformaInvoice) -> dict[str, Any]:
    """What an issued proforma states, its PDF's fingerprint included: it never changes."""
    return {
        "kind": "proforma",
        "engagement": proforma.engagement_id,
        "proposal": proforma.proposal_id,
        "number": proforma.number,
        "issued_on": proforma.issued_on.isoformat(),
        "due_on": proforma.due_on.isoformat(),
        "lines": proforma.lines,
        "terms": proforma.terms,
        "totals": [
            f"{value:.2f}"
            for value in (
                proforma.total_excl,
                proforma.total_vat,
                proforma.total_incl,
                proforma.deposit,
            )
        ],
        "document": proforma.document_id,
        "document_sha256": proforma.document.sha256,
    }


def proforma_sha256(proforma: ProformaInvoice) -> str:
    return hashlib.sha256(canonical_json(proforma_content(proforma))).hexdigest()


def proforma_is_intact(proforma: ProformaInvoice) -> bool:
    """Its fields and its stored PDF are still those issued (as is_intact for artefacts)."""
    return (
        proforma.content_sha256 == proforma_sha256(proforma)
        and stored_sha256(proforma.document.file.name) == proforma.document.sha256
    )


def state_of(artefact: SignedArtefact | None, *, needs_signature: bool = True) -> State | None:
    if artefact is None:
        return None
    if artefact.document is None:
        return State.DRAFT
    if not is_intact(artefact):
        return State.ALTERED
    if not needs_signature:
        return State.SIGNED
    return State.SIGNED if owner_signature(artefact) else State.AWAITING_SIGNATURE
