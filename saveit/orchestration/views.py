"""Engagement pages: the board, one engagement, creating and moving it between phases."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saveit.accounts.permissions import acting_member
from saveit.accounts.roles import is_provider_staff
from saveit.core.confirm import confirmation_page, is_confirmed
from saveit.core.errors import Refusal
from saveit.core.refusals import get_in_scope
from saveit.engagements import selectors
from saveit.engagements.forms import ContractTermsForm, EngagementForm, ReopenForm
from saveit.engagements.models import Phase
from saveit.engagements.permissions import (
    access_engagement,
    can_list_engagements,
    can_manage_engagement,
    clients_open_to,
    engagements_visible_to,
)
from saveit.engagements.services import create_engagement, update_contract_terms
from saveit.engagements.services.commercial import TERMS_FIELDS

from .gates import GATES, unmet_checks
from .overview import board, overview
from .services import advance_phase, reopen_phase


@login_required
def engagement_list(request: HttpRequest) -> HttpResponse:
    member = acting_member(request)
    if not can_list_engagements(member):
        raise PermissionDenied
    engagements = list(engagements_visible_to(member).order_by("phase", "reference"))
    context = {
        "columns": board(engagements),
        "engagements": engagements,
        "is_provider": is_provider_staff(member),
        "can_create": can_manage_engagement(member),
    }
    return render(request, "engagements/list.html", context)


@login_required
def engagement_create(request: HttpRequest) -> HttpResponse:
    member = acting_member(request)
    if not can_manage_engagement(member):
        raise PermissionDenied
    form = EngagementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            engagement = create_engagement(by=member, **form.cleaned_data)
        except Refusal as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request, _("Engagement %(ref)s created.") % {"ref": engagement.reference}
            )
            return redirect("engagements:detail", engagement.pk)
    return render(request, "engagements/create.html", {"form": form})


@login_required
def engagement_detail(request: HttpRequest, engagement_id: int) -> HttpResponse:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id)
    view = overview(engagement, member)
    context = {
        "o": view,
        "engagement": engagement,
        "gate": GATES[engagement.phase],
        "timeline": selectors.timeline_entries(engagement),
        "reopen_form": ReopenForm(current_phase=engagement.phase) if view.can_manage else None,
    }
    return render(request, "engagements/detail.html", context)


@login_required
@require_POST
def engagement_advance(request: HttpRequest, engagement_id: int) -> HttpResponse:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    closing = (
        engagement.phase == Phase.CLOSURE
        and engagement.closed_at is None
        and not unmet_checks(engagement)
    )
    if closing and not is_confirmed(request):
        return confirmation_page(
            request,
            title=_("Close the engagement"),
            eyebrow=f"{engagement.reference} · {engagement.title}",
            consequence=_(
                "The engagement becomes read-only: no artefact, signature, population or module "
                "can change any more. Reopening it later needs a written reason, kept in the "
                "audit trail."
            ),
            action=_("Close the engagement"),
            back=reverse("engagements:detail", args=[engagement.pk]),
        )
    try:
        engagement = advance_phase(engagement=engagement, by=member)
    except Refusal as refusal:  # GateClosed included: its message lists the unmet checks
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("The engagement is now in phase %(phase)s: %(label)s.")
            % {"phase": engagement.phase, "label": engagement.phase_label},
        )
    return redirect("engagements:detail", engagement.pk)


@login_required
@require_POST
def engagement_reopen(request: HttpRequest, engagement_id: int) -> HttpResponse:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    form = ReopenForm(request.POST, current_phase=engagement.phase)
    if not form.is_valid():
        messages.error(request, _("Choose an earlier phase and explain why."))
        return redirect("engagements:detail", engagement.pk)
    try:
        reopen_phase(engagement=engagement, by=member, **form.cleaned_data)
    except Refusal as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The phase was reopened; the reason is in the audit trail."))
    return redirect("engagements:detail", engagement.pk)


@login_required
def to_sign(request: HttpRequest) -> HttpResponse:
    """Everything of the member's engagements that awaits their signature."""
    member = acting_member(request)
    items = selectors.awaiting_signature(member, engagements_visible_to(member))
    return render(request, "engagements/to_sign.html", {"items": items})


@login_required
def contract_terms(request: HttpRequest, client_id: int) -> HttpResponse:
    """A client's commercial terms (SPEC §13), which its proformas apply."""
    member = acting_member(request)
    if not can_manage_engagement(member):
        raise PermissionDenied
    client = get_in_scope(clients_open_to(member), client_id)
    current = selectors.terms_for_client(client)
    form = ContractTermsForm(request.POST or None, initial=model_to_dict(current, TERMS_FIELDS))
    if request.method == "POST" and form.is_valid():
        try:
            update_contract_terms(client=client, by=member, values=form.cleaned_data)
        except Refusal as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request, _("The contract terms of %(client)s are saved.") % {"client": client.name}
            )
            return redirect("engagements:contract_terms", client.pk)
    context = {
        "client": client,
        "form": form,
        "own": current.client_id == client.pk,
        "engagements": engagements_visible_to(member).filter(client=client).order_by("reference"),
    }
    return render(request, "engagements/contract_terms.html", context)
