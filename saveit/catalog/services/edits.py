"""Edits of a draft version: settings, lessons, items. Frozen versions refuse."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership
from saveit.audit.chain import record_event
from saveit.core.errors import Refusal

from .. import selectors
from ..models import DeletedContent, Item, Lesson, ModuleVersion, new_key
from . import trash
from .common import locked_draft, moved, next_position, renumbered
from .inputs import ItemInput, LessonInput, VersionSettings


def audit(version: ModuleVersion, by: Membership, action: str, **after: Any) -> None:
    record_event(
        organization=version.module.organization,
        action=action,
        actor=by,
        target=version,
        after={"module": version.module_id, "version": version.pk, **after},
    )


def source_of(version: ModuleVersion, anchors: list[str], source_version_id: int | None) -> (
    int | None
):  # fmt: skip
    """The source document version that holds all `anchors`, or a refusal saying why not.

    Without `source_version_id`, the anchors must belong to exactly one source of the version.
    """
    anchors = [anchor for anchor in anchors if anchor]
    if not anchors:
        return None
    index = selectors.section_index(version)
    if source_version_id is not None and source_version_id not in index:
        raise Refusal(_("This document is not a source of the module."), code="source_version")
    candidates = [source_version_id] if source_version_id is not None else list(index)
    for anchor in anchors:
        if not any(anchor in index[pk] for pk in candidates):
            raise Refusal(
                _("Section “%(anchor)s” is not in the module's source documents.")
                % {"anchor": anchor},
                code="source_anchor",
            )
    holders = [pk for pk in candidates if set(anchors) <= set(index[pk])]
    if not holders:
        raise Refusal(
            _("A question checks sections of one procedure: choose them in the same document."),
            code="source_documents",
        )
    if len(holders) > 1:
        raise Refusal(
            _("Section “%(anchor)s” exists in several source documents: say which one.")
            % {"anchor": anchors[0]},
            code="source_ambiguous",
        )
    return holders[0]


@transaction.atomic
def update_settings(
    *, version: ModuleVersion, by: Membership, data: VersionSettings
) -> ModuleVersion:
    version = locked_draft(version, by)
    data.check()
    version.title = data.title.strip()[:200]
    version.summary = data.summary.strip()
    version.objectives = [o.strip() for o in data.objectives if o.strip()]
    version.prerequisites = data.prerequisites.strip()
    for name in ("duration_minutes", "items_per_attempt", "randomise", "pass_mark"):
        setattr(version, name, getattr(data, name))
    version.max_attempts = data.max_attempts
    version.time_limit_minutes = data.time_limit_minutes
    version.validity_months = data.validity_months
    version.save()
    audit(version, by, "module.settings_saved")
    return version


@transaction.atomic
def save_lesson(
    *, version: ModuleVersion, by: Membership, data: LessonInput, lesson_id: int | None = None
) -> Lesson:
    version = locked_draft(version, by)
    if not data.title.strip():
        raise Refusal(_("Give the lesson a title."), code="title")
    source = source_of(version, [data.source_anchor], data.source_version_id)
    if lesson_id is None:
        lesson = Lesson(version=version, key=new_key("L"), position=next_position(version.lessons))
    else:
        lesson = own(version.lessons, lesson_id)
    lesson.title = data.title.strip()[:200]
    lesson.source_anchor = data.source_anchor if source is not None else ""
    lesson.source_version_id = source
    lesson.reviewed = True  # the designer has read and edited it
    lesson.save()
    audit(version, by, "module.lesson_saved", lesson=lesson.key)
    return lesson


def own(queryset, pk: int):
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Refusal(_("This element is not part of the version."), code="not_found")
    return found


@transaction.atomic
def delete_lesson(*, version: ModuleVersion, by: Membership, lesson_id: int) -> DeletedContent:
    """Deleted from the draft; `trash` keeps it for the undo window."""
    version = locked_draft(version, by)
    lesson = own(version.lessons, lesson_id)
    key = lesson.key
    kept = trash.keep_lesson(lesson, by)
    lesson.delete()
    Lesson.objects.bulk_update(renumbered(list(version.lessons.all())), ["position"])
    audit(version, by, "module.lesson_deleted", lesson=key)
    return kept


@transaction.atomic
def move_lesson(
    *, version: ModuleVersion, by: Membership, lesson_id: int, direction: str
) -> Lesson:
    """Swap a lesson with the one above or below; every position is renumbered at once."""
    version = locked_draft(version, by)
    lesson = own(version.lessons, lesson_id)
    lessons = list(version.lessons.select_for_update().order_by("position", "pk"))
    order = moved(lessons, next(x for x in lessons if x.pk == lesson.pk), direction)
    Lesson.objects.bulk_update(order, ["position"])
    position = next(x.position for x in order if x.pk == lesson.pk)
    # Audited as a save of the lesson (saveit/audit/labels.py names no "moved" action yet).
    audit(version, by, "module.lesson_saved", lesson=lesson.key, moved=direction, position=position)
    return next(x for x in order if x.pk == lesson.pk)


@transaction.atomic
def accept_proposals(*, version: ModuleVersion, by: Membership, keys: list[str]) -> int:
    """The designer accepts generated lessons or items as they are (they stay editable)."""
    version = locked_draft(version, by)
    count = version.lessons.filter(key__in=keys).update(reviewed=True)
    count += version.items.filter(key__in=keys).update(reviewed=True)
    if count == 0:
        raise Refusal(_("Nothing to accept."), code="not_found")
    audit(version, by, "module.proposals_accepted", keys=sorted(keys))
    return count


@transaction.atomic
def save_item(
    *, version: ModuleVersion, by: Membership, data: ItemInput, item_id: int | None = None
) -> Item:
    version = locked_draft(version, by)
    clean = data.normalised()
    source = source_of(version, clean.source_anchors, clean.source_version_id)
    item = (
        Item(version=version, key=new_key("I"), position=version.items.count())
        if item_id is None
        else own(version.items, item_id)
    )
    for name in ("kind", "prompt", "choices", "correct", "answer", "tolerance", "unit"):
        setattr(item, name, getattr(clean, name))
    item.feedback = clean.feedback
    item.source_anchors = clean.source_anchors
    item.source_version_id = source
    item.reviewed = True
    item.save()
    audit(version, by, "module.item_saved", item=item.key, kind=item.kind)
    return item


@transaction.atomic
def delete_item(*, version: ModuleVersion, by: Membership, item_id: int) -> None:
    version = locked_draft(version, by)
    item = own(version.items, item_id)
    key = item.key
    item.delete()
    audit(version, by, "module.item_deleted", item=key)
