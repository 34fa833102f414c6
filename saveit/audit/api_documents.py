"""Documents and signatures API, mounted at /api/v1/documents/."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile

from saveit.accounts.permissions import acting_member
from saveit.core.api_support import COMMON_ERRORS, ErrorOut

from . import services
from .document_access import access_document, readable_documents, require_upload_right
from .models import Document, Signature
from .selectors import signing_status

router = Router(tags=["documents and signatures"])
WRITE_ERRORS = {**COMMON_ERRORS, 409: ErrorOut}


class SignatureOut(Schema):
    id: int
    membership_id: int
    signer_name: str
    role: str
    intent: str
    document_sha256: str
    signed_at: datetime
    reauth_method: str
    ip: str | None
    user_agent: str
    audit_event_id: int


class DocumentOut(Schema):
    id: int
    organization_id: int
    title: str
    original_name: str
    media_type: str
    size: int
    sha256: str
    signer_roles: list[str]
    created_at: datetime
    created_by_id: int
    signature_count: int = 0
    missing_roles: list[str] = []


class DocumentDetailOut(DocumentOut):
    signatures: list[SignatureOut]


class SignIn(Schema):
    intent: str = Field(..., min_length=1, max_length=2000)
    password: str = Field("", max_length=1024)
    otp_code: str = Field("", max_length=12)


class SignatureCheckOut(Schema):
    signature_id: int
    document_sha256: str
    ok: bool


class VerifyOut(Schema):
    stored_sha256: str
    actual_sha256: str | None
    ok: bool
    signatures: list[SignatureCheckOut]


def _out(document: Document, *, detail: bool = False) -> dict[str, object]:
    status = signing_status(document)
    data: dict[str, object] = {
        **{
            name: getattr(document, name)
            for name in DocumentOut.model_fields
            if hasattr(document, name)
        },
        "signature_count": status.signed,
        "missing_roles": status.missing_roles,
    }
    if detail:
        data["signatures"] = list(document.signatures.order_by("signed_at"))
    return data


@router.get("", response={200: list[DocumentOut], **COMMON_ERRORS})
def list_documents(request: HttpRequest) -> list[dict[str, object]]:
    return [_out(document) for document in readable_documents(acting_member(request))]


@router.post("", response={201: DocumentOut, **WRITE_ERRORS})
def upload_document(
    request: HttpRequest,
    title: Form[str],
    signer_roles: Form[list[str]],
    file: File[UploadedFile],
) -> tuple[int, dict[str, object]]:
    """Multipart upload of a PDF (checked on its content) with the roles that must sign."""
    member = acting_member(request)
    require_upload_right(member, member.organization)
    document = services.upload_document(
        organization=member.organization,
        by=member,
        uploaded_file=file,
        title=title,
        signer_roles=signer_roles,
    )
    return 201, _out(document)


@router.get("/{document_id}", response={200: DocumentDetailOut, **COMMON_ERRORS})
def get_document(request: HttpRequest, document_id: int) -> dict[str, object]:
    return _out(access_document(acting_member(request), document_id), detail=True)


@router.post("/{document_id}/sign", response={201: SignatureOut, **WRITE_ERRORS})
def sign_document(request: HttpRequest, document_id: int, payload: SignIn) -> tuple[int, Signature]:
    """Provider staff give a fresh TOTP code (otp_code); everyone else their password."""
    member = acting_member(request)
    document = access_document(member, document_id)
    signature = services.sign_document(
        document=document,
        by=member,
        intent=payload.intent,
        password=payload.password,
        otp_code=payload.otp_code,
    )
    return 201, signature


@router.get("/{document_id}/verify", response={200: VerifyOut, **COMMON_ERRORS})
def verify_document(request: HttpRequest, document_id: int) -> dict[str, object]:
    result = services.verify_document(access_document(acting_member(request), document_id))
    return {
        "stored_sha256": result.stored_sha256,
        "actual_sha256": result.actual_sha256,
        "ok": result.ok,
        "signatures": [
            {
                "signature_id": c.signature.pk,
                "document_sha256": c.signature.document_sha256,
                "ok": c.ok,
            }
            for c in result.signatures
        ],
    }
