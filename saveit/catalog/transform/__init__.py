"""Proposals drawn from a procedure's outline, and what changed between two outlines.

Pure functions over `saveit.documents.ingest.outline.Outline`: no model, no database.
"""

from .diff import SectionChange, changed_anchors, outline_diff
from .proposals import ProposedBlock, ProposedItem, ProposedLesson, Skeleton, summary
from .skeleton import propose_skeleton

__all__ = [
    "ProposedBlock",
    "ProposedItem",
    "ProposedLesson",
    "SectionChange",
    "Skeleton",
    "changed_anchors",
    "outline_diff",
    "propose_skeleton",
    "summary",
]
