"""Reads of the attendance app: sessions, sheets, hours attended, evidence (convocations as sent,
reminders sent) and the one choice of who gets a reminder."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import DurationField, ExpressionWrapper, F, Q, QuerySet, Sum

from saveit.accounts.models import Membership, Organization
from saveit.accounts.roles import Role
from saveit.engagements.models import Engagement
from saveit.learning.hooks import contact_refused
from saveit.learning.models import Assignment, Learner

from .models import (
    AttendanceTerms,
    Convocation,
    Participant,
    Presence,
    Reminder,
    Slot,
    TrainingSession,
)


def terms_for_client(client: Organization | int) -> AttendanceTerms:
    client_id = client if isinstance(client, int) else client.pk
    own = AttendanceTerms.objects.filter(client_id=client_id).first()
    if own is not None:
        return own
    return AttendanceTerms.objects.filter(client__isnull=True).first() or AttendanceTerms()


def sessions_of(engagement: Engagement) -> QuerySet[TrainingSession]:
    return TrainingSession.objects.filter(engagement=engagement).prefetch_related("slots")


def sent_convocations(engagement: Engagement) -> QuerySet[Convocation]:
    """Convocations of the engagement's sessions exactly as sent (Qualiopi indicator 9)."""
    return Convocation.objects.filter(session__engagement=engagement).select_related(
        "session", "learner"
    )


def reminders_sent(engagement: Engagement) -> QuerySet[Reminder]:
    """Reminders the scheduler sent for the engagement: who, when, which rule (indicator 12)."""
    return Reminder.objects.filter(engagement=engagement)


@dataclass(frozen=True)
class SheetRow:
    learner: Learner
    presence: Presence | None


def sheet(slot: Slot) -> list[SheetRow]:
    """Every participant of the half-day with their presence, if any, in name order."""
    presences = {p.learner_id: p for p in slot.presences.all()}
    participants = Participant.objects.filter(session_id=slot.session_id).select_related("learner")
    return [SheetRow(p.learner, presences.get(p.learner_id)) for p in participants]


def hours_attended(learner_ids: Iterable[int], *, engagement_id: int | None = None) -> dict:
    """Hours attended in sessions per learner (absences count nothing, lateness is deducted)."""
    hours: dict[int, float] = defaultdict(float)
    found = attended_seconds(learner_ids=learner_ids, engagement_id=engagement_id)
    for (learner_id, _engagement_id), seconds in found.items():
        hours[learner_id] += seconds / 3600
    return dict(hours)


def attended_seconds(
    *,
    organization_id: int | None = None,
    engagement_id: int | None = None,
    learner_ids: Iterable[int] | None = None,
    module_ids: Iterable[int] | None = None,
    by_module: bool = False,
) -> dict[tuple[int, ...], int]:
    """Seconds attended per (learner, engagement) — per (learner, engagement, module) with
    `by_module`, module 0 for a session without one — in ONE aggregate query, so a page of
    learners or a whole dashboard never asks once per learner. Same rule as `Presence.hours`:
    an absence counts nothing, lateness and early departures are deducted; cancelled sessions
    count nothing."""
    presences = Presence.objects.exclude(
        Q(status=Presence.Status.ABSENT) | Q(slot__session__status=TrainingSession.Status.CANCELLED)
    )
    if organization_id is not None:
        presences = presences.filter(slot__session__organization_id=organization_id)
    if engagement_id is not None:
        presences = presences.filter(slot__session__engagement_id=engagement_id)
    if learner_ids is not None:
        presences = presences.filter(learner_id__in=list(learner_ids))
    if module_ids is not None:
        presences = presences.filter(slot__session__module_id__in=list(module_ids))
    keys = ["learner_id", "slot__session__engagement_id"]
    if by_module:
        keys.append("slot__session__module_id")
    length = ExpressionWrapper(
        F("slot__ends_at") - F("slot__starts_at"), output_field=DurationField()
    )
    rows = (
        presences.order_by()
        .values_list(*keys)
        .annotate(length=Sum(length), missed=Sum("minutes_missed"))
    )
    result: dict[tuple[int, ...], int] = {}
    for *key, length_sum, missed in rows:
        seconds = int(length_sum.total_seconds()) - 60 * (missed or 0) if length_sum else 0
        result[tuple(part or 0 for part in key)] = max(seconds, 0)
    return result


def hours_planned(learner_ids: Iterable[int], *, engagement_id: int | None = None) -> dict:
    """Hours of the half-days already ended of the sessions each learner takes part in."""
    from django.utils import timezone

    rows = Participant.objects.filter(learner_id__in=list(learner_ids)).exclude(
        session__status=TrainingSession.Status.CANCELLED
    )
    if engagement_id is not None:
        rows = rows.filter(session__engagement_id=engagement_id)
    now = timezone.now()
    hours: dict[int, float] = defaultdict(float)
    for participant in rows.prefetch_related("session__slots"):
        for slot in participant.session.slots.all():
            if slot.ends_at <= now:
                hours[participant.learner_id] += slot.hours
    return dict(hours)


def attendance_rate(learner_id: int, *, engagement_id: int | None = None) -> float | None:
    """Attended / planned hours of ended half-days; None when the learner has no session."""
    planned = hours_planned([learner_id], engagement_id=engagement_id).get(learner_id, 0.0)
    if not planned:
        return None
    return hours_attended([learner_id], engagement_id=engagement_id).get(learner_id, 0.0) / planned


def attendance_is_sufficient(learner: Learner, *, engagement_id: int) -> bool:
    rate = attendance_rate(learner.pk, engagement_id=engagement_id)
    if rate is None:
        return True
    required = terms_for_client(learner.organization_id).minimum_attendance_percent
    return rate * 100 + 1e-9 >= required


def learner_sessions(learners: Iterable[Learner]) -> QuerySet[TrainingSession]:
    return (
        TrainingSession.objects.filter(participants__learner__in=list(learners))
        .prefetch_related("slots")
        .distinct()
        .order_by("pk")
    )


def session_dates(session: TrainingSession) -> tuple[date | None, date | None]:
    from saveit.core.dates import paris_date

    slots = list(session.slots.all())
    if not slots:
        return None, None
    return paris_date(slots[0].starts_at), paris_date(slots[-1].ends_at)


# ---------------------------------------------------------------- reminders


def contactable(assignments: Iterable[Assignment]) -> list[Assignment]:
    """The one choice of who may get a reminder: those whose account objected (privacy) are
    vetoed through `learning.hooks.contact_refused`, which gets their membership ids."""
    assignments = list(assignments)
    users = {a.learner.user_id for a in assignments if a.learner.user_id}
    memberships = dict(
        Membership.objects.filter(
            user_id__in=users,
            role=Role.LEARNER,
            organization_id__in={a.organization_id for a in assignments},
        ).values_list("user_id", "pk")
    )
    refused = contact_refused(ids=sorted(memberships.values())) if memberships else set()
    return [
        a
        for a in assignments
        if not (a.learner.user_id and memberships.get(a.learner.user_id) in refused)
    ]
