"""Pages of surveys, complaints and incidents, and improvement actions."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from saveit.accounts.models import Membership
from saveit.accounts.permissions import acting_member
from saveit.accounts.selectors import provider_organization
from saveit.core.charts import Bar, hbar_chart
from saveit.core.errors import Refusal
from saveit.core.request_context import current_origin
from saveit.engagements.models import Engagement

from . import complaints as complaint_services
from . import forms, sources
from .api import file_for_member
from .models import Complaint, ImprovementAction, NonConformity, SurveyAnswer, SurveyRequest
from .permissions import (
    access_action,
    access_complaint,
    access_my_survey,
    can_manage_quality,
    can_read_quality,
    complaints_visible_to,
    is_client_reader,
    managed_provider,
    my_survey_requests,
    quality_provider,
    survey_requests_visible_to,
)
from .surveys import (
    GROUPINGS,
    answer_survey,
    request_from_token,
    request_stakeholder_survey,
    response_rate,
    results,
)

DIMENSION_LABELS = {
    "objectives": gettext_lazy("Objectives reached"),
    "methods": gettext_lazy("Teaching methods"),
    "materials": gettext_lazy("Materials"),
    "organisation": gettext_lazy("Organisation"),
}


def _ctx(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {"can_manage": can_manage_quality(getattr(request, "member", None)), **extra}


# ---------------------------------------------------------------- surveys


@login_required
def survey_results(request: HttpRequest) -> HttpResponse:
    member = acting_member(request)
    staff = can_read_quality(member)
    if not (staff or is_client_reader(member)):
        raise Http404
    requests = survey_requests_visible_to(member)
    by = request.GET.get("par", "module")
    by = by if by in GROUPINGS else "module"
    rows = results(requests, by)
    answered, asked = response_rate(requests)
    answers = SurveyAnswer.objects.filter(request__in=requests).select_related(
        "request__module", "request__engagement"
    )[:50]
    averages = SurveyAnswer.objects.filter(request__in=requests)
    from django.db.models import Avg

    means = averages.aggregate(**{d: Avg(d) for d in SurveyAnswer.DIMENSIONS})
    chart = (
        hbar_chart(
            rows=[
                Bar(str(DIMENSION_LABELS[d]), float(means[d] or 0)) for d in SurveyAnswer.DIMENSIONS
            ],
            max_value=5,
            id_prefix="dims",
            title=_("Average score per dimension (out of 5)"),
            description=_("Mean of every answer in your scope, per dimension, on a 1 to 5 scale."),
        )
        if answered
        else ""
    )
    rate_chart = (
        hbar_chart(
            rows=[Bar(r.label, round((r.response_rate or 0) * 100, 1)) for r in rows],
            max_value=100,
            id_prefix="rates",
            title=_("Response rate (%)"),
            description=_("Share of surveys answered, per group."),
        )
        if rows
        else ""
    )
    form = None
    if staff:
        form = forms.StakeholderSurveyForm(
            request.POST or None, engagements=Engagement.objects.order_by("reference")
        )
        if request.method == "POST":
            provider = managed_provider(member)
            if form.is_valid():
                engagement = form.cleaned_data["engagement"]
                try:
                    request_stakeholder_survey(
                        provider=provider,
                        respondent=form.cleaned_data["respondent"],
                        moment=form.cleaned_data["moment"],
                        name=form.cleaned_data["name"],
                        email=form.cleaned_data["email"],
                        engagement_id=engagement.pk if engagement else None,
                        client_id=engagement.client_id if engagement else None,
                        by=member,
                    )
                except Refusal as refusal:
                    form.add_error(None, refusal.message)
                else:
                    messages.success(request, _("Survey sent."))
                    return redirect("quality:survey_results")
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "quality/surveys.html",
        _ctx(
            request,
            rows=rows,
            by=by,
            groupings=GROUPINGS,
            answered=answered,
            asked=asked,
            answers=answers,
            staff=staff,
            chart=chart,
            rate_chart=rate_chart,
            form=form,
            dimensions=DIMENSION_LABELS,
            pending=SurveyRequest.objects.filter(
                pk__in=requests.filter(answered_at__isnull=True).values("pk")
            )[:20]
            if staff
            else [],
        ),
    )


@login_required
def my_surveys(request: HttpRequest) -> HttpResponse:
    member = acting_member(request)
    requests = my_survey_requests(member).select_related("module", "engagement")
    return render(request, "quality/my_surveys.html", _ctx(request, requests=requests))


def _answer_page(request: HttpRequest, survey: SurveyRequest, action_url: str) -> HttpResponse:
    if survey.answered_at is not None:
        return render(request, "quality/survey_done.html", {"survey": survey, "already": True})
    form = forms.SurveyAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            answer_survey(
                request=survey,
                scores={d: data[d] for d in SurveyAnswer.DIMENSIONS},
                comment=data["comment"],
                share_identity=data["share_identity"],
            )
        except Refusal as refusal:
            form.add_error(None, refusal.message)
        else:
            return render(request, "quality/survey_done.html", {"survey": survey})
    return render(
        request,
        "quality/survey_answer.html",
        {
            "survey": survey,
            "form": form,
            "action_url": action_url,
        },
    )


@login_required
def my_survey(request: HttpRequest, request_id: int) -> HttpResponse:
    survey = access_my_survey(acting_member(request), request_id)
    return _answer_page(request, survey, request.path)


def survey_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The link sent by e-mail: its signed token is the only key, for respondents without an
    account (funders, client managers); it answers one survey once."""
    survey = request_from_token(token)
    if survey is None:
        raise Http404
    return _answer_page(request, survey, request.path)


# ---------------------------------------------------------------- complaints


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    member = acting_member(request)
    items = complaints_visible_to(member)
    return render(
        request,
        "quality/complaints.html",
        _ctx(
            request,
            items=items,
            today=timezone.localdate(),
            staff=can_read_quality(member),
        ),
    )


@login_required
def complaint_new(request: HttpRequest) -> HttpResponse:
    member = acting_member(request)
    form = forms.ComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = file_for_member(
                member,
                form.cleaned_data["kind"],
                form.cleaned_data["subject"],
                form.cleaned_data["description"],
            )
        except Refusal as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request,
                _("Complaint %(number)s recorded. You will get an acknowledgement by %(date)s.")
                % {
                    "number": complaint.number,
                    "date": complaint.acknowledge_by.strftime("%d/%m/%Y"),
                },
            )
            return redirect("quality:complaint", complaint.pk)
    return render(request, "quality/complaint_new.html", {"form": form})


def _sender_digest(request: HttpRequest) -> str:
    ip = current_origin().ip or request.META.get("REMOTE_ADDR", "") or ""
    return hmac.new(settings.SECRET_KEY.encode(), ip.encode(), hashlib.sha256).hexdigest()


def complaint_public(request: HttpRequest) -> HttpResponse:
    """No account needed. Throttled per sender address (kept only as a keyed digest)."""
    form = forms.PublicComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        digest = _sender_digest(request)
        recent = Complaint.objects.filter(
            sender_digest=digest, received_at__gte=timezone.now() - timedelta(hours=1)
        ).count()
        provider = provider_organization()
        if form.cleaned_data["website"]:
            return render(request, "quality/complaint_sent.html", {"number": None})
        if recent >= settings.QUALITY_PUBLIC_COMPLAINTS_PER_HOUR:
            form.add_error(
                None, _("Too many submissions from your connection: try again in an hour.")
            )
            return render(request, "quality/complaint_public.html", {"form": form}, status=429)
        if provider is None:
            raise Http404
        data = form.cleaned_data
        complaint = complaint_services.file_complaint(
            provider=provider,
            kind=data["kind"],
            party=data["party"],
            name=data["name"],
            email=data["email"],
            subject=data["subject"],
            description=data["description"],
        )
        Complaint.objects.filter(pk=complaint.pk).update(sender_digest=digest)
        return render(request, "quality/complaint_sent.html", {"complaint": complaint})
    return render(request, "quality/complaint_public.html", {"form": form})


@login_required
def complaint_detail(request: HttpRequest, complaint_id: int) -> HttpResponse:
    member = acting_member(request)
    complaint = access_complaint(member, complaint_id)
    return render(
        request,
        "quality/complaint.html",
        _ctx(
            request,
            complaint=complaint,
            today=timezone.localdate(),
            staff=can_read_quality(member),
            answer_form=forms.ComplaintAnswerForm(),
            mediation_form=forms.MediationForm(),
            actions=complaint.actions.all() if can_read_quality(member) else [],
            is_filer=complaint.filed_by_id == member.user_id,
        ),
    )


def _complaint_write(request: HttpRequest, complaint_id: int, write: Any) -> HttpResponse:
    member = acting_member(request)
    complaint = access_complaint(member, complaint_id, manage=True)
    try:
        write(member, complaint)
    except Refusal as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("quality:complaint", complaint.pk)


@login_required
@require_POST
def complaint_acknowledge(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _complaint_write(
        request,
        complaint_id,
        lambda m, c: complaint_services.acknowledge_complaint(complaint=c, by=m),
    )


@login_required
@require_POST
def complaint_answer(request: HttpRequest, complaint_id: int) -> HttpResponse:
    text = str(request.POST.get("answer", ""))[:10000]
    return _complaint_write(
        request,
        complaint_id,
        lambda m, c: complaint_services.answer_complaint(complaint=c, answer=str(text), by=m),
    )


@login_required
@require_POST
def complaint_mediation(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """The complainant may ask for mediation; the provider records the referral and outcome."""
    member = acting_member(request)
    complaint = access_complaint(member, complaint_id)
    outcome = str(request.POST.get("outcome", ""))[:10000]
    if outcome and not can_manage_quality(member):
        raise PermissionDenied
    complaint_services.refer_to_mediation(complaint=complaint, outcome=outcome, by=member)
    messages.success(request, _("Mediation recorded."))
    return redirect("quality:complaint", complaint.pk)


# ---------------------------------------------------------------- improvement actions


def _action_form(provider: Any, data: Any = None, initial: Any = None) -> forms.ActionForm:
    return forms.ActionForm(
        data,
        initial=initial,
        complaints=Complaint.objects.filter(organization=provider),
        answers=SurveyAnswer.objects.filter(organization=provider),
        ncs=NonConformity.objects.filter(organization=provider),
        dropouts=sources.dropout_candidates(timezone.localdate()),
        staff=Membership.objects.filter(
            pk__in=[m.pk for m in sources.provider_staff(provider)]
        ).select_related("user"),
    )


@login_required
def action_list(request: HttpRequest) -> HttpResponse:
    member = acting_member(request)
    provider = quality_provider(member)
    initial: dict[str, Any] = {"owner": member.pk if can_manage_quality(member) else None}
    if request.GET.get("reclamation"):
        initial.update(cause="complaint", complaint=request.GET["reclamation"])
    form = _action_form(provider, request.POST or None, initial)
    if request.method == "POST":
        provider = managed_provider(member)
        if form.is_valid():
            d = form.cleaned_data
            try:
                action = complaint_services.open_action(
                    provider=provider,
                    title=d["title"],
                    cause=d["cause"],
                    owner=d["owner"],
                    due_on=d["due_on"],
                    by=member,
                    cause_detail=d["cause_detail"],
                    complaint=d["complaint"],
                    survey_answer=d["survey_answer"],
                    nonconformity=d["nonconformity"],
                    assignment_id=d["assignment"].pk if d["assignment"] else None,
                )
            except Refusal as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(request, _("Action %(n)s opened.") % {"n": action.number})
                return redirect("quality:action", action.pk)
    items = ImprovementAction.objects.filter(organization=provider).select_related(
        "owner__user", "complaint"
    )
    return render(
        request,
        "quality/actions.html",
        _ctx(
            request,
            items=items,
            form=form,
            today=timezone.localdate(),
        ),
    )


@login_required
def action_detail(request: HttpRequest, action_id: int) -> HttpResponse:
    member = acting_member(request)
    action = access_action(member, action_id)
    form = forms.ActionUpdateForm(
        request.POST or None,
        initial={"status": action.status, "efficacy_check": action.efficacy_check},
    )
    if request.method == "POST":
        action = access_action(member, action_id, manage=True)
        if form.is_valid():
            try:
                complaint_services.update_action(
                    action=action,
                    status=form.cleaned_data["status"],
                    efficacy_check=form.cleaned_data["efficacy_check"],
                    by=member,
                )
            except Refusal as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(request, _("Saved."))
                return redirect("quality:action", action.pk)
    return render(
        request,
        "quality/action.html",
        _ctx(
            request,
            action=action,
            form=form,
            today=timezone.localdate(),
        ),
    )
