"""Pages that write an engagement's artefacts (phases 0–2) and serve their PDFs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saveit.accounts.permissions import acting_member
from saveit.accounts.roles import is_provider_staff
from saveit.core.actions import act
from saveit.core.errors import Refusal
from saveit.engagements import pdf_data, selectors, services
from saveit.engagements.artefact_pages import PAGES, artefact_revision
from saveit.engagements.forms import (
    InterviewForm,
    LineFormSet,
    ProposalForm,
    PurchaseOrderForm,
    ScopingNoteForm,
    deliverable_formset,
)
from saveit.engagements.models import Engagement, Proposal, PurchaseOrder
from saveit.engagements.permissions import access_engagement, is_client_owner_of
from saveit.engagements.signing import State, is_expired, owner_signature, state_of

from . import services as workflow


def _act(
    request: HttpRequest, engagement: Engagement, action: Callable[[], Any], done: str
) -> HttpResponse:
    return act(request, action, done, reverse("engagements:detail", args=[engagement.pk]))


@login_required
def interview_add(request: HttpRequest, engagement_id: int) -> HttpResponse:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    form = InterviewForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_interview(engagement=engagement, by=member, **form.cleaned_data)
        except Refusal as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("The scoping interview is recorded."))
            return redirect("engagements:detail", engagement.pk)
    return render(
        request,
        "engagements/form_page.html",
        {"engagement": engagement, "form": form, "title": _("Record the scoping interview")},
    )


@login_required
def scoping_note_edit(request: HttpRequest, engagement_id: int) -> HttpResponse:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    current = selectors.current_scoping_note(engagement)
    form = ScopingNoteForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in ScopingNoteForm.Meta.fields}
        try:
            note = services.save_scoping_note(engagement=engagement, by=member, **fields)
        except Refusal as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Draft saved (revision %(rev)s).") % {"rev": note.revision})
            return redirect("engagements:detail", engagement.pk)
    subtitle = (
        _(
            "Revision %(rev)s is issued: saving starts revision %(next)s, "
            "which needs a new signature."
        )
        % {"rev": current.revision, "next": current.revision + 1}
        if current and current.is_issued
        else ""
    )
    return render(
        request,
        "engagements/form_page.html",
        {"engagement": engagement, "form": form, "title": _("Scoping note"), "subtitle": subtitle},
    )


@login_required
@require_POST
def scoping_note_issue(request: HttpRequest, engagement_id: int) -> HttpResponse:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    return _act(
        request,
        engagement,
        lambda: services.issue_scoping_note(engagement=engagement, by=member),
        _("The scoping note is issued; the client's content owner was asked to sign it."),
    )


@login_required
@require_POST
def mapping_report_generate(request: HttpRequest, engagement_id: int) -> HttpResponse:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    return _act(
        request,
        engagement,
        lambda: workflow.generate_mapping_report(engagement=engagement, by=member),
        _("The mapping report is generated and sent to the client for acknowledgement."),
    )


def _proposal_initial(
    engagement: Engagement,
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    proposal = selectors.current_proposal(engagement)
    terms = selectors.terms_for(engagement)
    if proposal is None:
        valid = timezone.localdate() + timedelta(days=terms.proposal_validity_days)
        return (
            {"valid_until": valid, "need": engagement.summary},
            [{"vat_rate": terms.vat_rate}],
            [],
        )
    head = {
        "need": proposal.need,
        "planning": proposal.planning,
        "valid_until": proposal.valid_until,
        "terms": proposal.terms,
    }
    lines = [
        {
            "label": line.label,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "vat_rate": line.vat_rate,
        }
        for line in proposal.lines.order_by("position")
    ]
    deliverables = [
        {
            "title": d.title,
            "description": d.description,
            "sources": [str(s.pk) for s in d.sources.all()],
        }
        for d in proposal.deliverables.order_by("position")
    ]
    return head, lines, deliverables


@login_required
def proposal_edit(request: HttpRequest, engagement_id: int) -> HttpResponse:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    head, lines, deliverables = _proposal_initial(engagement)
    choices = [(s.pk, s.title) for s in engagement.sources.order_by("title")]
    DeliverableFormSet, kwargs = deliverable_formset(choices)
    data = request.POST if request.method == "POST" else None
    form = ProposalForm(data, initial=head)
    line_set = LineFormSet(data, initial=lines, prefix="lines")
    deliverable_set = DeliverableFormSet(data, initial=deliverables, prefix="modules", **kwargs)
    if data is not None and form.is_valid() and line_set.is_valid() and deliverable_set.is_valid():
        try:
            services.save_proposal(
                engagement=engagement,
                by=member,
                **form.cleaned_data,
                lines=[
                    services.LineInput(
                        f["label"], f["quantity"], f["unit_price"], f.get("vat_rate")
                    )
                    for f in line_set.cleaned_data
                    if f.get("label")
                ],
                deliverables=[
                    services.DeliverableInput(
                        f["title"], f["description"], [int(pk) for pk in f["sources"]]
                    )
                    for f in deliverable_set.cleaned_data
                    if f.get("title")
                ],
            )
        except Refusal as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("The proposal draft is saved."))
            return redirect("engagements:detail", engagement.pk)
    return render(
        request,
        "engagements/proposal_form.html",
        {
            "engagement": engagement,
            "form": form,
            "line_set": line_set,
            "deliverable_set": deliverable_set,
        },
    )


@login_required
@require_POST
def proposal_issue(request: HttpRequest, engagement_id: int) -> HttpResponse:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    return _act(
        request,
        engagement,
        lambda: services.issue_proposal(engagement=engagement, by=member),
        _("The proposal is issued; the client was asked to validate it by signing."),
    )


@login_required
@require_POST
def proforma_issue(request: HttpRequest, engagement_id: int) -> HttpResponse:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    return _act(
        request,
        engagement,
        lambda: services.issue_proforma(engagement=engagement, by=member),
        _("The proforma invoice is issued."),
    )


@login_required
def purchase_order_upload(request: HttpRequest, engagement_id: int) -> HttpResponse:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id)
    form = PurchaseOrderForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_purchase_order(
                engagement=engagement,
                by=member,
                uploaded_file=form.cleaned_data["file"],
                client_reference=form.cleaned_data["client_reference"],
            )
        except Refusal as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("The purchase order is received and kept as evidence."))
            return redirect("engagements:detail", engagement.pk)
    return render(
        request,
        "engagements/form_page.html",
        {
            "engagement": engagement,
            "form": form,
            "multipart": True,
            "title": _("Purchase order received"),
            "subtitle": _(
                "The client's own PDF; it is checked on its content and kept under its SHA-256."
            ),
        },
    )


@login_required
@require_POST
def purchase_agreement_create(request: HttpRequest, engagement_id: int) -> HttpResponse:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    return _act(
        request,
        engagement,
        lambda: services.create_purchase_agreement(engagement=engagement, by=member),
        _("The agreement is issued; the client was asked to sign it."),
    )


@login_required
def engagement_pdf(request: HttpRequest, engagement_id: int, document_id: int) -> FileResponse:
    """A PDF of this engagement, to whoever may see the engagement."""
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id)
    document = selectors.engagement_documents(engagement).filter(pk=document_id).first()
    if document is None:
        raise Http404
    # FileResponse quotes and encodes the client's file name in the header.
    return FileResponse(
        document.file.open("rb"),
        as_attachment=False,
        filename=document.original_name,
        content_type="application/pdf",
    )


@login_required
def artefact_page(
    request: HttpRequest, engagement_id: int, kind: str, revision: int
) -> HttpResponse:
    """One artefact revision as a page, with the same content as its PDF, to print or read."""
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id)
    artefact = artefact_revision(engagement, kind, revision)
    if artefact is None or (not artefact.is_issued and not is_provider_staff(member)):
        raise Http404  # a draft is the provider's work in progress
    needs = PAGES[kind].kind.signed  # the completion report is issued, never signed
    state = state_of(artefact, needs_signature=needs)
    label = PAGES[kind].kind.label
    if isinstance(artefact, PurchaseOrder):
        label = _("Agreement equivalent to a purchase order")
    context = {
        "engagement": engagement,
        "artefact": artefact,
        "label": label,
        "doc": PAGES[kind].data(artefact),
        "body": PAGES[kind].template,
        "state": state,
        "signature": owner_signature(artefact) if needs else None,
        "can_sign": state == State.AWAITING_SIGNATURE
        and is_client_owner_of(member, engagement)
        and not (isinstance(artefact, Proposal) and is_expired(artefact)),
    }
    return render(request, "engagements/artefact_page.html", context)


@login_required
def proforma_page(request: HttpRequest, engagement_id: int, proforma_id: int) -> HttpResponse:
    """An issued proforma as a page, from the same data as its PDF, to whoever sees its PDF."""
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id)
    proforma = selectors.engagement_proforma(engagement, proforma_id)
    if proforma is None:
        raise Http404
    context = {
        "engagement": engagement,
        "proforma": proforma,
        "doc": pdf_data.proforma_data(proforma),
        "body": "engagements/artefacts/proforma.html",
    }
    return render(request, "engagements/proforma_page.html", context)
