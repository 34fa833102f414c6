"""What changed between two versions of a module, in the API: the diff the comparison page shows.

Mounted at /api/v1/ with the modules API. Both versions are reached through access_version, the
one rule of which versions a member sees: another organisation's id, or a draft for the client,
answers 404 as on the page.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from saveit.accounts.permissions import acting_member
from saveit.core.api_support import COMMON_ERRORS

from .diff import RowKind, Status
from .permissions import access_version
from .selectors import compared

router = Router(tags=["modules"])


class DiffRowOut(Schema):
    old: str
    new: str
    kind: RowKind


class FieldChangeOut(Schema):
    name: str = Field(..., description="The field for programs: title, assessment.pass_mark…")
    label: str = Field(..., description="The field as people call it, in the request's language.")
    old: str
    new: str
    rows: list[DiffRowOut]


class SourceChangeOut(Schema):
    document: str
    status: Status
    old_label: str
    new_label: str
    old_anchors: list[str]
    new_anchors: list[str]
    anchors_added: list[str]
    anchors_removed: list[str]
    content_changed: bool


class BlockChangeOut(Schema):
    position: int
    kind: str
    label: str
    status: Status
    rows: list[DiffRowOut]


class LessonChangeOut(Schema):
    key: str
    title: str
    status: Status
    moved: bool
    changed: bool
    fields: list[FieldChangeOut]
    blocks: list[BlockChangeOut]


class ItemChangeOut(Schema):
    key: str
    prompt: str
    status: Status
    moved: bool
    changed: bool
    fields: list[FieldChangeOut]


class VersionDiffOut(Schema):
    old_version_id: int = Field(..., description="The older of the two versions.")
    new_version_id: int
    old_version: str
    new_version: str
    is_empty: bool
    lesson_counts: dict[str, int]
    item_counts: dict[str, int]
    fields: list[FieldChangeOut]
    sources: list[SourceChangeOut]
    lessons: list[LessonChangeOut] = Field(..., description="Every lesson, changed or not.")
    items: list[ItemChangeOut] = Field(..., description="Every question, changed or not.")


class DiffQuery(Schema):
    against: int = Field(..., description="The other version of the same module.")


@router.get(
    "/module-versions/{version_id}/diff",
    response={200: VersionDiffOut, **COMMON_ERRORS},
)
def version_diff(
    request: HttpRequest, version_id: int, query: Query[DiffQuery]
) -> dict[str, Any] | tuple[int, dict[str, Any]]:
    """What changed from the older to the newer of the two versions, whichever is given first.

    404 when either version is not one the member may see (another organisation's, or a
    draft for the client); 422, in the body of any invalid query, when `against` belongs to
    another module.
    """
    member = acting_member(request)
    version = access_version(member, version_id)
    other = access_version(member, query.against)
    if other.module_id != version.module_id:
        message = _("This version belongs to another module: compare two versions of one module.")
        return 422, {
            "detail": [{"loc": ["query", "against"], "msg": message, "type": "other_module"}]
        }
    old, new, diff = compared(version, other)
    out: dict[str, Any] = {
        "old_version_id": old.pk,
        "new_version_id": new.pk,
        "old_version": diff.old_version,
        "new_version": diff.new_version,
        "is_empty": diff.is_empty,
        "lesson_counts": diff.lesson_counts,
        "item_counts": diff.item_counts,
        "fields": diff.fields,
        "sources": diff.sources,
        "lessons": diff.lessons,
        "items": diff.items,
    }
    return out
