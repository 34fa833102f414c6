"""Every write of the attendance app: sessions, convocations, émargement (SPEC §6).

Signatures on a half-day are simple electronic signatures: the signed-in account, the statement
(its SHA-256), the moment, the IP address and browser, and an event in the audit chain written in
the same transaction. The learner proves presence by scanning the rotating QR code shown in the
room; no password is asked again on the phone (learners often sign in by e-mailed link and have
none), the possession of a token valid for two minutes is the proof that matters here.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership
from saveit.audit.chain import record_event
from saveit.audit.services import store_generated_pdf
from saveit.core.dates import long_datetime
from saveit.core.errors import Forbidden, Refusal
from saveit.core.request_context import current_origin
from saveit.core.uploads import read_upload
from saveit.engagements.models import Engagement
from saveit.learning.models import Learner, Population

from . import ics, qr_tokens
from .models import Convocation, Participant, Presence, Slot, TrainingSession
from .permissions import can_run_session
from .selectors import terms_for_client

Status = Presence.Status


def _require_runner(member: Membership, session: TrainingSession) -> None:
    if not can_run_session(member, session):
        raise Forbidden(
            _("Only the provider's project team or the session's trainers may do this.")
        )


def _require_planned(session: TrainingSession) -> None:
    if session.status == TrainingSession.Status.CANCELLED:
        raise Refusal(_("This session is cancelled."), code="cancelled")


def is_locked(slot: Slot, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    lock_hours = terms_for_client(slot.session.organization).lock_hours
    return now > slot.locks_at(lock_hours)  # type: ignore[operator]


def _require_open(slot: Slot) -> None:
    if is_locked(slot):
        raise Refusal(
            _("This half-day's sheet is locked: its attendance can no longer change."),
            code="locked",
        )


@transaction.atomic
def create_session(
    *,
    engagement: Engagement,
    by: Membership,
    title: str,
    modality: str = TrainingSession.Modality.IN_PERSON,
    programme: str = "",
    place: str = "",
    room: str = "",
    virtual_room_url: str = "",
    practical_info: str = "",
    accessibility_contact: str = "",
    capacity: int = 12,
    minimum: int = 5,
    trainers: Iterable[Membership] = (),
    external_trainers: str = "",
    module_id: int | None = None,
) -> TrainingSession:
    from saveit.engagements.permissions import can_manage_engagement

    if not can_manage_engagement(by):
        raise Forbidden(_("Only the provider's project team may plan sessions."))
    title = (title or "").strip()
    if not title:
        raise Refusal(_("Give the session a title."), code="title")
    if modality not in TrainingSession.Modality.values:
        raise Refusal(_("Unknown modality."), code="modality")
    if modality == TrainingSession.Modality.VIRTUAL and not virtual_room_url:
        raise Refusal(_("A virtual session needs the link of its virtual room."), code="room")
    if modality == TrainingSession.Modality.IN_PERSON and not place.strip():
        raise Refusal(_("An in-person session needs its place."), code="place")
    if capacity < 1 or minimum > capacity:
        raise Refusal(
            _("The capacity must be at least 1 and not below the minimum."), code="capacity"
        )
    trainers = list(trainers)
    if any(t.organization_id != by.organization_id for t in trainers):
        raise Refusal(_("Trainers must be members of the provider."), code="trainers")
    session = TrainingSession.objects.create(
        organization_id=engagement.client_id,
        engagement=engagement,
        module_id=module_id,
        title=title[:200],
        programme=programme,
        modality=modality,
        place=place,
        room=room,
        virtual_room_url=virtual_room_url,
        practical_info=practical_info,
        accessibility_contact=accessibility_contact,
        capacity=capacity,
        minimum=minimum,
        external_trainers=external_trainers,
        token_key=secrets.token_hex(32),
        created_by=by,
    )
    session.trainers.set(trainers)
    record_event(
        organization=engagement.client,
        action="attendance.session_created",
        actor=by,
        target=session,
        after={"title": session.title, "modality": modality, "capacity": capacity},
    )
    return session


@transaction.atomic
def add_slot(
    *, session: TrainingSession, by: Membership, starts_at: datetime, ends_at: datetime
) -> Slot:
    _require_runner(by, session)
    _require_planned(session)
    if ends_at <= starts_at or (ends_at - starts_at).total_seconds() > 5 * 3600:
        raise Refusal(
            _("A half-day ends after it starts and lasts five hours at most."), code="slot_times"
        )
    if session.slots.filter(starts_at__lt=ends_at, ends_at__gt=starts_at).exists():
        raise Refusal(_("This half-day overlaps another one of the session."), code="overlap")
    slot = Slot.objects.create(session=session, starts_at=starts_at, ends_at=ends_at)
    record_event(
        organization=session.organization,
        action="attendance.slot_added",
        actor=by,
        target=slot,
        after={"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()},
    )
    return slot


def _engagement_learners(session: TrainingSession) -> set[int]:
    """Learners designated for the engagement: in one of its populations or assigned in it."""
    from saveit.learning.models import Assignment, PopulationMember

    in_populations = PopulationMember.objects.filter(
        population__engagement_id=session.engagement_id
    ).values_list("learner_id", flat=True)
    assigned = Assignment.objects.filter(engagement_id=session.engagement_id).values_list(
        "learner_id", flat=True
    )
    return set(in_populations) | set(assigned)


@transaction.atomic
def add_participants(
    *, session: TrainingSession, by: Membership, learner_ids: Iterable[int]
) -> int:
    _require_runner(by, session)
    _require_planned(session)
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    wanted = {int(i) for i in learner_ids}
    if wanted - _engagement_learners(session):
        raise Refusal(
            _("Only learners designated for this engagement may join its sessions."),
            code="not_designated",
        )
    already = set(session.participants.values_list("learner_id", flat=True))
    new = sorted(wanted - already)
    if len(already) + len(new) > session.capacity:
        raise Refusal(
            _("The session is full: %(capacity)s places.") % {"capacity": session.capacity},
            code="full",
        )
    Participant.objects.bulk_create(Participant(session=session, learner_id=i) for i in new)
    if new:
        record_event(
            organization=session.organization,
            action="attendance.participants_added",
            actor=by,
            target=session,
            after={"learners": new},
        )
    return len(new)


def add_population(*, session: TrainingSession, by: Membership, population: Population) -> int:
    if population.engagement_id != session.engagement_id:
        raise Refusal(_("This population belongs to another engagement."), code="population")
    already = set(session.participants.values_list("learner_id", flat=True))
    ids = set(population.learners.values_list("pk", flat=True)) - already
    return add_participants(session=session, by=by, learner_ids=ids)


@transaction.atomic
def cancel_session(*, session: TrainingSession, by: Membership, reason: str) -> TrainingSession:
    """The provider may cancel, notably below the minimum number of participants."""
    _require_runner(by, session)
    _require_planned(session)
    reason = (reason or "").strip()
    if not reason:
        raise Refusal(_("Say why the session is cancelled."), code="reason")
    count = session.participants.count()
    session.status = TrainingSession.Status.CANCELLED
    session.cancelled_reason = reason
    session.save(update_fields=["status", "cancelled_reason"])
    record_event(
        organization=session.organization,
        action="attendance.session_cancelled",
        actor=by,
        target=session,
        after={"reason": reason, "participants": count, "below_minimum": count < session.minimum},
    )
    return session


# ---------------------------------------------------------------- convocations


def _calendar(session: TrainingSession, stamp: datetime) -> str:
    location = session.virtual_room_url or " — ".join(
        part for part in (" ".join(session.place.split()), session.room) if part
    )
    return ics.session_calendar(
        uid_base=f"session-{session.pk}",
        title=session.title,
        description=session.programme,
        location=location,
        url=session.virtual_room_url,
        slots=[(s.pk, s.starts_at, s.ends_at) for s in session.slots.all()],
        stamp=stamp,
    )


@transaction.atomic
def send_convocations(*, session: TrainingSession, by: Membership) -> int:
    """E-mail each participant not yet convened; store each message exactly as sent."""
    _require_runner(by, session)
    _require_planned(session)
    slots = list(session.slots.all())
    if not slots:
        raise Refusal(_("Add the session's half-days before convening anyone."), code="no_slots")
    convened = set(session.convocations.values_list("learner_id", flat=True))
    now = timezone.now()
    calendar = _calendar(session, now)
    site = settings.SITE_URL
    messages: list[EmailMessage] = []
    rows: list[Convocation] = []
    for participant in session.participants.select_related("learner").exclude(
        learner_id__in=convened
    ):
        learner = participant.learner
        body = render_to_string(
            "attendance/email/convocation.txt",
            {
                "learner": learner,
                "session": session,
                "slots": [(long_datetime(s.starts_at), long_datetime(s.ends_at)) for s in slots],
                "url": site + reverse("attendance:my_sessions"),
            },
        )
        subject = _("Convocation: %(title)s") % {"title": session.title}
        message = EmailMessage(subject, body, None, [learner.email])
        message.attach("convocation.ics", calendar, "text/calendar")
        messages.append(message)
        digest = hashlib.sha256(
            "\n".join((learner.email, subject, body, calendar)).encode()
        ).hexdigest()
        rows.append(
            Convocation(
                session=session,
                learner=learner,
                to_email=learner.email,
                subject=subject,
                body=body,
                ics=calendar,
                sha256=digest,
                sent_at=now,
                sent_by=by,
            )
        )
    Convocation.objects.bulk_create(rows)
    if rows:
        record_event(
            organization=session.organization,
            action="attendance.convocations_sent",
            actor=by,
            target=session,
            after={"learners": [r.learner_id for r in rows]},
        )
        transaction.on_commit(lambda: get_connection().send_messages(messages))
    return len(rows)


# ---------------------------------------------------------------- émargement


def _statement(slot: Slot, learner: Learner) -> str:
    return _(
        "I, %(name)s, certify that I attended the session “%(title)s” on the half-day from "
        "%(start)s to %(end)s."
    ) % {
        "name": learner.full_name,
        "title": slot.session.title,
        "start": long_datetime(slot.starts_at),
        "end": long_datetime(slot.ends_at),
    }


def slot_for_token(token: str, now: datetime | None = None) -> Slot:
    """The half-day a scanned token opens, or a clear refusal (forged, expired, cancelled)."""
    now = now or timezone.now()
    parsed = qr_tokens.parse(token)
    slot = (
        Slot.objects.select_related("session__organization").filter(pk=parsed.slot_id).first()
        if parsed
        else None
    )
    if parsed is None or slot is None or not qr_tokens.is_authentic(slot.session.token_key, parsed):
        raise Refusal(
            _("This QR code is not valid. Scan the code shown by the trainer."), code="invalid"
        )
    if not qr_tokens.is_current(parsed, now):
        raise Refusal(
            _("This QR code has expired. Scan the code shown now on the trainer's screen."),
            code="expired",
        )
    _require_planned(slot.session)
    return slot


def _own_participant(member: Membership, slot: Slot) -> Learner:
    from saveit.learning.permissions import own_learner_records

    records = {learner.pk: learner for learner in own_learner_records(member)}
    learner_id = (
        slot.session.participants.filter(learner_id__in=records)
        .values_list("learner_id", flat=True)
        .first()
    )
    if learner_id is None:
        raise Forbidden(
            _("You are not a participant of this session: ask the trainer."), code="not_participant"
        )
    return records[learner_id]


@transaction.atomic
def sign_with_token(*, token: str, by: Membership) -> Presence:
    """The learner signs the half-day whose QR code they scanned."""
    slot = slot_for_token(token)
    learner = _own_participant(by, slot)
    slot = Slot.objects.select_for_update().select_related("session").get(pk=slot.pk)
    _require_open(slot)
    if Presence.objects.filter(slot=slot, learner=learner).exists():
        raise Refusal(_("You have already signed for this half-day."), code="already_signed")
    now = timezone.now()
    origin = current_origin()
    statement = _statement(slot, learner)
    digest = hashlib.sha256(statement.encode()).hexdigest()
    event = record_event(
        organization=slot.session.organization,
        action="attendance.signed",
        actor=by,
        target=slot,
        after={"learner": learner.pk, "statement_sha256": digest, "method": "qr"},
    )
    return Presence.objects.create(
        slot=slot,
        learner=learner,
        status=Status.PRESENT,
        method=Presence.Method.QR,
        signed_at=now,
        signer=by.user,
        ip=origin.ip,
        user_agent=(origin.user_agent or "")[:400],
        statement_sha256=digest,
        recorded_by=by,
        recorded_at=now,
        audit_event=event,
    )


@transaction.atomic
def record_attendance(
    *,
    slot: Slot,
    by: Membership,
    learner_id: int,
    status: str,
    minutes_missed: int = 0,
    justification: str = "",
) -> Presence:
    """The trainer records an absence, a late arrival or an early departure (with its reason)."""
    session = slot.session
    _require_runner(by, session)
    slot = Slot.objects.select_for_update().get(pk=slot.pk)
    _require_open(slot)
    if status not in Status.values:
        raise Refusal(_("Unknown attendance status."), code="status")
    if not session.participants.filter(learner_id=learner_id).exists():
        raise Refusal(_("This learner is not a participant of the session."), code="participant")
    if status in (Status.LATE, Status.LEFT_EARLY) and not 0 < minutes_missed < slot.hours * 60:
        raise Refusal(_("Give the minutes missed, within the half-day."), code="minutes")
    if status != Status.PRESENT and not justification.strip():
        raise Refusal(_("Write the justification (or its absence) given."), code="justification")
    presence = Presence.objects.filter(slot=slot, learner_id=learner_id).first()
    before = {"status": presence.status} if presence else None
    now = timezone.now()
    if presence is None:
        presence = Presence(
            slot=slot, learner_id=learner_id, method=Presence.Method.TRAINER, recorded_at=now
        )
    presence.status = status
    presence.minutes_missed = minutes_missed if status in (Status.LATE, Status.LEFT_EARLY) else 0
    presence.justification = justification.strip()
    presence.recorded_by = by
    presence.audit_event = record_event(
        organization=session.organization,
        action="attendance.recorded",
        actor=by,
        target=slot,
        before=before,
        after={
            "learner": learner_id,
            "status": status,
            "minutes_missed": presence.minutes_missed,
            "justification": presence.justification,
        },
    )
    presence.save()
    return presence


@transaction.atomic
def trainer_sign(*, slot: Slot, by: Membership) -> Slot:
    """The trainer signs the half-day's sheet (once)."""
    _require_runner(by, slot.session)
    slot = Slot.objects.select_for_update().select_related("session").get(pk=slot.pk)
    _require_open(slot)
    if slot.trainer_signed_at is not None:
        raise Refusal(
            _("This half-day's sheet is already signed by a trainer."), code="already_signed"
        )
    if timezone.now() < slot.starts_at:
        raise Refusal(_("A half-day is signed once it has started."), code="not_started")
    statement = _(
        "I, %(name)s, trainer, certify the attendance recorded for “%(title)s” from %(start)s to "
        "%(end)s."
    ) % {
        "name": by.user.full_name or by.user.email,
        "title": slot.session.title,
        "start": long_datetime(slot.starts_at),
        "end": long_datetime(slot.ends_at),
    }
    slot.trainer_signed_by = by
    slot.trainer_signed_at = timezone.now()
    slot.trainer_ip = current_origin().ip
    slot.trainer_statement_sha256 = hashlib.sha256(statement.encode()).hexdigest()
    slot.save(
        update_fields=[
            "trainer_signed_by",
            "trainer_signed_at",
            "trainer_ip",
            "trainer_statement_sha256",
        ]
    )
    record_event(
        organization=slot.session.organization,
        action="attendance.trainer_signed",
        actor=by,
        target=slot,
        after={"statement_sha256": slot.trainer_statement_sha256},
    )
    return slot


@transaction.atomic
def upload_paper_sheet(
    *,
    slot: Slot,
    by: Membership,
    uploaded_file: UploadedFile | tuple[bytes, str],
    present_learner_ids: Iterable[int],
) -> Slot:
    """The paper sheet signed in the room: kept as is (checked, hashed), presences recorded."""
    _require_runner(by, slot.session)
    slot = Slot.objects.select_for_update().select_related("session__organization").get(pk=slot.pk)
    _require_open(slot)
    if slot.paper_sheet_id is not None:
        raise Refusal(
            _("A paper sheet is already recorded for this half-day."), code="already_uploaded"
        )
    content, name = read_upload(uploaded_file, default_name="emargement.pdf")
    document = store_generated_pdf(
        organization=slot.session.organization,
        by=by,
        content=content,
        name=name,
        title=_("Signed attendance sheet — %(title)s") % {"title": slot.session.title},
        signer_roles=[],
    )
    participants = set(slot.session.participants.values_list("learner_id", flat=True))
    present = {int(i) for i in present_learner_ids}
    if present - participants:
        raise Refusal(_("Only participants can be marked present."), code="participant")
    already = set(slot.presences.values_list("learner_id", flat=True))
    now = timezone.now()
    Presence.objects.bulk_create(
        Presence(
            slot=slot,
            learner_id=learner_id,
            status=Status.PRESENT,
            method=Presence.Method.PAPER,
            statement_sha256=document.sha256,
            recorded_by=by,
            recorded_at=now,
        )
        for learner_id in sorted(present - already)
    )
    slot.paper_sheet = document
    slot.save(update_fields=["paper_sheet"])
    record_event(
        organization=slot.session.organization,
        action="attendance.paper_sheet_uploaded",
        actor=by,
        target=slot,
        after={"sha256": document.sha256, "present": sorted(present)},
    )
    return slot
