"""What the learner reads, and for how long: the attendance trace of distance learning."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from saveit.catalog.snapshot import snapshot_of
from saveit.core.errors import Refusal
from saveit.core.prepared import PreparedInsert

from ..hooks import tracking
from ..models import Activity, Assignment

# Every lesson page records its view: the INSERT is built once per process (issue 22).
_LESSON_VIEW = PreparedInsert(Activity)
# A lesson left open in a forgotten tab stops counting after this long without a heartbeat.
IDLE_CAP = timedelta(minutes=5)


def lesson_keys(assignment: Assignment) -> list[str]:
    return [lesson["key"] for lesson in snapshot_of(assignment.module_version)["lessons"]]


def _require_open(assignment: Assignment) -> None:
    if assignment.status == Assignment.Status.REPLACED:
        raise Refusal(_("This training was replaced by a newer version."), code="replaced")
    if assignment.engagement.closed_at is not None:
        raise Refusal(_("This engagement is closed: it can no longer change."), code="closed")


def open_lesson(*, assignment: Assignment, key: str, ip: str | None = None) -> Activity:
    """Records the view and where to resume; the assignment starts with its first lesson.

    `assignment` comes with its learner (access_own_assignment). Once started, a view changes
    only where to resume, which no figure above learning counts (status, dates, scores and time
    are the tracked facts): one UPDATE (none when resuming where the learner left) and the
    view's INSERT, without the row lock and the tracking the first view needs (issue 22)."""
    _require_open(assignment)
    if key not in lesson_keys(assignment):
        raise Refusal(_("This lesson is not part of the module."), code="unknown")
    if assignment.started_at is None or assignment.status == Assignment.Status.ASSIGNED:
        return _start_with_view(assignment, key, ip)
    if assignment.last_lesson_key == key:
        return _view(assignment, key, ip, timezone.now())
    with transaction.atomic():
        Assignment.objects.filter(pk=assignment.pk).update(last_lesson_key=key)
        return _view(assignment, key, ip, timezone.now())


@transaction.atomic
def _start_with_view(assignment: Assignment, key: str, ip: str | None) -> Activity:
    assignment = (
        Assignment.objects.select_for_update().select_related("learner").get(pk=assignment.pk)
    )
    with tracking(assignment.pk):
        return _record_view(assignment, key, ip)


def _record_view(assignment: Assignment, key: str, ip: str | None) -> Activity:
    now = timezone.now()
    fields = ["last_lesson_key"]
    assignment.last_lesson_key = key
    if assignment.started_at is None:
        assignment.started_at = now
        fields.append("started_at")
    if assignment.status == Assignment.Status.ASSIGNED:
        assignment.status = Assignment.Status.IN_PROGRESS
        fields.append("status")
    assignment.save(update_fields=fields)
    return _view(assignment, key, ip, now)


def _view(assignment: Assignment, key: str, ip: str | None, now) -> Activity:
    return _LESSON_VIEW.create(
        organization_id=assignment.organization_id,
        learner_id=assignment.learner_id,
        assignment=assignment,
        kind=Activity.Kind.LESSON,
        lesson_key=key,
        at=now,
        last_seen_at=now,
        ip=ip,
        user_id=assignment.learner.user_id,
    )


@transaction.atomic
def heartbeat(*, assignment: Assignment, activity_id: int) -> int:
    """Extends the time on a lesson view (the page pings while it is visible); returns seconds."""
    view = (
        Activity.objects.select_for_update()
        .filter(pk=activity_id, assignment=assignment, kind=Activity.Kind.LESSON)
        .first()
    )
    if view is None:
        raise Refusal(_("Unknown lesson view."), code="unknown")
    now = timezone.now()
    last = view.last_seen_at or view.at
    added = int(min(now - last, IDLE_CAP).total_seconds())
    view.seconds += added
    view.last_seen_at = now
    view.save(update_fields=["seconds", "last_seen_at"])
    if added:
        Assignment.objects.select_for_update().filter(pk=assignment.pk).first()
        with tracking(assignment.pk):
            Assignment.objects.filter(pk=assignment.pk).update(
                seconds_spent=F("seconds_spent") + added
            )
    return view.seconds


@transaction.atomic
def mark_read(*, assignment: Assignment, key: str, activity_id: int | None) -> None:
    _require_open(assignment)
    if key not in lesson_keys(assignment):
        raise Refusal(_("This lesson is not part of the module."), code="unknown")
    if activity_id:
        heartbeat(assignment=assignment, activity_id=activity_id)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if key not in assignment.lessons_read:
        assignment.lessons_read = [*assignment.lessons_read, key]
        assignment.save(update_fields=["lessons_read"])
