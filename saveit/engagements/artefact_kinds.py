"""The artefacts a client signs, described once: label, phase, model, PDF template."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from saveit.catalog.models import AcceptanceRecord
from saveit.catalog.selectors import current_acceptance_record

from . import selectors
from .models import (
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

ARTEFACT_KINDS: tuple[ArtefactKind, ...] = (
    SCOPING_NOTE,
    MAPPING_REPORT,
    PROPOSAL,
    PURCHASE_ORDER,
    ACCEPTANCE_RECORD,
)


def kind_of(artefact: SignedArtefact) -> ArtefactKind:
    for kind in ARTEFACT_KINDS:
        if isinstance(artefact, kind.model):
            return kind
    raise TypeError(f"not an artefact: {artefact!r}")
