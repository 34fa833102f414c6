"""Source documents API, under /api/v1/engagements/{id}/sources."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile

from saveit.accounts.permissions import acting_member
from saveit.core.api_support import COMMON_ERRORS, ErrorOut
from saveit.engagements.permissions import access_engagement

from . import selectors
from .models import DocumentVersion
from .permissions import access_version
from .services import VersionInput, put_in_force, upload_version

router = Router(tags=["source documents"])


class DocumentVersionOut(Schema):
    id: int
    source_id: int
    number: int
    version_label: str
    status: str
    scopes: list[str]
    original_name: str
    kind: str
    media_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    section_count: int
    extraction: str = Field(
        description="ready: analysed; pending: a large file the worker is analysing (the "
        "version stays a draft until then); failed: see extraction_error"
    )
    extraction_error: str
    requested_status: str = Field(
        description="the status applied once a pending analysis succeeds; empty otherwise"
    )


class DocumentVersionDetailOut(DocumentVersionOut):
    outline: dict[str, Any]


class UploadedVersionOut(DocumentVersionOut):
    job_url: str | None = Field(
        None, description="with 202: the background job analysing the file (GET it for progress)"
    )


class SourceOut(Schema):
    id: int
    title: str
    owner_name: str
    versions: list[DocumentVersionOut]


def _version(version: DocumentVersion, *, detail: bool = False) -> dict[str, Any]:
    data = {
        name: getattr(version, name)
        for name in DocumentVersionOut.model_fields
        if hasattr(version, name)
    }
    data["section_count"] = len(version.outline.get("sections", []))
    if detail:
        data["outline"] = version.outline
    return data


@router.get("/{engagement_id}/sources", response={200: list[SourceOut], **COMMON_ERRORS})
def list_sources(request: HttpRequest, engagement_id: int) -> list[dict[str, Any]]:
    engagement = access_engagement(acting_member(request), engagement_id)
    return [
        {
            "id": s.pk,
            "title": s.title,
            "owner_name": s.owner_name,
            "versions": [_version(v) for v in s.versions.all()],
        }
        for s in selectors.sources_of(engagement)
    ]


@router.post(
    "/{engagement_id}/sources",
    response={
        201: UploadedVersionOut,
        202: UploadedVersionOut,
        **COMMON_ERRORS,
        409: ErrorOut,
    },
)
def upload_source(
    request: HttpRequest,
    engagement_id: int,
    file: File[UploadedFile],
    version_label: Form[str],
    title: Form[str] = "",
    source_id: Form[int | None] = None,
    scopes: Form[list[str]] = [],  # noqa: B006 (ninja reads the default, never mutates it)
    owner_name: Form[str] = "",
    status: Form[str] = DocumentVersion.Status.IN_FORCE,
) -> tuple[int, dict[str, Any]]:
    """A procedure file (DOCX, ODT, PDF, MD, HTML, TXT, XLSX, CSV), checked on its content.

    201: analysed at once. 202: a large file, stored and analysed in the background (`job_url`);
    the version is a draft until its analysis succeeds.
    """
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id)
    version = upload_version(
        engagement=engagement,
        by=member,
        uploaded_file=file,
        data=VersionInput(
            title=title,
            version_label=version_label,
            scopes=list(scopes),
            owner_name=owner_name,
            status=status,
            source_id=source_id,
        ),
    )
    if version.extraction_job_id is not None:
        job_url = reverse("api:job", kwargs={"job_id": version.extraction_job_id})
        return 202, {**_version(version), "job_url": job_url}
    return 201, {**_version(version), "job_url": None}


@router.get(
    "/{engagement_id}/sources/versions/{version_id}",
    response={200: DocumentVersionDetailOut, **COMMON_ERRORS},
)
def get_source_version(request: HttpRequest, engagement_id: int, version_id: int) -> dict[str, Any]:
    return _version(access_version(acting_member(request), engagement_id, version_id), detail=True)


@router.post(
    "/{engagement_id}/sources/versions/{version_id}/put-in-force",
    response={200: DocumentVersionOut, **COMMON_ERRORS, 409: ErrorOut},
)
def put_source_version_in_force(
    request: HttpRequest, engagement_id: int, version_id: int
) -> dict[str, Any]:
    """A draft version becomes the one in force; the previous version in force is superseded."""
    member = acting_member(request)
    version = access_version(member, engagement_id, version_id)
    return _version(put_in_force(version=version, by=member))
