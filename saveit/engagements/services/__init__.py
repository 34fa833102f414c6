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
from .lifecycle import create_engagement
from .scoping import (
    issue_scoping_note,
    record_interview,
    save_scoping_note,
)

__all__ = [
    "DeliverableInput",
    "LineInput",
    "create_engagement",
    "create_purchase_agreement",
    "issue_proforma",
    "issue_proposal",
    "issue_scoping_note",
    "record_interview",
    "record_purchase_order",
    "save_proposal",
    "save_scoping_note",
    "update_contract_terms",
]
