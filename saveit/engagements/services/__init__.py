from .closure import (
    generate_completion_report,
    issue_delivery_note,
    reopen_closed,
    seal_evidence_pack,
)
from .commercial import (
    DeliverableInput,
    LineInput,
    create_purchase_agreement,
    issue_proforma,
    issue_proposal,
    record_purchase_order,
    save_proposal,
    update_contract_terms,
)
from .lifecycle import GateClosed, advance_phase, create_engagement, reopen_phase
from .scoping import (
    generate_mapping_report,
    issue_scoping_note,
    record_interview,
    save_scoping_note,
)

__all__ = [
    "DeliverableInput",
    "GateClosed",
    "LineInput",
    "advance_phase",
    "create_engagement",
    "create_purchase_agreement",
    "generate_completion_report",
    "generate_mapping_report",
    "issue_delivery_note",
    "issue_proforma",
    "issue_proposal",
    "issue_scoping_note",
    "record_interview",
    "record_purchase_order",
    "reopen_closed",
    "reopen_phase",
    "save_proposal",
    "save_scoping_note",
    "seal_evidence_pack",
    "update_contract_terms",
]
