"""A section of a source document, named without ambiguity: its document version and anchor.

Anchors ("s-4-3") are stable from one version of a procedure to the next but repeat from one
procedure to another, so a module built on several procedures needs both parts. Rows keep them
in two fields (`source_version`, `source_anchor(s)`); forms carry them as one value, the key.
"""

from __future__ import annotations

SEPARATOR = "#"


def section_key(document_version_id: int | None, anchor: str) -> str:
    """ "12#s-4-3"; a bare anchor when the document is unknown."""
    if not anchor or document_version_id is None:
        return anchor
    return f"{document_version_id}{SEPARATOR}{anchor}"


def parse_key(key: str) -> tuple[int | None, str]:
    """(12, "s-4-3") from "12#s-4-3"; (None, "s-4-3") from a bare anchor."""
    head, separator, anchor = key.partition(SEPARATOR)
    if separator and head.isdigit():
        return int(head), anchor
    return None, key
