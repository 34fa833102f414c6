"""Sessions, half-days, signatures and sheets under /api/v1/ (SPEC §6)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from saveit.accounts.permissions import acting_member
from saveit.core.api_support import COMMON_ERRORS, ErrorOut, Id
from saveit.engagements.permissions import access_engagement

from . import pdf, selectors, services
from .models import Presence, Slot, TrainingSession
from .permissions import access_session, access_slot, sessions_visible_to

router = Router(tags=["attendance"])
WRITE_ERRORS: dict[int, Any] = {**COMMON_ERRORS, 409: ErrorOut}


class SlotOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    trainer_signed_at: datetime | None
    paper_sheet_sha256: str | None


class SessionOut(Schema):
    id: int
    engagement_id: int
    title: str
    modality: str
    place: str
    room: str
    virtual_room_url: str
    capacity: int
    minimum: int
    status: str
    participants: int
    slots: list[SlotOut]


class SessionIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    modality: str = TrainingSession.Modality.IN_PERSON
    programme: str = Field("", max_length=10000)
    place: str = Field("", max_length=2000)
    room: str = Field("", max_length=200)
    virtual_room_url: str = Field("", max_length=200)
    practical_info: str = Field("", max_length=5000)
    accessibility_contact: str = Field("", max_length=300)
    capacity: int = Field(12, ge=1, le=1000)
    minimum: int = Field(5, ge=0, le=1000)


class SlotIn(Schema):
    starts_at: datetime
    ends_at: datetime


class ParticipantsIn(Schema):
    learner_ids: list[Id] = Field(..., max_length=1000)


class CountOut(Schema):
    count: int


class PresenceIn(Schema):
    learner_id: int
    status: str
    minutes_missed: int = Field(0, ge=0, le=300)
    justification: str = Field("", max_length=2000)


class PresenceOut(Schema):
    learner_id: int
    learner_name: str
    status: str | None
    method: str | None
    signed_at: datetime | None
    minutes_missed: int
    justification: str
    statement_sha256: str


class SignatureIn(Schema):
    token: str = Field(..., max_length=100)


def _slot(slot: Slot) -> dict[str, Any]:
    return {
        "id": slot.pk,
        "starts_at": slot.starts_at,
        "ends_at": slot.ends_at,
        "trainer_signed_at": slot.trainer_signed_at,
        "paper_sheet_sha256": slot.paper_sheet.sha256 if slot.paper_sheet else None,
    }


def _session(session: TrainingSession) -> dict[str, Any]:
    return {
        "id": session.pk,
        "engagement_id": session.engagement_id,
        "title": session.title,
        "modality": session.modality,
        "place": session.place,
        "room": session.room,
        "virtual_room_url": session.virtual_room_url,
        "capacity": session.capacity,
        "minimum": session.minimum,
        "status": session.status,
        "participants": session.participants.count(),
        "slots": [_slot(s) for s in session.slots.select_related("paper_sheet")],
    }


def _presence_row(learner_id: int, name: str, presence: Presence | None) -> dict[str, Any]:
    return {
        "learner_id": learner_id,
        "learner_name": name,
        "status": presence.status if presence else None,
        "method": presence.method if presence else None,
        "signed_at": presence.signed_at if presence else None,
        "minutes_missed": presence.minutes_missed if presence else 0,
        "justification": presence.justification if presence else "",
        "statement_sha256": presence.statement_sha256 if presence else "",
    }


@router.get(
    "/engagements/{engagement_id}/sessions", response={200: list[SessionOut], **COMMON_ERRORS}
)
def list_sessions(request: HttpRequest, engagement_id: int) -> list[dict[str, Any]]:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id)
    return [_session(s) for s in sessions_visible_to(member).filter(engagement=engagement)]


@router.post("/engagements/{engagement_id}/sessions", response={201: SessionOut, **WRITE_ERRORS})
def create_session(
    request: HttpRequest, engagement_id: int, payload: SessionIn
) -> tuple[int, dict[str, Any]]:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id)
    session = services.create_session(engagement=engagement, by=member, **payload.dict())
    return 201, _session(session)


@router.get("/sessions/{session_id}", response={200: SessionOut, **COMMON_ERRORS})
def get_session(request: HttpRequest, session_id: int) -> dict[str, Any]:
    return _session(access_session(acting_member(request), session_id))


@router.post("/sessions/{session_id}/slots", response={201: SlotOut, **WRITE_ERRORS})
def add_slot(request: HttpRequest, session_id: int, payload: SlotIn) -> tuple[int, dict[str, Any]]:
    member = acting_member(request)
    session = access_session(member, session_id)
    slot = services.add_slot(
        session=session, by=member, starts_at=payload.starts_at, ends_at=payload.ends_at
    )
    return 201, _slot(slot)


@router.post("/sessions/{session_id}/participants", response={200: CountOut, **WRITE_ERRORS})
def add_participants(
    request: HttpRequest, session_id: int, payload: ParticipantsIn
) -> dict[str, int]:
    member = acting_member(request)
    session = access_session(member, session_id)
    added = services.add_participants(session=session, by=member, learner_ids=payload.learner_ids)
    return {"count": added}


@router.post("/sessions/{session_id}/convocations", response={200: CountOut, **WRITE_ERRORS})
def send_convocations(request: HttpRequest, session_id: int) -> dict[str, int]:
    member = acting_member(request)
    session = access_session(member, session_id)
    return {"count": services.send_convocations(session=session, by=member)}


@router.get("/slots/{slot_id}/sheet", response={200: list[PresenceOut], **COMMON_ERRORS})
def get_sheet(request: HttpRequest, slot_id: int) -> list[dict[str, Any]]:
    slot = access_slot(acting_member(request), slot_id)
    return [
        _presence_row(row.learner.pk, row.learner.full_name, row.presence)
        for row in selectors.sheet(slot)
    ]


@router.get("/slots/{slot_id}/sheet.pdf", response={200: None, **COMMON_ERRORS})
def get_sheet_pdf(request: HttpRequest, slot_id: int) -> HttpResponse:
    slot = access_slot(acting_member(request), slot_id)
    response = HttpResponse(pdf.render_sheet(slot), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="emargement-{slot.pk}.pdf"'
    return response


@router.post("/slots/{slot_id}/presences", response={200: PresenceOut, **WRITE_ERRORS})
def record_presence(request: HttpRequest, slot_id: int, payload: PresenceIn) -> dict[str, Any]:
    member = acting_member(request)
    slot = access_slot(member, slot_id)
    presence = services.record_attendance(
        slot=slot,
        by=member,
        learner_id=payload.learner_id,
        status=payload.status,
        minutes_missed=payload.minutes_missed,
        justification=payload.justification,
    )
    return _presence_row(presence.learner_id, presence.learner.full_name, presence)


@router.post("/slots/{slot_id}/trainer-signature", response={200: SlotOut, **WRITE_ERRORS})
def trainer_signature(request: HttpRequest, slot_id: int) -> dict[str, Any]:
    member = acting_member(request)
    slot = access_slot(member, slot_id)
    return _slot(services.trainer_sign(slot=slot, by=member))


@router.post("/attendance-signatures", response={201: PresenceOut, **WRITE_ERRORS})
def sign(request: HttpRequest, payload: SignatureIn) -> tuple[int, dict[str, Any]]:
    """The signed-in learner signs the half-day of the QR token they scanned."""
    presence = services.sign_with_token(token=payload.token, by=acting_member(request))
    return 201, _presence_row(presence.learner_id, presence.learner.full_name, presence)
