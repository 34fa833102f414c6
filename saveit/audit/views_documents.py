"""Evidence documents: list and upload, the evidence page, the file, signing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from saveit.accounts.models import Membership
from saveit.accounts.permissions import acting_member
from saveit.accounts.roles import is_provider_staff, role_label
from saveit.core.errors import Refusal

from . import services
from .document_access import (
    access_document,
    can_list_documents,
    can_sign_document,
    can_upload_documents,
    readable_documents,
    reading_page_of,
    require_upload_right,
)
from .forms import SignForm, UploadForm
from .models import Document
from .selectors import events_of, signing_status


@login_required
@require_http_methods(["GET", "POST"])
def document_list(request: HttpRequest) -> HttpResponse:
    member = acting_member(request)
    if not can_list_documents(member):
        raise PermissionDenied
    organization = member.organization
    form = None
    if request.method == "POST":
        require_upload_right(member, organization)
        form = UploadForm(request.POST, request.FILES, organization=organization)
        if document := _upload(form, member):
            messages.success(request, _("Document added. Its fingerprint is recorded."))
            return redirect("audit:document_detail", document.pk)
    elif can_upload_documents(member, organization):
        form = UploadForm(organization=organization)
    rows = [(d, signing_status(d)) for d in readable_documents(member)]
    status = 400 if form is not None and form.is_bound else 200
    return render(request, "audit/document_list.html", {"rows": rows, "form": form}, status=status)


def _upload(form: UploadForm, member: Membership) -> Document | None:
    if not form.is_valid():
        return None
    try:
        return services.upload_document(
            organization=member.organization,
            by=member,
            uploaded_file=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            signer_roles=form.cleaned_data["signer_roles"],
        )
    except Refusal as refusal:
        form.add_error(
            "file" if refusal.code in ("bad_file", "too_big", "encrypted") else None,
            refusal.message,
        )
        return None


def _detail_context(
    member: Membership, document: Document, sign_form: SignForm | None
) -> dict[str, Any]:
    reading_page = reading_page_of(document)
    # A document that reads as a page is signed there, where the signer sees what they sign.
    may_sign = reading_page is None and can_sign_document(member, document)
    if may_sign and sign_form is None:
        sign_form = SignForm(with_totp=is_provider_staff(member))
    verification = services.verify_document(document)
    return {
        "document": document,
        "verification": verification,
        "signature_rows": [
            {"signature": c.signature, "ok": c.ok, "role_label": role_label(c.signature.role)}
            for c in verification.signatures
        ],
        "role_labels": [role_label(role) for role in document.signer_roles],
        "status": signing_status(document),
        "events": events_of(document).select_related("actor_user"),
        "sign_form": sign_form if may_sign else None,
        "reading_page": reading_page,
        "may_sign_there": reading_page is not None and can_sign_document(member, document),
    }


@login_required
@require_GET
def document_detail(request: HttpRequest, document_id: int) -> HttpResponse:
    member = acting_member(request)
    document = access_document(member, document_id)
    template = (
        "audit/document_print.html" if request.GET.get("print") else "audit/document_detail.html"
    )
    return render(request, template, _detail_context(member, document, None))


@login_required
@require_GET
def document_file(request: HttpRequest, document_id: int) -> FileResponse:
    document = access_document(acting_member(request), document_id)
    try:
        handle = default_storage.open(document.file.name or "", "rb")
    except FileNotFoundError as missing:  # the evidence page reports it as modified
        raise Http404 from missing
    return FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.media_type,
    )


@login_required
@require_POST
def document_sign(request: HttpRequest, document_id: int) -> HttpResponse:
    member = acting_member(request)
    document = access_document(member, document_id)
    if reading_page := reading_page_of(document):
        messages.error(request, _("Sign this document from its page, where you can read it."))
        return redirect(reading_page)
    form = SignForm(request.POST, with_totp=is_provider_staff(member))
    status = 400  # the form is not filled in as it must be
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.sign_document(
                document=document,
                by=member,
                intent=data["intent"],
                password=data.get("password", ""),
                otp_code=data.get("otp_code", ""),
            )
        except Refusal as refusal:
            form.add_error(None, refusal.message)
            status = refusal.status  # 403 for this member, 409 for the state of things
        else:
            messages.success(request, _("Your signature is recorded."))
            return redirect("audit:document_detail", document.pk)
    context = _detail_context(member, document, form)
    if context["sign_form"] is None:  # the refusal came from a rule, not from the form
        messages.error(
            request,
            " ".join(str(e) for e in form.non_field_errors())
            or _("You cannot sign this document."),
        )
    return render(request, "audit/document_detail.html", context, status=status)
