"""Uploading the client's procedures: each file checked, hashed, parsed, then kept as a version."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

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
from saveit.core.jobs import start_job
from saveit.core.uploads import read_upload
from saveit.engagements.models import Engagement
from saveit.engagements.permissions import can_add_sources
from saveit.engagements.services.common import lock, require_open

from .ingest.sniff import Detected, detect
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
    """Check who, what and the bytes first; then store the file and the rows together.

    A file up to INGEST_INLINE_MAX_BYTES is analysed here (in a bounded child process); a larger
    one is stored as a draft whose analysis the worker does (`extraction` pending): the status
    asked for, and the superseding of the version in force, wait for the analysis to succeed.
    """
    _check_input(engagement, by, data)
    from .ingest.isolated import extract_isolated

    content, name = read_upload(uploaded_file)
    detected = detect(content, name, max_bytes=settings.UPLOAD_MAX_BYTES)
    outline = None
    if len(content) <= settings.INGEST_INLINE_MAX_BYTES:
        outline = extract_isolated(content, detected).to_json()
    sha256 = hashlib.sha256(content).hexdigest()
    path = f"sources/{engagement.client_id}/{sha256}"
    created = not default_storage.exists(path)
    if created:
        path = default_storage.save(path, ContentFile(content))
    stored = StoredFile(name=name, size=len(content), sha256=sha256, path=path, detected=detected)
    try:
        return _record_version(engagement, by, data, stored, outline)
    except BaseException:
        if created:  # nothing stays behind when the rows could not be written
            default_storage.delete(path)
        raise


@dataclass(frozen=True)
class StoredFile:
    name: str
    size: int
    sha256: str
    path: str
    detected: Detected


@transaction.atomic
def _record_version(
    engagement: Engagement,
    by: Membership,
    data: VersionInput,
    stored: StoredFile,
    outline: dict[str, Any] | None,
) -> DocumentVersion:
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
    elif (
        source.versions.filter(sha256=stored.sha256)
        .exclude(extraction=DocumentVersion.Extraction.FAILED)
        .exists()
    ):
        raise Refusal(
            _("This file is identical to a version already uploaded for this document."),
            code="duplicate_version",
        )
    elif data.owner_name.strip():
        source.owner_name = data.owner_name.strip()[:200]
        source.save(update_fields=["owner_name"])
    number = (source.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    pending = outline is None
    superseded: list[int] = []
    if data.status == DocumentVersion.Status.IN_FORCE and not pending:
        superseded = _supersede_in_force(source)
    version = DocumentVersion.objects.create(
        source=source,
        client=engagement.client,
        number=number,
        version_label=data.version_label.strip()[:40],
        status=DocumentVersion.Status.DRAFT if pending else data.status,
        requested_status=data.status if pending else "",
        extraction=(
            DocumentVersion.Extraction.PENDING if pending else DocumentVersion.Extraction.READY
        ),
        scopes=_clean_scopes(data.scopes),
        file=stored.path,
        original_name=stored.name,
        kind=stored.detected.kind,
        media_type=stored.detected.media_type,
        size=stored.size,
        sha256=stored.sha256,
        outline=outline or {},
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
            "sha256": stored.sha256,
            "kind": stored.detected.kind,
            "superseded": superseded,
            "analysis": version.extraction,
        },
    )
    if pending:
        job = start_job(
            kind=EXTRACTION_JOB,
            organization_id=by.organization_id,
            requested_by=by.user_id,
            title=_("Analysis of %(title)s, version %(version)s")
            % {"title": source.title, "version": version.version_label},
            params={"version": version.pk},
        )
        version.extraction_job_id = job.pk
        version.save(update_fields=["extraction_job_id"])
    else:
        version_superseded(superseded_ids=superseded, new_version=version, by=by)
    return version


EXTRACTION_JOB = "documents.extract"


def analyse_pending_version(version_id: int) -> DocumentVersion | None:
    """The worker's half of a large upload: parse the stored file, then either record the
    outline (and apply the status asked for) or record why it could not be analysed."""
    from .ingest.isolated import extract_isolated

    version = DocumentVersion.objects.filter(
        pk=version_id, extraction=DocumentVersion.Extraction.PENDING
    ).first()
    if version is None:  # already analysed (a retried job) or gone
        return None
    with version.file.open("rb") as handle:
        content = handle.read()
    try:
        if hashlib.sha256(content).hexdigest() != version.sha256:
            raise Refusal(_("The stored file no longer matches its fingerprint."), code="sha256")
        outline = extract_isolated(content, Detected.of(version.kind), background=True)
    except Refusal as refusal:
        _record_analysis(version.pk, outline=None, error=refusal.message)
        raise
    return _record_analysis(version.pk, outline=outline.to_json(), error="")


@transaction.atomic
def _record_analysis(
    version_id: int, *, outline: dict[str, Any] | None, error: str
) -> DocumentVersion | None:
    version = DocumentVersion.objects.select_related("source__engagement", "uploaded_by").get(
        pk=version_id
    )
    engagement = lock(version.source.engagement)
    version.refresh_from_db()
    if version.extraction != DocumentVersion.Extraction.PENDING:
        return None
    superseded: list[int] = []
    if outline is None:
        version.extraction = DocumentVersion.Extraction.FAILED
        version.extraction_error = str(error)
    else:
        version.extraction = DocumentVersion.Extraction.READY
        version.outline = outline
        wanted = version.requested_status == DocumentVersion.Status.IN_FORCE
        if wanted and engagement.closed_at is None and not _later_version_used(version):
            superseded = _supersede_in_force(version.source)
            version.status = DocumentVersion.Status.IN_FORCE
    version.requested_status = ""
    version.save(
        update_fields=["extraction", "extraction_error", "outline", "status", "requested_status"]
    )
    record_event(
        organization=engagement.client,
        action="source.version_analysed",
        actor=version.uploaded_by,
        target=engagement,
        after={
            "source": version.source_id,
            "version": version.pk,
            "analysis": version.extraction,
            "status": version.status,
            "superseded": superseded,
        },
    )
    if outline is not None:
        version_superseded(superseded_ids=superseded, new_version=version, by=version.uploaded_by)
    return version


def _later_version_used(version: DocumentVersion) -> bool:
    """A later upload already in force (or superseded) wins over this one's late analysis."""
    return (
        version.source.versions.filter(number__gt=version.number)
        .exclude(status=DocumentVersion.Status.DRAFT)
        .exists()
    )


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
    if not version.is_analysed:
        raise Refusal(
            _("This version cannot be put in force before its file has been analysed."),
            code="not_analysed",
        )
    source = version.source
    if _later_version_used(version):
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
