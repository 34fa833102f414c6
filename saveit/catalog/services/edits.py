"""Edits of a draft version: settings, lessons, content blocks, items. Frozen versions refuse."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership
from saveit.audit.chain import record_event
from saveit.core.errors import Refusal
from saveit.documents.ingest.sniff import detect

from .. import selectors
from ..models import Block, Item, Lesson, ModuleVersion, new_key
from ..sanitize import clean_html
from .common import locked_draft
from .inputs import FILE_KINDS, BlockInput, ItemInput, LessonInput, VersionSettings

IMAGE_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}


def _audit(version: ModuleVersion, by: Membership, action: str, **after: Any) -> None:
    record_event(
        organization=version.module.organization,
        action=action,
        actor=by,
        target=version,
        after={"module": version.module_id, "version": version.pk, **after},
    )


def _check_anchor(version: ModuleVersion, anchor: str) -> None:
    if anchor and anchor not in selectors.source_anchors(version):
        raise Refusal(
            _("Section “%(anchor)s” is not in the module's source documents.") % {"anchor": anchor},
            code="source_anchor",
        )


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
    _audit(version, by, "module.settings_saved")
    return version


@transaction.atomic
def save_lesson(
    *, version: ModuleVersion, by: Membership, data: LessonInput, lesson_id: int | None = None
) -> Lesson:
    version = locked_draft(version, by)
    if not data.title.strip():
        raise Refusal(_("Give the lesson a title."), code="title")
    _check_anchor(version, data.source_anchor)
    if lesson_id is None:
        lesson = Lesson(version=version, key=new_key("L"), position=version.lessons.count())
    else:
        lesson = _own(version.lessons, lesson_id)
    lesson.title = data.title.strip()[:200]
    lesson.source_anchor = data.source_anchor
    lesson.reviewed = True  # the designer has read and edited it
    lesson.save()
    _audit(version, by, "module.lesson_saved", lesson=lesson.key)
    return lesson


def _own(queryset, pk: int):  # type: ignore[no-untyped-def]
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Refusal(_("This element is not part of the version."), code="not_found")
    return found


@transaction.atomic
def delete_lesson(*, version: ModuleVersion, by: Membership, lesson_id: int) -> None:
    version = locked_draft(version, by)
    lesson = _own(version.lessons, lesson_id)
    key = lesson.key
    lesson.delete()
    _audit(version, by, "module.lesson_deleted", lesson=key)


@transaction.atomic
def accept_proposals(*, version: ModuleVersion, by: Membership, keys: list[str]) -> int:
    """The designer accepts generated lessons or items as they are (they stay editable)."""
    version = locked_draft(version, by)
    count = version.lessons.filter(key__in=keys).update(reviewed=True)
    count += version.items.filter(key__in=keys).update(reviewed=True)
    if count == 0:
        raise Refusal(_("Nothing to accept."), code="not_found")
    _audit(version, by, "module.proposals_accepted", keys=sorted(keys))
    return count


def _stored_file(version: ModuleVersion, data: BlockInput) -> dict[str, str]:
    if data.upload is None:
        raise Refusal(_("Choose the file to add."), code="file")
    content, name = data.upload
    if not content:
        raise Refusal(_("The file is empty."), code="file")
    if len(content) > settings.UPLOAD_MAX_BYTES:
        raise Refusal(_("The file is too large."), code="file")
    if data.kind == Block.Kind.IMAGE:
        media_type = next((t for m, t in IMAGE_MAGIC.items() if content.startswith(m)), "")
        if not media_type:
            raise Refusal(_("An image must be a PNG, JPEG or GIF file."), code="file")
    else:
        media_type = detect(content, name, max_bytes=settings.UPLOAD_MAX_BYTES).media_type
    sha256 = hashlib.sha256(content).hexdigest()
    path = f"modules/{version.module.organization_id}/{sha256}"
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(content))
    safe_name = "".join(c for c in name.rsplit("/", 1)[-1] if c.isprintable())[:200] or "fichier"
    return {"file": path, "name": safe_name, "sha256": sha256, "media_type": media_type}


@transaction.atomic
def save_block(
    *,
    version: ModuleVersion,
    by: Membership,
    lesson_id: int,
    data: BlockInput,
    block_id: int | None = None,
) -> Block:
    version = locked_draft(version, by)
    lesson = _own(version.lessons, lesson_id)
    if data.kind not in Block.Kind.values:
        raise Refusal(_("Unknown content type."), code="kind")
    block = (
        Block(lesson=lesson, position=lesson.blocks.count())
        if block_id is None
        else _own(lesson.blocks, block_id)
    )
    block.kind = data.kind
    block.html, block.url = "", ""
    if data.kind in (Block.Kind.TEXT, Block.Kind.CALLOUT):
        block.html = clean_html(data.html)
        if not block.html:
            raise Refusal(_("The text is empty."), code="html")
    elif data.kind == Block.Kind.VIDEO:
        if not data.url.startswith("https://"):
            raise Refusal(_("A video link must start with https://."), code="url")
        block.url = data.url[:200]
    elif data.kind in FILE_KINDS and (data.upload is not None or not block.sha256):
        for name, value in _stored_file(version, data).items():
            setattr(block, name, value)
    block.save()
    lesson.reviewed = True
    lesson.save(update_fields=["reviewed"])
    _audit(version, by, "module.block_saved", lesson=lesson.key, kind=block.kind)
    return block


@transaction.atomic
def delete_block(*, version: ModuleVersion, by: Membership, block_id: int) -> None:
    version = locked_draft(version, by)
    block = _own(Block.objects.filter(lesson__version=version), block_id)
    key = block.lesson.key
    block.delete()
    _audit(version, by, "module.block_deleted", lesson=key)


@transaction.atomic
def save_item(
    *, version: ModuleVersion, by: Membership, data: ItemInput, item_id: int | None = None
) -> Item:
    version = locked_draft(version, by)
    clean = data.normalised()
    for anchor in clean.source_anchors:
        _check_anchor(version, anchor)
    item = (
        Item(version=version, key=new_key("I"), position=version.items.count())
        if item_id is None
        else _own(version.items, item_id)
    )
    for name in ("kind", "prompt", "choices", "correct", "answer", "tolerance", "unit"):
        setattr(item, name, getattr(clean, name))
    item.feedback = clean.feedback
    item.source_anchors = clean.source_anchors
    item.reviewed = True
    item.save()
    _audit(version, by, "module.item_saved", item=item.key, kind=item.kind)
    return item


@transaction.atomic
def delete_item(*, version: ModuleVersion, by: Membership, item_id: int) -> None:
    version = locked_draft(version, by)
    item = _own(version.items, item_id)
    key = item.key
    item.delete()
    _audit(version, by, "module.item_deleted", item=key)
