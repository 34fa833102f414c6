from .artefacts import MappingReport, ScopingInterview, ScopingNote, SignedArtefact
from .closure import DeliveryNote, EvidencePack
from .commercial import (
    ContractTerms,
    ProformaInvoice,
    Proposal,
    ProposalDeliverable,
    ProposalLine,
    PurchaseOrder,
)
from .engagement import Engagement, Phase, PhaseChange

__all__ = [
    "ContractTerms",
    "DeliveryNote",
    "Engagement",
    "EvidencePack",
    "MappingReport",
    "Phase",
    "PhaseChange",
    "ProformaInvoice",
    "Proposal",
    "ProposalDeliverable",
    "ProposalLine",
    "PurchaseOrder",
    "ScopingInterview",
    "ScopingNote",
    "SignedArtefact",
]
