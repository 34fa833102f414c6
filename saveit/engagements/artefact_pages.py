"""Each artefact revision as an HTML page, built from the same data as its PDF (pdf_data)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import pdf_data
from .artefacts import MAPPING_REPORT, PROPOSAL, PURCHASE_ORDER, SCOPING_NOTE, ArtefactKind
from .models import Engagement, PurchaseOrder, SignedArtefact


@dataclass(frozen=True)
class ArtefactPage:
    kind: ArtefactKind
    data: Callable[[Any], dict[str, Any]]

    @property
    def template(self) -> str:
        return f"engagements/artefacts/{self.kind.code}.html"


PAGES: dict[str, ArtefactPage] = {
    page.kind.code: page
    for page in (
        ArtefactPage(SCOPING_NOTE, pdf_data.scoping_note_data),
        ArtefactPage(MAPPING_REPORT, pdf_data.mapping_report_data),
        ArtefactPage(PROPOSAL, pdf_data.proposal_data),
        ArtefactPage(PURCHASE_ORDER, pdf_data.agreement_data),
    )
}


def register_page(kind: ArtefactKind, data: Callable[[Any], dict[str, Any]]) -> None:
    """An app above declares the page of its artefact (built from its PDF's data), so that the
    PV and the delivery note read in the browser like the engagement's own artefacts."""
    known = PAGES.get(kind.code)
    if known is not None and known.data is not data:
        raise ValueError(f"artefact page {kind.code!r} registered twice")
    PAGES[kind.code] = ArtefactPage(kind, data)


def has_page(artefact: SignedArtefact | None) -> bool:
    """A client's own purchase order is its PDF: only the platform's artefacts have a page."""
    if isinstance(artefact, PurchaseOrder):
        return artefact.kind == PurchaseOrder.Kind.AGREEMENT
    return artefact is not None and any(isinstance(artefact, p.kind.model) for p in PAGES.values())


def artefact_revision(engagement: Engagement, code: str, revision: int) -> SignedArtefact | None:
    page = PAGES.get(code)
    if page is None:
        return None
    artefact = (
        page.kind.model._default_manager.filter(engagement=engagement, revision=revision)
        .select_related("document", "engagement__client")
        .first()
    )
    return artefact if has_page(artefact) else None
