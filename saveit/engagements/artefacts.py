"""The artefacts of an engagement, described once: label, phase, model, PDF template, whether the
client signs it (the completion report is issued, not signed), and where its revisions are.

This is the one registry every list derives from: the engagement page's documents, the evidence
pack, the timeline, the PDFs an engagement serves and the signature labels. The engagement's own
artefacts are declared here; an app above (catalog's validation record, reporting's completion
report) registers its artefact in its AppConfig.ready(), so this module never imports upward.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

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
    order: int = 0  # position among the artefacts of the same phase
    file_stem: str = ""  # its files' names in evidence packs (ASCII, French)

    def revisions(self, engagement: Engagement) -> QuerySet[SignedArtefact]:
        return self.model._default_manager.filter(engagement=engagement)


_REGISTRY: dict[str, ArtefactKind] = {}


def register_artefact_kind(kind: ArtefactKind) -> ArtefactKind:
    """Declare an artefact once; registering the same code twice is a programming error."""
    if not kind.file_stem:
        raise ValueError(f"artefact kind {kind.code!r} needs a file_stem")
    known = _REGISTRY.get(kind.code)
    if known is not None and known != kind:
        raise ValueError(f"artefact kind {kind.code!r} registered twice")
    _REGISTRY[kind.code] = kind
    return kind


def artefact_kinds() -> tuple[ArtefactKind, ...]:
    """Every artefact kind in the order of the lifecycle."""
    return tuple(sorted(_REGISTRY.values(), key=lambda k: (k.phase, k.order)))


def artefact_kind(code: str) -> ArtefactKind | None:
    return _REGISTRY.get(code)


def kind_of(artefact: SignedArtefact) -> ArtefactKind:
    for kind in _REGISTRY.values():
        if isinstance(artefact, kind.model):
            return kind
    raise TypeError(f"not an artefact: {artefact!r}")


SCOPING_NOTE = register_artefact_kind(
    ArtefactKind(
        "scoping_note",
        _("Scoping note"),
        Phase.SCOPING,
        ScopingNote,
        "scoping_note",
        selectors.current_scoping_note,
        file_stem="note-de-cadrage",
    )
)
MAPPING_REPORT = register_artefact_kind(
    ArtefactKind(
        "mapping_report",
        _("Mapping report"),
        Phase.MAPPING,
        MappingReport,
        "mapping_report",
        selectors.current_mapping_report,
        file_stem="rapport-de-cartographie",
    )
)
PROPOSAL = register_artefact_kind(
    ArtefactKind(
        "proposal",
        _("Technical proposal"),
        Phase.CONTRACT,
        Proposal,
        "proposal",
        selectors.current_proposal,
        file_stem="proposition-technique",
    )
)
PURCHASE_ORDER = register_artefact_kind(
    ArtefactKind(
        "purchase_order",
        _("Purchase order"),
        Phase.CONTRACT,
        PurchaseOrder,
        "agreement",
        selectors.current_purchase_order,
        order=1,
        file_stem="bon-de-commande",
    )
)
DELIVERY_NOTE = register_artefact_kind(
    ArtefactKind(
        "delivery_note",
        _("Delivery note"),
        Phase.CLOSURE,
        DeliveryNote,
        "delivery_note",
        selectors.current_delivery_note,
        order=1,
        file_stem="bon-de-livraison",
    )
)
