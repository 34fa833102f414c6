"""Uploading the client's procedures: each file checked, hashed, parsed, then kept as a version."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership
from saveit.audit.chain import record_event
from saveit.core.errors import Forbidden, Refusal
from saveit.core.hooks import Hook
from saveit.core.uploads import read_upload
from saveit.engagements.models import Engagement
from saveit.engagements.permissions import can_add_sources
from saveit.engagements.services.common import lock, require_open

from .models import DocumentVersion, SourceDocument

MAX_SCOPES = 30

# Called when versions stop being in force (catalog marks the modules built on them outdated).
version_superseded = Hook("documents.version_superseded")


@dataclass(frozen=True)
class VersionInput:
    title: str
    version_label: str
    scopes: list[str]
    owner_name: str = ""
    status: str = DocumentVersion.Status.IN_FORCE
    source_id: int | None = None  # a new version of this procedure; None: a new procedure


def _clean_scopes(scopes: list[str]) -> list[str]:
    cleaned: list[str] = []
    for scope in scopes:
        text = " ".join(str(scope).split())[:120]
        if text and text.casefold() not in {c.casefold() for c in cleaned}:
            cleaned.append(text)
    if len(cleaned) > MAX_SCOPES:
        raise Refusal(_("Too many scopes for one document."), code="scopes")
    return cleaned


def _check_input(
    engagement: Engagement, by: Membership, data: VersionInput
) -> SourceDocument | None:
    if not by.is_current() or not can_add_sources(by, engagement):
        raise Forbidden(_("Your role does not allow adding documents here."))
    require_open(engagement)
    if data.status not in (DocumentVersion.Status.IN_FORCE, DocumentVersion.Status.DRAFT):
        raise Refusal(_("A new version is either a draft or in force."), code="status")
    if not (data.version_label or "").strip():
        raise Refusal(_("Give the version a label (for example 2.1)."), code="version_label")
    if data.source_id is None:
        if not (data.title or "").strip():
            raise Refusal(_("Give the document a title."), code="title")
        return None
    source = engagement.sources.filter(pk=data.source_id).first()
    if source is None:
        raise Refusal(_("This document is not part of the engagement."), code="source")
    return source


def upload_version(
    *,
    engagement: Engagement,
    by: Membership,
    uploaded_file: UploadedFile | tuple[bytes, str],
    data: VersionInput,
) -> DocumentVersion:
    """Check who, what and the bytes first; then store the file and the rows together."""
    _check_input(engagement, by, data)
    from .ingest.isolated import ingest_isolated

    content, name = read_upload(uploaded_file)
    detected, outline = ingest_isolated(content, name, max_bytes=settings.UPLOAD_MAX_BYTES)
    sha256 = hashlib.sha256(content).hexdigest()
    path = f"sources/{engagement.client_id}/{sha256}"
    created = not default_storage.exists(path)
    if created:
        path = default_storage.save(path, ContentFile(content))
    try:
        return _record_version(engagement, by, data, name, content, sha256, path, detected, outline)
    except BaseException:
        if created:  # nothing stays behind when the rows could not be written
            default_storage.delete(path)
        raise


@transaction.atomic
def _record_version(engagement, by, data, name, content, sha256, path, detected, outline):
    engagement = lock(engagement)
    require_open(engagement)
    source = _check_input(engagement, by, data)
    if source is None:
        source = SourceDocument.objects.create(
            client=engagement.client,
            engagement=engagement,
            title=data.title.strip()[:200],
            owner_name=(data.owner_name or "").strip()[:200],
        )
    elif source.versions.filter(sha256=sha256).exists():
        raise Refusal(
            _("This file is identical to a version already uploaded for this document."),
            code="duplicate_version",
        )
    elif data.owner_name.strip():
        source.owner_name = data.owner_name.strip()[:200]
        source.save(update_fields=["owner_name"])
    number = (source.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    superseded: list[int] = []
    if data.status == DocumentVersion.Status.IN_FORCE:
        superseded = _supersede_in_force(source)
    version = DocumentVersion.objects.create(
        source=source,
        client=engagement.client,
        number=number,
        version_label=data.version_label.strip()[:40],
        status=data.status,
        scopes=_clean_scopes(data.scopes),
        file=path,
        original_name=name,
        kind=detected.kind,
        media_type=detected.media_type,
        size=len(content),
        sha256=sha256,
        outline=outline.to_json(),
        uploaded_by=by,
    )
    record_event(
        organization=engagement.client,
        action="source.version_uploaded",
        actor=by,
        target=engagement,
        after={
            "source": source.pk,
            "version": version.pk,
            "number": number,
            "sha256": sha256,
            "kind": detected.kind,
            "superseded": superseded,
        },
    )
    version_superseded(superseded_ids=superseded, new_version=version, by=by)
    return version


def _supersede_in_force(source: SourceDocument) -> list[int]:
    """Mark the version in force of this procedure superseded; returns the ids it concerned."""
    previous = source.versions.filter(status=DocumentVersion.Status.IN_FORCE)
    superseded = list(previous.values_list("pk", flat=True))
    previous.update(status=DocumentVersion.Status.SUPERSEDED)
    return superseded


@transaction.atomic
def put_in_force(*, version: DocumentVersion, by: Membership) -> DocumentVersion:
    """A draft version becomes the procedure's version in force; the previous one is superseded."""
    engagement = lock(version.source.engagement)
    if not by.is_current() or not can_add_sources(by, engagement):
        raise Forbidden(_("Your role does not allow changing documents here."))
    require_open(engagement)
    version = DocumentVersion.objects.select_related("source").get(pk=version.pk)
    if version.status != DocumentVersion.Status.DRAFT:
        raise Refusal(_("Only a draft version can be put in force."), code="not_draft")
    source = version.source
    if (
        source.versions.filter(number__gt=version.number)
        .exclude(status=DocumentVersion.Status.DRAFT)
        .exists()
    ):
        raise Refusal(
            _("A later version of this document is already in force or superseded."),
            code="not_latest",
        )
    superseded = _supersede_in_force(source)
    version.status = DocumentVersion.Status.IN_FORCE
    version.save(update_fields=["status"])
    record_event(
        organization=engagement.client,
        action="source.version_put_in_force",
        actor=by,
        target=engagement,
        after={"source": source.pk, "version": version.pk, "superseded": superseded},
    )
    version_superseded(superseded_ids=superseded, new_version=version, by=by)
    return version
