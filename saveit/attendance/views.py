"""Sessions (provider side), the trainer's QR screen, the learner's scan-and-sign page."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saveit.accounts.models import Membership
from saveit.accounts.permissions import acting_member
from saveit.core.actions import act
from saveit.core.errors import Forbidden, Refusal
from saveit.engagements.models import Engagement
from saveit.engagements.permissions import access_engagement, can_manage_engagement
from saveit.learning.models import Population
from saveit.learning.permissions import own_learner_records

from . import pdf, qr_tokens, selectors, services
from .forms import PaperSheetForm, PresenceForm, SessionForm, SlotForm
from .models import Presence, TrainingSession
from .permissions import access_session, access_slot, can_run_session


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
def session_list(request: HttpRequest, engagement_id: int) -> HttpResponse:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id)
    form = SessionForm(request.POST or None)
    can_plan = can_manage_engagement(member)
    if request.method == "POST":
        if not can_plan:
            raise Http404
        if form.is_valid():
            try:
                session = services.create_session(
                    engagement=engagement, by=member, **form.cleaned_data
                )
            except Refusal as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(request, _("Session planned."))
                return redirect("attendance:session", session.pk)
    return render(
        request,
        "attendance/session_list.html",
        {
            "engagement": engagement,
            "sessions": selectors.sessions_of(engagement).filter(
                pk__in=access_engagement_sessions(member, engagement)
            ),
            "form": form,
            "can_plan": can_plan,
        },
    )


def access_engagement_sessions(member: Membership, engagement: Engagement) -> QuerySet[Any]:
    from .permissions import sessions_visible_to

    return sessions_visible_to(member).filter(engagement=engagement).values("pk")


@login_required
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    member = acting_member(request)
    session = access_session(member, session_id)
    slots = list(session.slots.all())
    return render(
        request,
        "attendance/session_detail.html",
        {
            "session": session,
            "engagement": session.engagement,
            "slots": [(slot, selectors.sheet(slot), services.is_locked(slot)) for slot in slots],
            "participants": session.participants.select_related("learner"),
            "populations": Population.objects.filter(engagement_id=session.engagement_id),
            "convocations": session.convocations.all(),
            "can_run": can_run_session(member, session),
            "slot_form": SlotForm(),
            "presence_statuses": Presence.Status.choices,
            "paper_form": PaperSheetForm(),
        },
    )


def _runner_action(
    request: HttpRequest, session_id: int
) -> tuple[Membership, TrainingSession, str]:
    member = acting_member(request)
    session = access_session(member, session_id)
    return member, session, reverse("attendance:session", args=[session.pk])


@login_required
@require_POST
def add_slot(request: HttpRequest, session_id: int) -> HttpResponse:
    member, session, back = _runner_action(request, session_id)
    form = SlotForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the start and end of the half-day."))
        return redirect(back)
    return act(
        request,
        lambda: services.add_slot(session=session, by=member, **form.cleaned_data),
        _("Half-day added."),
        back,
    )


@login_required
@require_POST
def add_population(request: HttpRequest, session_id: int) -> HttpResponse:
    member, session, back = _runner_action(request, session_id)
    population = Population.objects.filter(
        pk=request.POST.get("population") or 0, engagement_id=session.engagement_id
    ).first()
    if population is None:
        messages.error(request, _("Choose a population of this engagement."))
        return redirect(back)
    return act(
        request,
        lambda: services.add_population(session=session, by=member, population=population),
        _("Participants added."),
        back,
    )


@login_required
@require_POST
def convene(request: HttpRequest, session_id: int) -> HttpResponse:
    member, session, back = _runner_action(request, session_id)
    return act(
        request,
        lambda: services.send_convocations(session=session, by=member),
        _("Convocations sent."),
        back,
    )


@login_required
@require_POST
def cancel(request: HttpRequest, session_id: int) -> HttpResponse:
    member, session, back = _runner_action(request, session_id)
    return act(
        request,
        lambda: services.cancel_session(
            session=session, by=member, reason=request.POST.get("reason", "")
        ),
        _("Session cancelled."),
        back,
    )


@login_required
@require_POST
def record(request: HttpRequest, slot_id: int) -> HttpResponse:
    member = acting_member(request)
    slot = access_slot(member, slot_id)
    back = reverse("attendance:session", args=[slot.session_id])
    form = PresenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the attendance entered."))
        return redirect(back)
    data = form.cleaned_data
    return act(
        request,
        lambda: services.record_attendance(
            slot=slot,
            by=member,
            learner_id=data["learner"],
            status=data["status"],
            minutes_missed=data["minutes_missed"] or 0,
            justification=data["justification"],
        ),
        _("Attendance recorded."),
        back,
    )


@login_required
@require_POST
def trainer_sign(request: HttpRequest, slot_id: int) -> HttpResponse:
    member = acting_member(request)
    slot = access_slot(member, slot_id)
    return act(
        request,
        lambda: services.trainer_sign(slot=slot, by=member),
        _("Sheet signed."),
        reverse("attendance:session", args=[slot.session_id]),
    )


@login_required
@require_POST
def paper_upload(request: HttpRequest, slot_id: int) -> HttpResponse:
    member = acting_member(request)
    slot = access_slot(member, slot_id)
    form = PaperSheetForm(request.POST, request.FILES)
    back = reverse("attendance:session", args=[slot.session_id])
    if not form.is_valid():
        messages.error(request, _("Choose the scanned sheet (PDF)."))
        return redirect(back)
    present = [int(i) for i in request.POST.getlist("present") if i.isdigit()]
    return act(
        request,
        lambda: services.upload_paper_sheet(
            slot=slot,
            by=member,
            uploaded_file=form.cleaned_data["file"],
            present_learner_ids=present,
        ),
        _("Paper sheet recorded."),
        back,
    )


@login_required
def qr_screen(request: HttpRequest, slot_id: int) -> HttpResponse:
    """The trainer's screen: the QR code (renewed every minute) and the sheet filling up."""
    member = acting_member(request)
    slot = access_slot(member, slot_id)
    if not can_run_session(member, slot.session):
        raise Http404
    now = timezone.now()
    token = qr_tokens.make_token(slot.session.token_key, slot.pk, now)
    url = request.build_absolute_uri(reverse("attendance:sign", args=[token]))
    qr = segno.make(url, error="m").svg_inline(scale=6, dark="#1d2330", omitsize=True)
    rows = selectors.sheet(slot)
    context = {
        "slot": slot,
        "session": slot.session,
        "qr_svg": qr,
        "sign_url": url,
        "rows": rows,
        "signed": sum(1 for r in rows if r.presence and r.presence.status != "absent"),
        "refresh": min(qr_tokens.seconds_left(now), 15),
    }
    template = (
        "attendance/qr.html#panel" if request.headers.get("HX-Request") else "attendance/qr.html"
    )
    return render(request, template, context)


@login_required
def sign(request: HttpRequest, token: str) -> HttpResponse:
    """The learner's phone after scanning: confirm, then sign (refusals change nothing)."""
    member = acting_member(request)
    try:
        slot = services.slot_for_token(token)
    except Refusal as refusal:
        return render(request, "attendance/sign.html", {"error": refusal.message}, status=410)
    if request.method == "POST":
        try:
            services.sign_with_token(token=token, by=member)
        except Forbidden as refusal:
            return render(request, "attendance/sign.html", {"error": refusal.message}, status=403)
        except Refusal as refusal:
            return render(request, "attendance/sign.html", {"error": refusal.message}, status=409)
        messages.success(request, _("Signed. Your attendance for this half-day is recorded."))
        return redirect("attendance:my_sessions")
    return render(request, "attendance/sign.html", {"slot": slot, "token": token})


@login_required
def my_sessions(request: HttpRequest) -> HttpResponse:
    member = acting_member(request)
    learners = own_learner_records(member)
    sessions = list(selectors.learner_sessions(learners))
    presences = {
        p.slot_id: p for p in Presence.objects.filter(learner__in=learners).select_related("slot")
    }
    return render(
        request,
        "attendance/my_sessions.html",
        {
            "rows": [
                (s, [(slot, presences.get(slot.pk)) for slot in s.slots.all()]) for s in sessions
            ],
            "engagement_ids": sorted({s.engagement_id for s in sessions}),
        },
    )


@login_required
def sheet_pdf(request: HttpRequest, slot_id: int) -> HttpResponse:
    member = acting_member(request)
    slot = access_slot(member, slot_id)
    blank = request.GET.get("vierge") == "1"
    content = pdf.render_sheet(slot, blank=blank)
    stem = "emargement-vierge" if blank else "emargement"
    return _pdf(content, f"{stem}-{slot.session_id}-{slot.pk}.pdf")


def _hours_reader(request: HttpRequest, engagement_id: int) -> Engagement:
    from .permissions import READER_ROLES

    member = acting_member(request)
    engagement = access_engagement(member, engagement_id)
    if member.role not in READER_ROLES:
        raise Http404
    return engagement


@login_required
def hours(request: HttpRequest, engagement_id: int) -> HttpResponse:
    """Hours attended in session beside distance time, per learner; the attestation rule."""
    from .exports import hours_rows

    engagement = _hours_reader(request, engagement_id)
    return render(
        request,
        "attendance/hours.html",
        {
            "engagement": engagement,
            "rows": hours_rows(engagement),
            "required": selectors.terms_for_client(engagement.client_id).minimum_attendance_percent,
        },
    )


@login_required
def trace(request: HttpRequest, engagement_id: int, learner_id: int, fmt: str) -> HttpResponse:
    """A learner's activity trace as CSV or XLSX (proof of distance attendance)."""
    from saveit.core.refusals import not_found
    from saveit.core.tables import csv_chunks, to_xlsx
    from saveit.learning.models import Learner

    from .exports import trace_table

    engagement = _hours_reader(request, engagement_id)
    learner = Learner.objects.filter(pk=learner_id, organization_id=engagement.client_id).first()
    if learner is None:
        raise not_found(Learner, learner_id)
    table = trace_table(learner, engagement)
    name = f"trace-{engagement.reference}-{learner.pk}"
    if fmt == "xlsx":
        response = HttpResponse(
            to_xlsx(table),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(
            "".join(csv_chunks(table)).encode("utf-8"), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
