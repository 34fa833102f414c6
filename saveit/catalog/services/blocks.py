"""The content blocks of a draft's lessons: add, edit, move, delete. Frozen versions refuse."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership
from saveit.core.errors import Refusal
from saveit.core.uploads import check_size
from saveit.documents.ingest.sniff import detect

from ..models import Block, DeletedContent, ModuleVersion
from ..sanitize import clean_html
from . import trash
from .common import locked_draft, moved, next_position, renumbered
from .edits import audit, own
from .inputs import BlockInput

IMAGE_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}
ALT_MAX = 300


def _stored_file(version: ModuleVersion, data: BlockInput) -> dict[str, str]:
    if data.upload is None:
        raise Refusal(_("Choose the file to add."), code="file")
    content, name = data.upload
    if not content:
        raise Refusal(_("The file is empty."), code="file")
    check_size(content)
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
    safe_name = "".join(c for c in name.rsplit("/", 1)[-1] if c.isprintable())[:200]
    # The name a download gets when the uploaded one had nothing printable.
    safe_name = safe_name or _("file")
    return {"file": path, "name": safe_name, "sha256": sha256, "media_type": media_type}


def _fill(block: Block, version: ModuleVersion, data: BlockInput) -> None:
    """Checks everything before any file is stored; what a kind does not use is cleared."""
    block.html, block.url = "", ""
    if block.kind in (Block.Kind.TEXT, Block.Kind.CALLOUT):
        block.html = clean_html(data.html)
        if not block.html:
            raise Refusal(_("The text is empty."), code="html")
        return
    if block.kind == Block.Kind.VIDEO:
        if not data.url.startswith("https://"):
            raise Refusal(_("A video link must start with https://."), code="url")
        block.url = data.url[:200]
        return
    if block.kind == Block.Kind.IMAGE:
        block.alt = " ".join(data.alt.split())[:ALT_MAX]
        if not block.alt:
            raise Refusal(
                _("Describe the image in a few words for those who cannot see it."), code="alt"
            )
    if data.upload is not None or not block.sha256:
        for name, value in _stored_file(version, data).items():
            setattr(block, name, value)


@transaction.atomic
def save_block(
    *,
    version: ModuleVersion,
    by: Membership,
    data: BlockInput,
    lesson_id: int | None = None,
    block_id: int | None = None,
) -> Block:
    """A new block at the end of the lesson, or the edit of one (its type stays)."""
    version = locked_draft(version, by)
    if block_id is None:
        lesson = own(version.lessons, lesson_id or 0)
        if data.kind not in Block.Kind.values:
            raise Refusal(_("Unknown content type."), code="kind")
        block = Block(lesson=lesson, kind=data.kind, position=next_position(lesson.blocks))
    else:
        block = own(Block.objects.filter(lesson__version=version), block_id)
        lesson = block.lesson
        if lesson_id is not None and lesson.pk != lesson_id:
            raise Refusal(_("This element is not part of the version."), code="not_found")
        if data.kind and data.kind != block.kind:
            raise Refusal(
                _("A content keeps its type: add a new one and delete this one."), code="kind"
            )
    _fill(block, version, data)
    block.save()
    lesson.reviewed = True
    lesson.save(update_fields=["reviewed"])
    audit(
        version, by, "module.block_saved",
        lesson=lesson.key, block=block.pk, kind=block.kind, edited=block_id is not None,
    )  # fmt: skip
    return block


@transaction.atomic
def delete_block(*, version: ModuleVersion, by: Membership, block_id: int) -> DeletedContent:
    """Deleted from the draft; `trash` keeps it for the undo window."""
    version = locked_draft(version, by)
    block = own(Block.objects.filter(lesson__version=version), block_id)
    lesson = block.lesson
    kept = trash.keep_block(block, by)
    block.delete()
    Block.objects.bulk_update(renumbered(list(lesson.blocks.all())), ["position"])
    audit(version, by, "module.block_deleted", lesson=lesson.key)
    return kept


@transaction.atomic
def move_block(*, version: ModuleVersion, by: Membership, block_id: int, direction: str) -> Block:
    """Swap a block with the one above or below in its lesson; positions renumbered at once."""
    version = locked_draft(version, by)
    block = own(Block.objects.filter(lesson__version=version), block_id)
    blocks = list(block.lesson.blocks.select_for_update().order_by("position", "pk"))
    order = moved(blocks, next(b for b in blocks if b.pk == block.pk), direction)
    Block.objects.bulk_update(order, ["position"])
    moved_block = next(b for b in order if b.pk == block.pk)
    # Audited as a save of the block (saveit/audit/labels.py names no "moved" action yet).
    audit(
        version, by, "module.block_saved",
        lesson=block.lesson.key, block=block.pk, moved=direction, position=moved_block.position,
    )  # fmt: skip
    return moved_block
