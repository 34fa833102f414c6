"""Provider pages of subscriptions, index values, legal rates, and the collection acts
(penalties, suspension, cancellation)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saveit.accounts.permissions import acting_member
from saveit.accounts.selectors import is_provider_admin
from saveit.core.actions import act
from saveit.core.refusals import get_in_scope
from saveit.engagements.permissions import access_engagement, clients_open_to
from saveit.engagements.selectors import terms_for

from . import cancellation, collection, contracts, selectors, subscriptions
from .forms import (
    CancellationForm,
    FundingForm,
    IndexForm,
    LegalRateForm,
    SalesTermsForm,
    SubscriptionForm,
    SuspensionForm,
    TerminationForm,
)
from .models import Invoice, LegalInterestRate, SalesTerms, Suspension, SyntecIndex
from .permissions import (
    access_invoice,
    access_subscription,
    can_manage_billing,
    invoices_visible_to,
    subscriptions_visible_to,
)


def _biller(request: HttpRequest):
    member = acting_member(request)
    if not can_manage_billing(member):
        raise PermissionDenied
    return member


def _invalid(request: HttpRequest, form: object, to: str) -> HttpResponse:
    errors = getattr(form, "errors", {})
    text = " ".join(str(e) for field in errors.values() for e in field)
    messages.error(request, text or _("Check the form."))
    return redirect(to)


@login_required
def subscriptions_page(request: HttpRequest) -> HttpResponse:
    member = _biller(request)
    back = reverse("billing:subscriptions")
    form = SubscriptionForm(request.POST or None, clients=clients_open_to(member))
    if request.method == "POST":
        if not form.is_valid():
            return _invalid(request, form, back)
        data = form.cleaned_data
        return act(
            request,
            lambda: subscriptions.create_subscription(
                client=data["client"],
                by=member,
                label=data["label"],
                annual_price=data["annual_price"],
                activated_on=data["activated_on"],
            ),
            _("Subscription recorded; its first, prorated invoice is a draft to issue."),
            back,
        )
    rows = subscriptions_visible_to(member).prefetch_related("periods__invoice")
    return render(
        request,
        "billing/subscriptions.html",
        {
            "rows": rows,
            "form": form,
            "termination": TerminationForm(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def subscription_next_year(request: HttpRequest, subscription_id: int) -> HttpResponse:
    member = acting_member(request)
    subscription = access_subscription(member, subscription_id)
    return act(
        request,
        lambda: subscriptions.invoice_next_year(
            subscription=subscription, by=member, today=timezone.localdate()
        ),
        _("Next year's invoice is drafted at the revised fee."),
        reverse("billing:subscriptions"),
    )


@login_required
@require_POST
def subscription_terminate(request: HttpRequest, subscription_id: int) -> HttpResponse:
    member = acting_member(request)
    subscription = access_subscription(member, subscription_id)
    form = TerminationForm(request.POST)
    back = reverse("billing:subscriptions")
    if not form.is_valid():
        return _invalid(request, form, back)
    return act(
        request,
        lambda: subscriptions.terminate_subscription(
            subscription=subscription, by=member, received_on=form.cleaned_data["received_on"]
        ),
        _("Termination recorded."),
        back,
    )


@login_required
def indexes(request: HttpRequest) -> HttpResponse:
    member = _biller(request)
    admin = is_provider_admin(member)
    back = reverse("billing:indexes")
    if request.method == "POST":
        if not admin:
            raise PermissionDenied
        if request.POST.get("table") == "legal":
            form: IndexForm | LegalRateForm = LegalRateForm(request.POST, prefix="legal")
            if not form.is_valid():
                return _invalid(request, form, back)
            data = form.cleaned_data
            action: Callable[[], object] = lambda: collection.enter_legal_rate(  # noqa: E731
                year=data["year"],
                half=data["half"],
                rate=data["rate"],
                source=data["source"],
                by=member,
            )
        else:
            form = IndexForm(request.POST, prefix="syntec")
            if not form.is_valid():
                return _invalid(request, form, back)
            data = form.cleaned_data
            action = lambda: subscriptions.enter_syntec_index(  # noqa: E731
                month=data["month"], value=data["value"], source=data["source"], by=member
            )
        return act(request, action, _("Value recorded."), back)
    return render(
        request,
        "billing/indexes.html",
        {
            "syntec": SyntecIndex.objects.select_related("entered_by__user"),
            "legal": LegalInterestRate.objects.select_related("entered_by__user"),
            "index_form": IndexForm(prefix="syntec") if admin else None,
            "legal_form": LegalRateForm(prefix="legal") if admin else None,
        },
    )


@login_required
@require_POST
def late_penalties(request: HttpRequest, invoice_id: int) -> HttpResponse:
    member = acting_member(request)
    invoice = access_invoice(member, invoice_id)
    created: list[Invoice] = []
    response = act(
        request,
        lambda: created.append(collection.invoice_late_penalties(invoice=invoice, by=member)),
        _("Penalties drafted: check them, then issue the invoice."),
        reverse("billing:invoice", args=[invoice.pk]),
    )
    if created:
        response["Location"] = reverse("billing:invoice", args=[created[0].pk])
    return response


@login_required
@require_POST
def suspend(request: HttpRequest, invoice_id: int) -> HttpResponse:
    member = acting_member(request)
    invoice = access_invoice(member, invoice_id)
    form = SuspensionForm(request.POST)
    back = reverse("billing:invoice", args=[invoice.pk])
    if not form.is_valid():
        return _invalid(request, form, back)
    overdue = selectors.overdue_invoices(invoices_visible_to(member), invoice.client_id)
    return act(
        request,
        lambda: collection.suspend_client(
            client=invoice.client, by=member, reason=form.cleaned_data["reason"], invoices=overdue
        ),
        _("The client's service is suspended; its users see why."),
        back,
    )


@login_required
@require_POST
def lift(request: HttpRequest, invoice_id: int) -> HttpResponse:
    member = acting_member(request)
    invoice = access_invoice(member, invoice_id)
    return act(
        request,
        lambda: collection.lift_suspension(client=invoice.client, by=member),
        _("The suspension is lifted."),
        reverse("billing:invoice", args=[invoice.pk]),
    )


@login_required
@require_POST
def cancel(request: HttpRequest, engagement_id: int) -> HttpResponse:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    form = CancellationForm(request.POST)
    back = reverse("billing:engagement", args=[engagement.pk])
    if not form.is_valid():
        return _invalid(request, form, back)
    return act(
        request,
        lambda: cancellation.record_cancellation(
            engagement=engagement,
            by=member,
            start=form.cleaned_data["start"],
            received_on=form.cleaned_data["received_on"],
        ),
        _("Cancellation recorded: the refund or the indemnity is drafted."),
        back,
    )


def suspension_of(client_id: int) -> Suspension | None:
    return collection.open_suspension(client_id)


@login_required
def sales_terms(request: HttpRequest) -> HttpResponse:
    member = _biller(request)
    admin = is_provider_admin(member)
    back = reverse("billing:sales_terms")
    form = SalesTermsForm(request.POST or None)
    if request.method == "POST":
        if not admin:
            raise PermissionDenied
        if not form.is_valid():
            return _invalid(request, form, back)
        data = form.cleaned_data
        return act(
            request,
            lambda: contracts.publish_sales_terms(
                version=data["version"],
                effective_on=data["effective_on"],
                body=data["body"],
                by=member,
            ),
            _("This version of the terms of sale is published."),
            back,
        )
    return render(
        request,
        "billing/sales_terms.html",
        {
            "rows": SalesTerms.objects.select_related("published_by__user"),
            "in_force": contracts.terms_in_force(timezone.localdate()),
            "form": form if admin else None,
        },
    )


@login_required
@require_POST
def add_funding(request: HttpRequest, engagement_id: int) -> HttpResponse:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    form = FundingForm(
        request.POST, funders=clients_open_to(member).exclude(pk=engagement.client_id)
    )
    back = reverse("billing:engagement", args=[engagement.pk])
    if not form.is_valid():
        return _invalid(request, form, back)
    data = form.cleaned_data
    return act(
        request,
        lambda: contracts.record_funding(
            engagement=engagement,
            funder=data["funder"],
            by=member,
            reference=data["reference"],
            amount_excl=data["amount_excl"],
            learner_label=data["learner_label"],
        ),
        _("Funding recorded: the balance invoice will deduct it."),
        back,
    )


def _agreement(request: HttpRequest, engagement_id: int, agreement_id: int):
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    agreement = get_in_scope(engagement.funding_agreements.all(), agreement_id)
    return member, engagement, agreement


@login_required
@require_POST
def invoice_funder(request: HttpRequest, engagement_id: int, agreement_id: int) -> HttpResponse:
    member, engagement, agreement = _agreement(request, engagement_id, agreement_id)
    created: list[Invoice] = []
    response = act(
        request,
        lambda: created.append(
            contracts.invoice_funder(
                agreement=agreement, by=member, vat_rate=terms_for(engagement).vat_rate
            )
        ),
        _("The funder's invoice is drafted."),
        reverse("billing:engagement", args=[engagement.pk]),
    )
    if created:
        response["Location"] = reverse("billing:invoice", args=[created[0].pk])
    return response


@login_required
@require_POST
def funder_refused(request: HttpRequest, engagement_id: int, agreement_id: int) -> HttpResponse:
    member, engagement, agreement = _agreement(request, engagement_id, agreement_id)
    return act(
        request,
        lambda: contracts.record_funder_refusal(agreement=agreement, by=member),
        _("Refusal recorded: the share is drafted as an invoice to the client."),
        reverse("billing:engagement", args=[engagement.pk]),
    )
