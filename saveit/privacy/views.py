"""Data protection pages: requests, processing register, breaches, retention, reversibility."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saveit.accounts.permissions import acting_member
from saveit.core.errors import Refusal
from saveit.core.jobs import start_job
from saveit.core.refusals import get_in_scope

from . import breaches as breach_services
from .destruction import destroy_organization
from .exports import breaches_csv, breaches_pdf, register_pdf
from .forms import (
    BreachForm,
    ContactForm,
    ExecuteForm,
    ExtendForm,
    HoldForm,
    RequestForm,
    ReversibilityForm,
)
from .models import (
    DataSubjectRequest,
    LegalHold,
    PrivacyContact,
    ProcessingActivity,
    Reversibility,
)
from .permissions import (
    access_breach,
    access_hold,
    access_request,
    breaches_visible_to,
    can_use_privacy,
    client_organizations_for,
    is_client_owner,
    requests_visible_to,
    require_register_manager,
)
from .retention import RULES, held_organization_ids, purge
from .services import (
    access_export_of,
    execute_request,
    extend_request,
    lift_hold,
    place_hold,
    receive_request,
    set_privacy_contact,
)


def _member(request: HttpRequest) -> Any:
    member = acting_member(request)
    if not can_use_privacy(member):
        raise PermissionDenied
    return member


def _file(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- Requests of the people concerned ---------------------------------------------------------


def _request_form(member: Any, data: Any = None) -> RequestForm:
    form = RequestForm(data)
    form.fields["organization"].queryset = client_organizations_for(member)  # type: ignore[attr-defined]
    form.fields["organization"].required = not is_client_owner(member)
    return form


@login_required
def requests(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    form = _request_form(member, request.POST or None)
    if request.method == "POST" and form.is_valid():
        organization = form.cleaned_data["organization"] or member.organization
        try:
            created = receive_request(
                organization=organization,
                kind=form.cleaned_data["kind"],
                email=form.cleaned_data["email"],
                by=member,
                details=form.cleaned_data["details"],
                identity_note=form.cleaned_data["identity_note"],
            )
        except Refusal as refusal:
            messages.error(request, refusal.message)
        except Http404:  # the same answer as for another organisation's person
            form.add_error("email", _("Nobody with this address in this organisation."))
        else:
            messages.success(request, _("Request recorded: answer due on %(date)s.")
                             % {"date": created.due_on.strftime("%d/%m/%Y")})  # fmt: skip
            return redirect("privacy:request", created.pk)
    return _requests_page(request, member, form)


def _requests_page(
    request: HttpRequest,
    member: Any,
    form: RequestForm,
    contact_form: ContactForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The requests page; a refused form comes back bound, with what was typed."""
    found = list(requests_visible_to(member).select_related("organization")[:200])
    contact = (
        PrivacyContact.objects.filter(organization=member.organization).first()
        if is_client_owner(member)
        else None
    )
    if contact_form is None:
        contact_form = ContactForm(
            initial={"name": contact.name, "email": contact.email, "phone": contact.phone}
            if contact
            else None,
        )
    return render(
        request,
        "privacy/requests.html",
        {
            "form": form,
            "requests": found,
            "today": timezone.localdate(),
            "contact": contact,
            "contact_form": contact_form,
            "client_owner": is_client_owner(member),
        },
        status=status,
    )


@login_required
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    member = acting_member(request)  # 404 before any role check: ids reveal nothing
    found = access_request(member, request_id)
    return _request_page(request, found)


def _request_page(
    request: HttpRequest,
    found: DataSubjectRequest,
    *,
    execute_form: ExecuteForm | None = None,
    extend_form: ExtendForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """A request's page; a refused form comes back bound, with what was typed."""
    return render(
        request,
        "privacy/request_detail.html",
        {
            "item": found,
            "execute_form": execute_form or ExecuteForm(),
            "extend_form": extend_form or ExtendForm(),
            "days_left": found.days_left(),
            "days_late": -found.days_left(),
        },
        status=status,
    )


@login_required
@require_POST
def request_execute(request: HttpRequest, request_id: int) -> HttpResponse:
    member = acting_member(request)  # 404 before any role check: ids reveal nothing
    found = access_request(member, request_id)
    form = ExecuteForm(request.POST)
    if not form.is_valid():  # nothing is carried out on a note that cannot be kept as typed
        return _request_page(request, found, execute_form=form, status=400)
    try:
        execute_request(request=found, by=member, identity_note=form.cleaned_data["identity_note"])
    except Refusal as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The request is carried out; its answer is kept."))
    return redirect("privacy:request", found.pk)


@login_required
@require_POST
def request_extend(request: HttpRequest, request_id: int) -> HttpResponse:
    member = acting_member(request)  # 404 before any role check: ids reveal nothing
    found = access_request(member, request_id)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        return _request_page(request, found, extend_form=form, status=400)
    try:
        extend_request(
            request=found,
            by=member,
            months=form.cleaned_data["months"],
            reason=form.cleaned_data["reason"],
        )
    except Refusal as refusal:
        messages.error(request, refusal.message)
    return redirect("privacy:request", found.pk)


@login_required
def request_export(request: HttpRequest, request_id: int) -> HttpResponse:
    member = acting_member(request)  # 404 before any role check: ids reveal nothing
    found = access_request(member, request_id)
    try:
        content = access_export_of(found)
    except Refusal as refusal:
        messages.error(request, refusal.message)
        return redirect("privacy:request", found.pk)
    return _file(content, f"donnees-demande-{found.pk}.zip", "application/zip")


@login_required
@require_POST
def contact(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    if not is_client_owner(member):
        raise PermissionDenied
    form = ContactForm(request.POST)
    if not form.is_valid():
        return _requests_page(request, member, _request_form(member), form, status=400)
    set_privacy_contact(organization=member.organization, by=member, **form.cleaned_data)
    messages.success(request, _("Privacy contact saved."))
    return redirect("privacy:requests")


# --- Processing register ----------------------------------------------------------------------


@login_required
def register(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    require_register_manager(member)
    contacts = PrivacyContact.objects.select_related("organization").order_by("organization__name")
    return render(
        request,
        "privacy/register.html",
        {"activities": ProcessingActivity.objects.all(), "contacts": contacts},
    )


@login_required
def register_download(request: HttpRequest) -> HttpResponse:
    require_register_manager(_member(request))
    return _file(register_pdf(), "registre-des-traitements.pdf", "application/pdf")


# --- Breaches ---------------------------------------------------------------------------------


@login_required
def breaches(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    form = BreachForm(request.POST or None)
    if request.method == "POST":
        require_register_manager(member)
        if form.is_valid():
            data = dict(form.cleaned_data)
            organizations = list(data.pop("organizations"))
            try:
                breach = breach_services.record_breach(
                    by=member, organizations=organizations, **data
                )
            except Refusal as refusal:
                messages.error(request, refusal.message)
            else:
                return redirect("privacy:breach", breach.pk)
    found = breaches_visible_to(member).prefetch_related("organizations", "notices")
    now = timezone.now()
    rows = [_breach_row(b, now) for b in found[:200]]
    return render(
        request,
        "privacy/breaches.html",
        {"rows": rows, "form": form, "manager": _is_manager(member)},
    )


def _is_manager(member: Any) -> bool:
    try:
        require_register_manager(member)
    except PermissionDenied:
        return False
    return True


def _countdown(deadline: Any, now: Any) -> dict[str, Any]:
    hours = breach_services.hours_left(deadline, now)
    whole = int(abs(hours))
    minutes = int((abs(hours) - whole) * 60)
    return {"deadline": deadline, "late": hours < 0, "hours": whole, "minutes": minutes,
            "urgent": 0 <= hours <= 12}  # fmt: skip


def _breach_row(breach: Any, now: Any) -> dict[str, Any]:
    told = {n.organization_id for n in breach.notices.all() if n.organization_id}
    pending = [o for o in breach.organizations.all() if o.pk not in told]
    authority = breach_services.authority_deadline(breach)
    authority_told = any(n.to == "authority" for n in breach.notices.all())
    return {
        "breach": breach,
        "pending": pending,
        "notified": [o for o in breach.organizations.all() if o.pk in told],
        "client": _countdown(breach_services.client_deadline(breach), now) if pending else None,
        "authority": _countdown(authority, now) if authority and not authority_told else None,
    }


@login_required
def breach_detail(request: HttpRequest, breach_id: int) -> HttpResponse:
    member = acting_member(request)  # 404 before any role check: ids reveal nothing
    breach = access_breach(member, breach_id)
    return render(
        request,
        "privacy/breach_detail.html",
        {
            "row": _breach_row(breach, timezone.now()),
            "manager": _is_manager(member),
            "corrections": breach.corrections.all(),
        },
    )


@login_required
@require_POST
def breach_notify(request: HttpRequest, breach_id: int) -> HttpResponse:
    member = acting_member(request)  # 404 before any role check: ids reveal nothing
    breach = access_breach(member, breach_id)
    require_register_manager(member)
    try:
        sent = breach_services.notify_clients(breach=breach, by=member)
    except Refusal as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("%(n)s clients notified by e-mail.") % {"n": len(sent)})
    return redirect("privacy:breach", breach.pk)


@login_required
def breaches_download(request: HttpRequest, fmt: str) -> HttpResponse:
    require_register_manager(_member(request))
    if fmt == "csv":
        return _file(breaches_csv(), "registre-des-violations.csv", "text/csv; charset=utf-8")
    return _file(breaches_pdf(), "registre-des-violations.pdf", "application/pdf")


# --- Retention and legal holds ----------------------------------------------------------------


@login_required
def retention(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    require_register_manager(member)
    form = HoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            place_hold(
                organization=form.cleaned_data["organization"],
                by=member,
                reason=form.cleaned_data["reason"],
                engagement_id=form.cleaned_data["engagement_id"],
            )
        except Refusal as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Legal hold placed."))
            return redirect("privacy:retention")
    with transaction.atomic():
        report = purge(dry_run=True)
    return render(
        request,
        "privacy/retention.html",
        {
            "report": report,
            "rules": RULES,
            "holds": LegalHold.objects.select_related("organization", "placed_by__user"),
            "held": held_organization_ids(),
            "form": form,
        },
    )


@login_required
@require_POST
def hold_lift(request: HttpRequest, hold_id: int) -> HttpResponse:
    member = acting_member(request)  # 404 before any role check: ids reveal nothing
    hold = access_hold(member, hold_id)
    try:
        lift_hold(hold=hold, by=member)
    except Refusal as refusal:
        messages.error(request, refusal.message)
    return redirect("privacy:retention")


# --- Reversibility ----------------------------------------------------------------------------


@login_required
def reversibility(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    require_register_manager(member)
    form = ReversibilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organization = form.cleaned_data["organization"]
        job = start_job(
            kind="privacy.reversibility",
            organization_id=organization.pk,
            requested_by=member.user,
            title=_("Reversibility export: %(org)s") % {"org": organization.name},
        )
        return redirect("core:job", job.pk)
    return render(
        request,
        "privacy/reversibility.html",
        {"form": form, "exports": Reversibility.objects.select_related("certificate")[:100]},
    )


@login_required
@require_POST
def reversibility_destroy(request: HttpRequest, export_id: int) -> HttpResponse:
    member = acting_member(request)  # 404 before any role check: ids reveal nothing
    queryset = Reversibility.objects.all() if _is_manager(member) else Reversibility.objects.none()
    export = get_in_scope(queryset, export_id)
    if request.POST.get("confirm") != export.organization_slug:
        messages.error(request, _("Type the organisation's identifier to confirm the deletion."))
        return redirect("privacy:reversibility")
    try:
        destroy_organization(export=export, by=member)
    except Refusal as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The organisation's data is deleted; certificate issued."))
    return redirect("privacy:reversibility")
