"""Hours attended beside distance time, per learner of an engagement, and each learner's
activity trace (proof of distance attendance: connections, lessons, time per lesson)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from saveit.core.tables import Column, Table
from saveit.engagements.models import Engagement
from saveit.learning.models import Activity, Assignment, Learner

from .selectors import hours_attended, hours_planned, terms_for_client


@dataclass(frozen=True)
class HoursRow:
    learner: Learner
    distance_hours: float
    planned_hours: float
    attended_hours: float
    rate: float | None
    sufficient: bool


def hours_rows(engagement: Engagement) -> list[HoursRow]:
    distance = dict(
        Assignment.objects.filter(engagement=engagement)
        .values_list("learner_id")
        .annotate(seconds=Sum("seconds_spent"))
        .values_list("learner_id", "seconds")
    )
    from .models import Participant

    in_sessions = set(
        Participant.objects.filter(session__engagement=engagement).values_list(
            "learner_id", flat=True
        )
    )
    ids = set(distance) | in_sessions
    attended = hours_attended(ids, engagement_id=engagement.pk)
    planned = hours_planned(ids, engagement_id=engagement.pk)
    required = terms_for_client(engagement.client_id).minimum_attendance_percent
    rows = []
    for learner in Learner.objects.filter(pk__in=ids).order_by("last_name", "first_name", "pk"):
        p = planned.get(learner.pk, 0.0)
        a = attended.get(learner.pk, 0.0)
        rate = a / p if p else None
        rows.append(
            HoursRow(
                learner=learner,
                distance_hours=(distance.get(learner.pk) or 0) / 3600,
                planned_hours=p,
                attended_hours=a,
                rate=rate,
                sufficient=rate is None or rate * 100 + 1e-9 >= required,
            )
        )
    return rows


def trace_table(learner: Learner, engagement: Engagement) -> Table:
    """Every traced action of the learner in the engagement (and their sign-ins), in order."""
    activities = (
        Activity.objects.filter(learner=learner)
        .filter(assignment__engagement=engagement)
        .select_related("assignment__module_version")
        .order_by("at", "pk")
    ) | Activity.objects.filter(learner=learner, kind=Activity.Kind.SIGN_IN)
    rows = (
        (
            timezone.localtime(a.at).strftime("%d/%m/%Y %H:%M:%S"),
            str(a.get_kind_display()),
            a.assignment.module_version.title if a.assignment else "",
            a.lesson_key,
            a.seconds,
            a.ip or "",
        )
        for a in activities.order_by("at", "pk")
    )
    return Table(
        title=_("Activity trace of %(name)s") % {"name": learner.full_name},
        subtitle=f"{engagement.reference} · {engagement.title}",
        columns=[
            Column("at", _("Date and time")),
            Column("kind", _("Action")),
            Column("module", _("Module")),
            Column("lesson", _("Lesson")),
            Column("seconds", _("Seconds on the lesson"), numeric=True),
            Column("ip", _("IP address")),
        ],
        rows=rows,
    )
