"""Closure API (phase 7), mounted at /api/v1/engagements/: report, delivery note, evidence pack,
reopening a closed engagement. Closing itself is POST /{id}/advance once the gate holds."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import FileResponse, Http404, HttpRequest
from ninja import Field, Router, Schema

from saveit.accounts.permissions import acting_member
from saveit.core.api_jobs import JobAcceptedOut, job_accepted
from saveit.core.api_support import COMMON_ERRORS, ErrorOut
from saveit.engagements.models import EvidencePack
from saveit.engagements.permissions import access_engagement

from .services import closure

router = Router(tags=["closure"])
WRITE_ERRORS: dict[int, Any] = {**COMMON_ERRORS, 409: ErrorOut}


class IssuedOut(Schema):
    kind: str
    revision: int
    document_id: int
    document_sha256: str
    content_sha256: str


class PackOut(Schema):
    revision: int
    sha256: str
    manifest_sha256: str
    files: int
    size: int
    sealed_at: datetime
    covers: dict[str, Any]


class ClosureReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)


def _issued(kind: str, artefact: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "revision": artefact.revision,
        "document_id": artefact.document_id,
        "document_sha256": artefact.document.sha256,
        "content_sha256": artefact.content_sha256,
    }


@router.post("/{engagement_id}/completion-report", response={201: IssuedOut, **WRITE_ERRORS})
def generate_completion_report(
    request: HttpRequest, engagement_id: int
) -> tuple[int, dict[str, Any]]:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    report = closure.generate_completion_report(engagement=engagement, by=member)
    return 201, _issued("completion_report", report)


@router.post("/{engagement_id}/delivery-note", response={201: IssuedOut, **WRITE_ERRORS})
def issue_delivery_note(request: HttpRequest, engagement_id: int) -> tuple[int, dict[str, Any]]:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    note = closure.issue_delivery_note(engagement=engagement, by=member)
    return 201, _issued("delivery_note", note)


@router.post("/{engagement_id}/evidence-packs", response={202: JobAcceptedOut, **WRITE_ERRORS})
def seal_evidence_pack(request: HttpRequest, engagement_id: int) -> tuple[int, dict[str, Any]]:
    """Start sealing a new pack in the background: 202 with the job to follow; once it is
    done, the pack is in the list (and the job's result link points at its download)."""
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    return job_accepted(closure.request_evidence_pack(engagement=engagement, by=member))


@router.get("/{engagement_id}/evidence-packs", response={200: list[PackOut], **COMMON_ERRORS})
def list_evidence_packs(request: HttpRequest, engagement_id: int) -> list[EvidencePack]:
    engagement = access_engagement(acting_member(request), engagement_id)
    return list(engagement.evidence_packs.order_by("revision"))


@router.get(
    "/{engagement_id}/evidence-packs/{revision}",
    response={200: bytes, **COMMON_ERRORS},
    summary="Download an evidence pack (zip)",
)
def download_evidence_pack(request: HttpRequest, engagement_id: int, revision: int) -> FileResponse:
    engagement = access_engagement(acting_member(request), engagement_id)
    pack = EvidencePack.objects.filter(engagement=engagement, revision=revision).first()
    if pack is None:
        raise Http404
    return FileResponse(
        pack.file.open("rb"),
        as_attachment=True,
        filename=f"dossier-de-preuves-{engagement.reference}-r{pack.revision}.zip",
        content_type="application/zip",
    )


@router.post("/{engagement_id}/reopen-closed", response={200: dict[str, Any], **WRITE_ERRORS})
def reopen_closed(
    request: HttpRequest, engagement_id: int, payload: ClosureReasonIn
) -> dict[str, Any]:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    reopened = closure.reopen_closed(engagement=engagement, by=member, reason=payload.reason)
    return {"id": reopened.pk, "phase": reopened.phase, "closed_at": reopened.closed_at}
