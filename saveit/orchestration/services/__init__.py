from .closure import (
    generate_completion_report,
    issue_delivery_note,
    reopen_closed,
    seal_evidence_pack,
)
from .lifecycle import GateClosed, advance_phase, reopen_phase
from .mapping import generate_mapping_report

__all__ = [
    "GateClosed",
    "advance_phase",
    "generate_completion_report",
    "generate_mapping_report",
    "issue_delivery_note",
    "reopen_closed",
    "reopen_phase",
    "seal_evidence_pack",
]
