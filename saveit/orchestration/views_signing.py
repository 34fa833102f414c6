"""Read and sign: the document itself in the page, the statement and the signature form below it,
then the next document waiting for this signer. The evidence (hash, time, IP) is one click away."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from saveit.accounts.models import Membership
from saveit.accounts.permissions import acting_member
from saveit.accounts.roles import is_provider_staff, role_label
from saveit.audit import services as audit
from saveit.audit.document_access import access_document
from saveit.audit.forms import DEFAULT_INTENT, ReadAndSignForm
from saveit.audit.models import Document
from saveit.core.errors import Refusal
from saveit.engagements.artefact_pages import PAGES, has_page
from saveit.engagements.artefacts import artefact_kinds, kind_of
from saveit.engagements.models import Engagement, PurchaseOrder, SignedArtefact
from saveit.engagements.permissions import access_engagement, engagements_visible_to
from saveit.engagements.selectors import AwaitingSignature, awaiting_signature
from saveit.engagements.signing import State, owner_signature, state_of


def artefact_of_document(document: Document) -> SignedArtefact | None:
    """The engagement artefact whose issued PDF is this document, if it reads as a page."""
    for kind in artefact_kinds():
        artefact = kind.model._default_manager.filter(document=document).first()
        if artefact is not None:
            return artefact if has_page(artefact) else None
    return None


def reading_page_url(document: Document) -> str | None:
    """audit's reading-page finder: the artefacts of engagements are read and signed here."""
    artefact = artefact_of_document(document)
    if artefact is None:
        return None
    return reverse("engagements:read_and_sign", args=[artefact.engagement_id, document.pk])


def _signing_refusal(member: Membership, artefact: SignedArtefact) -> str | None:
    """Why the page offers no signature form, or None when this member may sign it now (the
    service's rule, engagements.signing_rules included, then "already signed" by someone)."""
    document = artefact.document
    assert document is not None
    if refusal := audit.signing_refusal(document, member):
        return refusal.message
    if state_of(artefact) != State.AWAITING_SIGNATURE:
        return _("This document is already signed.")
    return None


def _next_waiting(member: Membership, after: Document) -> AwaitingSignature | None:
    items = awaiting_signature(member, engagements_visible_to(member))
    return next((item for item in items if item.document.pk != after.pk), None)


def _context(
    member: Membership,
    engagement: Engagement,
    artefact: SignedArtefact,
    form: ReadAndSignForm | None,
) -> dict[str, Any]:
    document = artefact.document
    assert document is not None
    kind = kind_of(artefact)
    page = PAGES[kind.code]
    refusal = _signing_refusal(member, artefact)
    if refusal is None and form is None:
        form = ReadAndSignForm(
            with_totp=is_provider_staff(member),
            initial={"intent": DEFAULT_INTENT, "sha256": document.sha256},
        )
    label = kind.label
    if isinstance(artefact, PurchaseOrder):
        label = _("Agreement equivalent to a purchase order")
    signatures = list(document.signatures.select_related("audit_event").order_by("signed_at"))
    return {
        "engagement": engagement,
        "artefact": artefact,
        "document": document,
        "label": label,
        "doc": page.data(artefact),
        "body": page.template,
        "state": state_of(artefact),
        "signature": owner_signature(artefact),
        "signatures": [(s, role_label(s.role)) for s in signatures],
        "own_signature": next((s for s in signatures if s.membership_id == member.pk), None),
        "form": form if refusal is None else None,
        "refusal": refusal,
        "next_item": _next_waiting(member, document),
    }


@login_required
@require_http_methods(["GET", "POST"])
def read_and_sign(request: HttpRequest, engagement_id: int, document_id: int) -> HttpResponse:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id)
    document = access_document(member, document_id)
    artefact = artefact_of_document(document)
    if artefact is None or artefact.engagement_id != engagement.pk:
        raise Http404
    artefact.engagement = engagement
    form, stale, status = None, "", 200
    if request.method == "POST":
        form = ReadAndSignForm(request.POST, with_totp=is_provider_staff(member))
        status = 400
        if form.is_valid():
            if reason := _signing_refusal(member, artefact):
                messages.error(request, reason)
                return redirect(request.path)
            try:
                _sign(member, document, form.cleaned_data)
            except Refusal as refusal:
                status = refusal.status
                if refusal.code == "changed_since_read":
                    stale, form = refusal.message, None  # a fresh form for the version shown now
                else:
                    form.add_error(None, refusal.message)
            else:
                messages.success(request, _("Your signature is recorded."))
                return redirect(f"{request.path}#sign")  # where the next document is offered
    context = _context(member, engagement, artefact, form) | {"stale": stale}
    return render(request, "engagements/read_and_sign.html", context, status=status)


def _sign(member: Membership, document: Document, data: dict[str, Any]) -> None:
    audit.sign_document(
        document=document,
        by=member,
        intent=data["intent"],
        password=data.get("password", ""),
        otp_code=data.get("otp_code", ""),
        expected_sha256=data["sha256"],
    )
