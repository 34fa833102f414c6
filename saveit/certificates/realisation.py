"""Certificat de réalisation: per learner and engagement, the hours per modality a funder pays
on — distance time from the activity trace, attended hours from the signed sheets (SPEC §6)."""

from __future__ import annotations

from typing import Any

from django.db.models import Max, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from saveit.accounts.selectors import provider_organization
from saveit.attendance import selectors as attendance
from saveit.attendance.models import Presence, TrainingSession
from saveit.core.dates import long_date, paris_date
from saveit.core.pdf.documents import base_labels, document_header
from saveit.core.pdf.render import render_pdf
from saveit.engagements.models import Engagement
from saveit.learning.models import Assignment, Learner


def hours_text(hours: float) -> str:
    whole = int(hours)
    minutes = round((hours - whole) * 60)
    if minutes == 60:
        whole, minutes = whole + 1, 0
    return f"{whole} h {minutes:02d}"


def realisation_data(engagement: Engagement, learner: Learner) -> dict[str, Any]:
    assignments = Assignment.objects.filter(engagement=engagement, learner=learner)
    trace = assignments.aggregate(
        seconds=Sum("seconds_spent"), first=Min("started_at"), last=Max("completed_at")
    )
    distance = (trace["seconds"] or 0) / 3600
    sessions = list(
        TrainingSession.objects.filter(engagement=engagement, participants__learner=learner)
        .exclude(status=TrainingSession.Status.CANCELLED)
        .prefetch_related("slots")
        .distinct()
    )
    presences = {
        p.slot_id: p
        for p in Presence.objects.filter(
            learner=learner, slot__session__in=sessions
        ).select_related("slot")
    }
    by_modality: dict[str, list[float]] = {}
    rows = []
    dates = [d for d in (trace["first"], trace["last"]) if d]
    now = timezone.now()
    for session in sessions:
        for slot in session.slots.all():
            presence = presences.get(slot.pk)
            done = presence.hours if presence else 0.0
            planned, attended = by_modality.setdefault(session.modality, [0.0, 0.0])
            by_modality[session.modality] = [planned + slot.hours, attended + done]
            dates += [slot.starts_at]
            rows.append(
                {
                    "date": long_date(paris_date(slot.starts_at)),
                    "title": session.title,
                    "hours": hours_text(done),
                    "status": (
                        str(presence.get_status_display())
                        if presence
                        else (_("absent") if slot.ends_at < now else _("to come"))
                    ),
                }
            )
    labels_by_modality = dict(TrainingSession.Modality.choices)
    hours = [
        {
            "modality": _("Distance learning (time on task traced)"),
            "planned": "—",
            "done": hours_text(distance),
        }
    ] + [
        {
            "modality": str(labels_by_modality[m]),
            "planned": hours_text(p),
            "done": hours_text(a),
        }
        for m, (p, a) in sorted(by_modality.items())
    ]
    total = distance + sum(a for _p, a in by_modality.values())
    hours.append({"modality": _("Total"), "planned": "", "done": hours_text(total)})
    data = document_header(
        provider=provider_organization(),
        client=engagement.client,
        engagement=engagement,
        title=_("Certificate of completion"),
        reference=f"{engagement.reference}-CR-{learner.pk}",
        issued_on=timezone.localdate(),
        signer_role_label=_("The training provider"),
    )
    data["signature"]["note"] = _(
        "Issued by the platform from the activity trace and the signed attendance sheets, "
        "kept in the engagement's evidence pack."
    )
    first = min(dates) if dates else None
    last = max(dates) if dates else None
    data["labels"] = {
        **base_labels(_("Certificate of completion")),
        "holder": _("Trainee"),
        "action": _("Training action"),
        "hours": _("Hours completed per modality"),
        "modality": _("Modality"),
        "planned": _("Planned"),
        "done": _("Completed"),
        "sessions": _("Half-days in session"),
        "date": _("Date"),
        "session": _("Session"),
        "status": _("Attendance"),
        "none": _("No session for this trainee."),
    }
    data["holder"] = [
        {"label": _("Name"), "value": learner.full_name},
        {"label": _("Employer"), "value": engagement.client.name},
    ]
    data["action"] = [
        {"label": _("Nature of the action"), "value": _("Training action (blended learning)")},
        {"label": _("Title"), "value": engagement.title},
        {
            "label": _("Dates"),
            "value": (
                _("from %(start)s to %(end)s")
                % {"start": long_date(paris_date(first)), "end": long_date(paris_date(last))}
                if first and last
                else "—"
            ),
        },
    ]
    data["hours"] = hours
    data["sessions"] = rows
    data["statement"] = _(
        "The provider certifies that the trainee named above followed the training action "
        "for the hours stated, per modality. Attended hours come from the half-days signed; "
        "distance time from the trace of the lessons read on the platform."
    )
    rate = attendance.attendance_rate(learner.pk, engagement_id=engagement.pk)
    if rate is not None:
        data["action"].append(
            {"label": _("Attendance rate in session"), "value": f"{round(rate * 100)} %"}
        )
    return data


def render_realisation(engagement: Engagement, learner: Learner) -> bytes:
    return render_pdf("realisation", realisation_data(engagement, learner))
