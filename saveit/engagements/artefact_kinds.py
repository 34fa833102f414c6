"""The artefacts of an engagement, described once: label, phase, model, PDF template, and
whether the client signs it (the completion report is issued, not signed)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from saveit.catalog.models import AcceptanceRecord
from saveit.catalog.selectors import current_acceptance_record

from . import selectors
from .models import (
    DeliveryNote,
    Engagement,
    MappingReport,
    Phase,
    Proposal,
    PurchaseOrder,
    ScopingNote,
    SignedArtefact,
)


@dataclass(frozen=True)
class ArtefactKind:
    code: str
    label: str | Promise
    phase: int
    model: type[SignedArtefact]
    template: str
    current: Callable[[Engagement], SignedArtefact | None]
    signed: bool = True


SCOPING_NOTE = ArtefactKind(
    "scoping_note",
    _("Scoping note"),
    Phase.SCOPING,
    ScopingNote,
    "scoping_note",
    selectors.current_scoping_note,
)
MAPPING_REPORT = ArtefactKind(
    "mapping_report",
    _("Mapping report"),
    Phase.MAPPING,
    MappingReport,
    "mapping_report",
    selectors.current_mapping_report,
)
PROPOSAL = ArtefactKind(
    "proposal",
    _("Technical proposal"),
    Phase.CONTRACT,
    Proposal,
    "proposal",
    selectors.current_proposal,
)
PURCHASE_ORDER = ArtefactKind(
    "purchase_order",
    _("Purchase order"),
    Phase.CONTRACT,
    PurchaseOrder,
    "agreement",
    selectors.current_purchase_order,
)

ACCEPTANCE_RECORD = ArtefactKind(
    "acceptance_record",
    _("Validation and activation record"),
    Phase.VALIDATION,
    AcceptanceRecord,
    "acceptance_record",
    current_acceptance_record,
)


def _current_completion_report(engagement: Engagement) -> SignedArtefact | None:
    from .services.closure import current_completion_report

    return current_completion_report(engagement)  # type: ignore[no-any-return]


def _current_delivery_note(engagement: Engagement) -> SignedArtefact | None:
    return engagement.delivery_notes.order_by("-revision").first()


def _completion_report_model() -> type[SignedArtefact]:
    from saveit.reporting.models import CompletionReport

    return CompletionReport


COMPLETION_REPORT = ArtefactKind(
    "completion_report",
    _("Completion report"),
    Phase.CLOSURE,
    _completion_report_model(),
    "completion_report",
    _current_completion_report,
    signed=False,
)
DELIVERY_NOTE = ArtefactKind(
    "delivery_note",
    _("Delivery note"),
    Phase.CLOSURE,
    DeliveryNote,
    "delivery_note",
    _current_delivery_note,
)

ARTEFACT_KINDS: tuple[ArtefactKind, ...] = (
    SCOPING_NOTE,
    MAPPING_REPORT,
    PROPOSAL,
    PURCHASE_ORDER,
    ACCEPTANCE_RECORD,
    COMPLETION_REPORT,
    DELIVERY_NOTE,
)


def kind_of(artefact: SignedArtefact) -> ArtefactKind:
    for kind in ARTEFACT_KINDS:
        if isinstance(artefact, kind.model):
            return kind
    raise TypeError(f"not an artefact: {artefact!r}")
