"""Who runs a session (the provider's project team, its trainers), who reads it; access_* fetch
and check in one call, with the same 404 for "absent" and "not yours"."""

from __future__ import annotations

from django.db.models import QuerySet

from saveit.accounts.models import Membership
from saveit.accounts.roles import Role
from saveit.core.refusals import not_found
from saveit.engagements.permissions import can_manage_engagement, engagements_visible_to

from .models import Slot, TrainingSession

READER_ROLES = frozenset(
    {
        Role.ADMIN,
        Role.PROJECT_MANAGER,
        Role.DESIGNER,
        Role.QUALITY_MANAGER,
        Role.SUPPORT_AGENT,
        Role.CLIENT_OWNER,
        Role.CLIENT_MANAGER,
        Role.AUDITOR,
    }
)


def can_send_reminder(member: Membership | None) -> bool:
    """A reminder from the dashboard's learner list: whoever reads the dashboard, but auditors
    (they look, they do not act)."""
    return member is not None and member.is_current() and member.role != Role.AUDITOR


def can_run_session(member: Membership | None, session: TrainingSession) -> bool:
    """Plan, convene, record attendance: the provider's project team and the session's trainers."""
    if member is None or not member.is_current():
        return False
    if can_manage_engagement(member):
        return True
    return session.trainers.filter(pk=member.pk).exists()


def sessions_visible_to(member: Membership | None) -> QuerySet[TrainingSession]:
    if member is None or member.role not in READER_ROLES:
        return TrainingSession.objects.none()
    return TrainingSession.objects.filter(engagement__in=engagements_visible_to(member))


def access_session(member: Membership | None, session_id: int) -> TrainingSession:
    session = (
        sessions_visible_to(member)
        .select_related("engagement__client", "organization", "module")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise not_found(TrainingSession, session_id)
    return session


def access_slot(member: Membership | None, slot_id: int) -> Slot:
    slot = (
        Slot.objects.select_related("session__engagement__client", "session__organization")
        .filter(pk=slot_id, session__in=sessions_visible_to(member))
        .first()
    )
    if slot is None:
        raise not_found(Slot, slot_id)
    return slot
