"""Privacy API, mounted at /api/v1/privacy/: requests of the people concerned, registers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from saveit.accounts.models import Organization
from saveit.accounts.permissions import acting_member
from saveit.core.api_support import COMMON_ERRORS, ErrorOut, Id
from saveit.core.refusals import get_in_scope

from . import breaches as breach_services
from .models import Breach, DataSubjectRequest, ProcessingActivity
from .permissions import (
    access_breach,
    access_request,
    breaches_visible_to,
    can_handle_requests,
    client_organizations_for,
    requests_visible_to,
    require_register_manager,
)
from .services import access_export_of, execute_request, extend_request, receive_request

router = Router(tags=["privacy"])

Kind = Literal["access", "portability", "rectification", "erasure", "restriction", "objection"]


class RequestIn(Schema):
    kind: Kind
    email: str = Field(..., min_length=3, max_length=254)
    details: str = Field("", max_length=4000)
    identity_note: str = Field("", max_length=300)
    organization_id: int | None = Field(
        None, description="Provider admins only: the client organisation of the person."
    )


class ExecuteIn(Schema):
    identity_note: str = Field("", max_length=300)
    changes: dict[str, str] = Field(default_factory=dict, description="Rectification only.")


class ExtendIn(Schema):
    months: int = Field(..., ge=1, le=2)
    reason: str = Field(..., min_length=1, max_length=2000)


class RequestOut(Schema):
    id: int
    organization_id: int
    kind: str
    status: str
    received_at: datetime
    due_on: date
    extended_to: date | None
    identity_checked_at: datetime | None
    executed_at: datetime | None
    answer: str
    report: dict[str, Any]


def _request_out(r: DataSubjectRequest) -> dict[str, Any]:
    return {
        "id": r.pk,
        "organization_id": r.organization_id,
        "kind": r.kind,
        "status": r.status,
        "received_at": r.received_at,
        "due_on": r.due_on,
        "extended_to": r.extended_to,
        "identity_checked_at": r.identity_checked_at,
        "executed_at": r.executed_at,
        "answer": r.answer,
        "report": r.report,
    }


@router.get("/requests", response={200: list[RequestOut], **COMMON_ERRORS})
def list_requests(request: HttpRequest) -> list[dict[str, Any]]:
    return [_request_out(r) for r in requests_visible_to(acting_member(request))[:500]]


@router.post("/requests", response={201: RequestOut, **COMMON_ERRORS, 409: ErrorOut})
def create_request(request: HttpRequest, payload: RequestIn) -> tuple[int, dict[str, Any]]:
    member = acting_member(request)
    if payload.organization_id is not None:
        organization = get_in_scope(client_organizations_for(member), payload.organization_id)
    else:
        organization = member.organization
    if not can_handle_requests(member, organization):
        raise PermissionDenied
    created = receive_request(
        organization=organization,
        kind=payload.kind,
        email=payload.email,
        by=member,
        details=payload.details,
        identity_note=payload.identity_note,
    )
    return 201, _request_out(created)


@router.get("/requests/{request_id}", response={200: RequestOut, **COMMON_ERRORS})
def get_request(request: HttpRequest, request_id: int) -> dict[str, Any]:
    return _request_out(access_request(acting_member(request), request_id))


@router.post(
    "/requests/{request_id}/execute", response={200: RequestOut, **COMMON_ERRORS, 409: ErrorOut}
)
def execute(
    request: HttpRequest, request_id: int, payload: ExecuteIn | None = None
) -> dict[str, Any]:
    member = acting_member(request)
    found = access_request(member, request_id)
    payload = payload or ExecuteIn(identity_note="", changes={})
    done = execute_request(
        request=found, by=member, identity_note=payload.identity_note, changes=payload.changes
    )
    return _request_out(done)


@router.post(
    "/requests/{request_id}/extend", response={200: RequestOut, **COMMON_ERRORS, 409: ErrorOut}
)
def extend(request: HttpRequest, request_id: int, payload: ExtendIn) -> dict[str, Any]:
    member = acting_member(request)
    found = access_request(member, request_id)
    return _request_out(
        extend_request(request=found, by=member, months=payload.months, reason=payload.reason)
    )


@router.get(
    "/requests/{request_id}/export",
    response={200: None, **COMMON_ERRORS, 409: ErrorOut},
    summary="Download the access export of a request",
    description=(
        "A zip: `data/<table>.json` and `.csv` for every declared model holding the person's "
        "data, `files/` (attestations, signed documents), `manifest.json` (SHA-256 per file)."
    ),
)
def export(request: HttpRequest, request_id: int) -> HttpResponse:
    found = access_request(acting_member(request), request_id)
    content = access_export_of(found)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="donnees-demande-{found.pk}.zip"'
    return response


# --- Registers (provider's admin) -----------------------------------------------------------


class ProcessingOut(Schema):
    key: str
    role: str
    name: str
    purposes: str
    legal_basis: str
    data_subjects: str
    data_categories: str
    recipients: str
    subprocessors: str
    transfers: str
    retention: str
    security: str


@router.get("/processing-register", response={200: list[ProcessingOut], **COMMON_ERRORS})
def processing_register(request: HttpRequest) -> list[ProcessingActivity]:
    require_register_manager(acting_member(request))
    return list(ProcessingActivity.objects.all())


class BreachIn(Schema):
    aware_at: datetime
    occurred_at: datetime | None = None
    nature: str = Field(..., min_length=1, max_length=4000)
    data_categories: str = Field(..., min_length=1, max_length=2000)
    people_count: int = Field(..., ge=0)
    records_count: int = Field(..., ge=0)
    consequences: str = Field(..., min_length=1, max_length=4000)
    measures: str = Field(..., min_length=1, max_length=4000)
    risk: Literal["none", "risk", "high"]
    provider_is_controller: bool = False
    organization_ids: list[Id] = Field(default_factory=list)
    corrects_id: int | None = None


class BreachOut(Schema):
    id: int
    number: str
    corrects_id: int | None
    aware_at: datetime
    nature: str
    people_count: int
    records_count: int
    risk: str
    provider_is_controller: bool
    organization_ids: list[int]
    client_deadline: datetime
    authority_deadline: datetime | None
    notified_organization_ids: list[int]


def _breach_out(b: Breach) -> dict[str, Any]:
    return {
        "id": b.pk,
        "number": b.number,
        "corrects_id": b.corrects_id,
        "aware_at": b.aware_at,
        "nature": b.nature,
        "people_count": b.people_count,
        "records_count": b.records_count,
        "risk": b.risk,
        "provider_is_controller": b.provider_is_controller,
        "organization_ids": sorted(o.pk for o in b.organizations.all()),
        "client_deadline": breach_services.client_deadline(b),
        "authority_deadline": breach_services.authority_deadline(b),
        "notified_organization_ids": sorted(
            n.organization_id for n in b.notices.all() if n.organization_id
        ),
    }


@router.get("/breaches", response={200: list[BreachOut], **COMMON_ERRORS})
def list_breaches(request: HttpRequest) -> list[dict[str, Any]]:
    found = breaches_visible_to(acting_member(request)).prefetch_related("organizations", "notices")
    return [_breach_out(b) for b in found[:500]]


@router.post("/breaches", response={201: BreachOut, **COMMON_ERRORS, 409: ErrorOut})
def record_breach(request: HttpRequest, payload: BreachIn) -> tuple[int, dict[str, Any]]:
    member = acting_member(request)
    require_register_manager(member)
    corrects = access_breach(member, payload.corrects_id) if payload.corrects_id else None
    organizations = list(Organization.objects.filter(pk__in=payload.organization_ids))
    data = payload.dict(exclude={"organization_ids", "corrects_id"})
    breach = breach_services.record_breach(
        by=member, organizations=organizations, corrects=corrects, **data
    )
    return 201, _breach_out(breach)


@router.get("/breaches/{breach_id}", response={200: BreachOut, **COMMON_ERRORS})
def get_breach(request: HttpRequest, breach_id: int) -> dict[str, Any]:
    return _breach_out(access_breach(acting_member(request), breach_id))


@router.post(
    "/breaches/{breach_id}/notify", response={200: BreachOut, **COMMON_ERRORS, 409: ErrorOut}
)
def notify_breach(request: HttpRequest, breach_id: int) -> dict[str, Any]:
    member = acting_member(request)
    breach = access_breach(member, breach_id)
    require_register_manager(member)
    breach_services.notify_clients(breach=breach, by=member)
    return _breach_out(breach)


class AuthorityNoticeIn(Schema):
    reference: str = Field(..., min_length=1, max_length=254, description="e.g. the CNIL receipt")


@router.post(
    "/breaches/{breach_id}/authority-notice",
    response={200: BreachOut, **COMMON_ERRORS, 409: ErrorOut},
    summary="Record that the supervisory authority was notified (provider as controller)",
)
def notify_authority(
    request: HttpRequest, breach_id: int, payload: AuthorityNoticeIn
) -> dict[str, Any]:
    member = acting_member(request)
    breach = access_breach(member, breach_id)
    require_register_manager(member)
    breach_services.record_authority_notice(breach=breach, by=member, reference=payload.reference)
    return _breach_out(breach)
