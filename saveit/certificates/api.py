"""Attestations API, mounted at /api/v1/: read one, revoke one, download an engagement's."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from saveit.accounts.permissions import acting_member
from saveit.core.api_jobs import JobAcceptedOut, job_accepted
from saveit.core.api_support import COMMON_ERRORS, ErrorOut

from .models import Attestation
from .permissions import access_attestation, access_engagement_attestations
from .services import revoke_attestation

router = Router(tags=["attestations"])


class AttestationOut(Schema):
    id: int
    number: str
    state: str
    holder: str
    module_version_id: int
    score: int
    issued_at: datetime
    valid_until: date | None
    revoked_at: datetime | None
    revoked_reason: str
    verify_url: str
    credential: str = Field(..., description="Open Badges 3.0 credential, compact JWS (VC-JWT)")


class RevokeIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)


def _out(a: Attestation) -> dict[str, Any]:
    return {
        "id": a.pk,
        "number": a.number,
        "state": a.state(),
        "holder": a.facts.get("holder_name", ""),
        "module_version_id": a.module_version_id,
        "score": a.score,
        "issued_at": a.issued_at,
        "valid_until": a.valid_until,
        "revoked_at": a.revoked_at,
        "revoked_reason": a.revoked_reason,
        "verify_url": a.facts.get("verify_url", ""),
        "credential": a.credential,
    }


@router.get("/attestations/{attestation_id}", response={200: AttestationOut, **COMMON_ERRORS})
def get_attestation(request: HttpRequest, attestation_id: int) -> dict[str, Any]:
    return _out(access_attestation(acting_member(request), attestation_id))


@router.post(
    "/attestations/{attestation_id}/revoke",
    response={200: AttestationOut, **COMMON_ERRORS, 409: ErrorOut},
)
def revoke(request: HttpRequest, attestation_id: int, payload: RevokeIn) -> dict[str, Any]:
    member = acting_member(request)
    attestation = access_attestation(member, attestation_id)
    return _out(revoke_attestation(attestation=attestation, reason=payload.reason, by=member))


@router.post(
    "/engagements/{engagement_id}/attestations.zip",
    response={202: JobAcceptedOut, **COMMON_ERRORS},
    summary="Build the zip of every attestation of an engagement (background job)",
    description=(
        "Starts a background job and answers 202 with its URL; once done, the job's result is a "
        "zip of `attestations/<number>.pdf`, each exactly the PDF of its own download, and "
        "`attestations/index.csv` (number, holder, module, version, score, dates, state, "
        "SHA-256 and size of each PDF)."
    ),
)
def engagement_attestations_zip(
    request: HttpRequest, engagement_id: int
) -> tuple[int, dict[str, Any]]:
    from .jobs import request_attestations_zip

    member = acting_member(request)
    engagement = access_engagement_attestations(member, engagement_id)
    return job_accepted(request_attestations_zip(engagement=engagement, by=member))


@router.get(
    "/engagements/{engagement_id}/learners/{learner_id}/certificate-of-completion",
    response={200: None, **COMMON_ERRORS},
    summary="A learner's certificat de réalisation (PDF)",
)
def certificate_of_completion(
    request: HttpRequest, engagement_id: int, learner_id: int
) -> HttpResponse:
    from saveit.core.refusals import not_found
    from saveit.learning.models import Learner

    from .realisation import render_realisation

    engagement = access_engagement_attestations(acting_member(request), engagement_id)
    learner = Learner.objects.filter(pk=learner_id, organization_id=engagement.client_id).first()
    if learner is None:
        raise not_found(Learner, learner_id)
    response = HttpResponse(render_realisation(engagement, learner), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="certificat-realisation-{engagement.reference}-{learner.pk}.pdf"'
    )
    return response
