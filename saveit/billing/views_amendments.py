"""Amendment pages: the engagement's amendments, writing one, reading it (and where the client's
content owner signs it: the document page, like every artefact to sign)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saveit.accounts.permissions import acting_member
from saveit.audit.services import signing_refusal
from saveit.core.actions import act
from saveit.core.errors import Refusal
from saveit.engagements.permissions import access_engagement
from saveit.engagements.signing import owner_signature, state_of

from . import amendments as service
from .forms import AmendmentForm, AmendmentLineFormSet
from .pdf_data import amendment_data
from .permissions import (
    access_amendment,
    amendments_visible_to,
    can_manage_billing,
    can_read_billing,
)
from .services import LineInput


def _reader(request: HttpRequest, engagement_id: int):
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id)
    if not can_read_billing(member):
        raise PermissionDenied
    return member, engagement


def amendment_rows(member, engagement) -> list[dict[str, object]]:
    rows = []
    for amendment in amendments_visible_to(member, engagement).order_by("revision"):
        rows.append(
            {
                "amendment": amendment,
                "state": str(state_of(amendment)),
                "signature": owner_signature(amendment) if amendment.is_issued else None,
                "change": service.totals_of_amendment(amendment).excl,
            }
        )
    return rows


@login_required
def amendment_list(request: HttpRequest, engagement_id: int) -> HttpResponse:
    member, engagement = _reader(request, engagement_id)
    manage = can_manage_billing(member)
    form = AmendmentForm(request.POST or None)
    line_set = AmendmentLineFormSet(request.POST or None, prefix="lines")
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        if form.is_valid() and line_set.is_valid():
            lines = [
                LineInput(
                    row["label"], row["quantity"], row["unit_price"], row["vat_rate"] or Decimal(0)
                )
                for row in line_set.cleaned_data
                if row.get("label")
            ]
            try:
                created = service.create_amendment(
                    engagement=engagement, by=member, lines=lines, **form.cleaned_data
                )
            except Refusal as refusal:
                messages.error(request, refusal.message)
            else:
                messages.success(
                    request, _("Amendment drafted: read it, then issue it for signature.")
                )
                return redirect("billing:amendment", engagement.pk, created.pk)
        else:
            messages.error(request, _("Correct the fields marked in red."))
    try:
        totals = service.amended_totals(engagement)
    except Refusal:
        totals = None  # no signed proposal yet
    return render(
        request,
        "billing/amendments.html",
        {
            "engagement": engagement,
            "rows": amendment_rows(member, engagement),
            "totals": totals,
            "can_manage": manage and engagement.closed_at is None,
            "form": form,
            "line_set": line_set,
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
def amendment_detail(request: HttpRequest, engagement_id: int, amendment_id: int) -> HttpResponse:
    member, engagement = _reader(request, engagement_id)
    amendment = access_amendment(member, engagement, amendment_id)
    state = str(state_of(amendment))
    document = amendment.document
    return render(
        request,
        "billing/amendment.html",
        {
            "engagement": engagement,
            "amendment": amendment,
            "doc": amendment_data(amendment),
            "state": state,
            "signature": owner_signature(amendment) if amendment.is_issued else None,
            "can_manage": can_manage_billing(member) and engagement.closed_at is None,
            "can_sign": (
                document is not None
                and state == "awaiting_signature"
                and signing_refusal(document, member) is None
            ),
        },
    )


@login_required
@require_POST
def amendment_issue(request: HttpRequest, engagement_id: int, amendment_id: int) -> HttpResponse:
    member, engagement = _reader(request, engagement_id)
    amendment = access_amendment(member, engagement, amendment_id)
    return act(
        request,
        lambda: service.issue_amendment(amendment=amendment, by=member),
        _("Amendment issued: the client's content owner is asked to sign it."),
        reverse("billing:amendment", args=[engagement.pk, amendment.pk]),
    )


@login_required
@require_POST
def amendment_delete(request: HttpRequest, engagement_id: int, amendment_id: int) -> HttpResponse:
    member, engagement = _reader(request, engagement_id)
    amendment = access_amendment(member, engagement, amendment_id)
    try:
        service.delete_amendment_draft(amendment=amendment, by=member)
    except Refusal as refusal:
        messages.error(request, refusal.message)
        return redirect("billing:amendment", engagement.pk, amendment.pk)
    messages.success(request, _("The draft amendment is deleted."))
    return redirect("billing:amendments", engagement.pk)
