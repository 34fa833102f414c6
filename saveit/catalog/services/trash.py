"""Undo a deletion of draft content for a short while (UNDO_WINDOW), then forget it.

A deleted lesson or block is kept as the fields it had (not as a hidden row), so every reader
of lessons and blocks stays unaware of deletions; restoring re-creates it at its place.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership
from saveit.core.errors import Refusal

from ..models import UNDO_WINDOW, Block, DeletedContent, Lesson, ModuleVersion, new_key
from .common import locked_draft


def _fields(row: models.Model, *, skip: tuple[str, ...]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in row._meta.concrete_fields:
        if field.primary_key or field.name in skip:
            continue
        value = getattr(row, field.attname)
        values[field.attname] = value.name if isinstance(field, models.FileField) else value
    return values


def purge_expired() -> int:
    """Forget deletions that can no longer be undone (called lazily by each deletion)."""
    deleted, _kinds = DeletedContent.objects.filter(
        deleted_at__lt=timezone.now() - UNDO_WINDOW
    ).delete()
    return deleted


def keep_lesson(lesson: Lesson, by: Membership) -> DeletedContent:
    purge_expired()
    blocks = [_fields(b, skip=("lesson",)) for b in lesson.blocks.order_by("position", "pk")]
    return DeletedContent.objects.create(
        version=lesson.version,
        kind=DeletedContent.Kind.LESSON,
        label=lesson.title[:200],
        payload={"lesson": _fields(lesson, skip=("version",)), "blocks": blocks},
        deleted_by=by,
        deleted_at=timezone.now(),
    )


def keep_block(block: Block, by: Membership) -> DeletedContent:
    purge_expired()
    return DeletedContent.objects.create(
        version=block.lesson.version,
        kind=DeletedContent.Kind.BLOCK,
        label=block.lesson.title[:200],
        payload={"lesson_key": block.lesson.key, "block": _fields(block, skip=("lesson",))},
        deleted_by=by,
        deleted_at=timezone.now(),
    )


def undoable(version: ModuleVersion) -> list[DeletedContent]:
    """The deletions of this draft that can still be undone, newest first."""
    since = timezone.now() - UNDO_WINDOW
    return list(DeletedContent.objects.filter(version=version, deleted_at__gte=since))


def _too_late() -> Refusal:
    return Refusal(
        _(
            "This deletion can no longer be undone: more than %(minutes)s minutes have passed. "
            "Nothing was restored."
        )
        % {"minutes": int(UNDO_WINDOW.total_seconds() // 60)},
        code="undo_expired",
    )


def _make_room(rows: models.QuerySet[Any], position: int) -> int:
    """Shift the rows from `position` down by one; the free position (at most the end)."""
    rows = rows.select_for_update()
    position = min(position, rows.count())
    for row in rows.filter(position__gte=position).order_by("-position"):
        row.position += 1
        row.save(update_fields=["position"])
    return position


@transaction.atomic
def restore_deleted(*, version: ModuleVersion, by: Membership, deleted_id: int) -> DeletedContent:
    version = locked_draft(version, by)
    kept = DeletedContent.objects.select_for_update().filter(version=version, pk=deleted_id).first()
    if kept is None or kept.deleted_at < timezone.now() - UNDO_WINDOW:
        raise _too_late()
    after: dict[str, Any]
    if kept.kind == DeletedContent.Kind.LESSON:
        restored = _restore_lesson(version, kept.payload)
        after = {"lesson": restored.key}
    else:
        block = _restore_block(version, kept.payload)
        after = {"lesson": block.lesson.key, "block": block.pk}
    kept.delete()
    from .edits import audit

    audit(version, by, f"module.{kept.kind}_restored", **after)
    return kept


def _restore_lesson(version: ModuleVersion, payload: dict[str, Any]) -> Lesson:
    fields = dict(payload["lesson"])
    if version.lessons.filter(key=fields["key"]).exists():
        fields["key"] = new_key("L")
    fields["position"] = _make_room(version.lessons.all(), fields["position"])
    lesson = Lesson.objects.create(version=version, **fields)
    Block.objects.bulk_create(Block(lesson=lesson, **block) for block in payload["blocks"])
    return lesson


def _restore_block(version: ModuleVersion, payload: dict[str, Any]) -> Block:
    lesson = version.lessons.filter(key=payload["lesson_key"]).first()
    if lesson is None:
        raise Refusal(
            _("The lesson of this content was deleted: restore the lesson first."),
            code="lesson_gone",
        )
    fields = dict(payload["block"])
    fields["position"] = _make_room(lesson.blocks.all(), fields["position"])
    return Block.objects.create(lesson=lesson, **fields)
