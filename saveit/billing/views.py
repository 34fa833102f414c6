"""Invoice pages: lists for the provider and the client, the invoice itself with its actions,
an engagement's invoicing, payments and aged receivables."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saveit.accounts.permissions import acting_member
from saveit.accounts.selectors import is_provider_admin
from saveit.core.actions import act, act_or_show
from saveit.core.errors import Refusal
from saveit.engagements.permissions import access_engagement, clients_open_to

from . import selectors, services
from .collection import open_suspension
from .contracts import signed_terms_of
from .forms import CancellationForm, CreditNoteForm, DraftForm, FundingForm, PaymentForm
from .models import Invoice, Payment
from .permissions import access_invoice, can_manage_billing, can_read_billing, invoices_visible_to
from .views_amendments import amendment_rows


def pdf_response(invoice: Invoice) -> FileResponse:
    """The stored Factur-X PDF, exactly the bytes whose SHA-256 the invoice records."""
    if not invoice.is_issued or invoice.document is None:
        raise Refusal(_("A draft has no PDF: issue it first."), code="draft")
    return FileResponse(
        invoice.document.file.open("rb"),
        as_attachment=True,
        filename=f"{invoice.number}.pdf",
        content_type="application/pdf",
    )


def _require_reader(request: HttpRequest) -> Any:
    member = acting_member(request)
    if not can_read_billing(member):
        raise PermissionDenied
    return member


@login_required
def invoices(request: HttpRequest) -> HttpResponse:
    member = _require_reader(request)
    queryset = invoices_visible_to(member)
    kind = request.GET.get("kind", "")
    if kind in Invoice.Kind.values:
        queryset = queryset.filter(kind=kind)
    rows = list(queryset.order_by("state", "-issued_on", "-number", "-pk")[:500])
    return render(
        request,
        "billing/invoices.html",
        {
            "rows": rows,
            "kinds": Invoice.Kind.choices,
            "kind": kind,
            "can_manage": can_manage_billing(member),
        },
    )


@login_required
def invoice(request: HttpRequest, invoice_id: int) -> HttpResponse:
    member = acting_member(request)
    return _invoice_page(request, member, access_invoice(member, invoice_id))


def _invoice_page(
    request: HttpRequest,
    member: Any,
    item: Invoice,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The invoice; `bound`: a refused credit-note or payment form, shown with what was typed."""
    bound = bound or {}
    paid = selectors.paid_on(item)
    due = selectors.outstanding(item, paid=paid)
    manage = can_manage_billing(member)
    return render(
        request,
        "billing/invoice.html",
        {
            "invoice": item,
            "lines": item.lines.order_by("position", "pk"),
            "paid": paid,
            "outstanding": due,
            "credited": selectors.credited_on(item),
            "credit_notes": invoices_visible_to(member).filter(credited_invoice=item),
            "allocations": item.allocations.select_related("payment"),
            "can_manage": manage,
            "is_admin": is_provider_admin(member),
            "late": selectors.is_in_default(item, due=due),
            "suspension": open_suspension(item.client_id) if manage else None,
            "credit_form": (
                bound.get("credit_form") or CreditNoteForm() if manage and item.is_issued else None
            ),
            "payment_form": (
                bound.get("payment_form")
                or PaymentForm(initial={"received_on": timezone.localdate(), "amount": due})
                if manage and item.is_issued and not item.is_credit_note
                else None
            ),
        },
        status=status,
    )


@login_required
def invoice_pdf(request: HttpRequest, invoice_id: int) -> HttpResponse | FileResponse:
    item = access_invoice(acting_member(request), invoice_id)
    try:
        return pdf_response(item)
    except Refusal as refusal:
        return HttpResponse(refusal.message, status=409, content_type="text/plain")


@login_required
def invoice_xml(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """The factur-x.xml read back from the stored PDF (what an e-invoicing platform reads)."""
    from facturx import get_xml_from_pdf

    item = access_invoice(acting_member(request), invoice_id)
    if item.document is None:
        return HttpResponse(_("A draft has no PDF: issue it first."), status=409)
    with item.document.file.open("rb") as handle:
        _name, xml = get_xml_from_pdf(handle.read(), check_xsd=False)
    response = HttpResponse(xml, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{item.number}-factur-x.xml"'
    return response


@login_required
def edit(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """A draft's supply date and note; an issued invoice answers 409 with the reason."""
    member = acting_member(request)
    item = access_invoice(member, invoice_id)
    if not can_manage_billing(member):
        raise PermissionDenied
    if item.is_issued:
        return render(request, "billing/frozen.html", {"invoice": item}, status=409)
    form = DraftForm(
        request.POST or None,
        initial={"supplied_on": item.supplied_on, "reason": item.reason},
    )
    if request.method == "POST" and form.is_valid():
        return act(
            request,
            lambda: services.update_draft(
                invoice=item,
                by=member,
                supplied_on=form.cleaned_data["supplied_on"],
                reason=form.cleaned_data["reason"],
            ),
            _("The draft is saved."),
            reverse("billing:invoice", args=[item.pk]),
        )
    return render(request, "billing/edit.html", {"invoice": item, "form": form})


@login_required
@require_POST
def issue(request: HttpRequest, invoice_id: int) -> HttpResponse:
    member = acting_member(request)
    item = access_invoice(member, invoice_id)
    return act(
        request,
        lambda: services.issue_invoice(invoice=item, by=member),
        _("Issued: the number is given and the Factur-X PDF is stored."),
        reverse("billing:invoice", args=[item.pk]),
    )


@login_required
@require_POST
def delete(request: HttpRequest, invoice_id: int) -> HttpResponse:
    member = acting_member(request)
    item = access_invoice(member, invoice_id)
    return act(
        request,
        lambda: services.delete_draft(invoice=item, by=member),
        _("The draft is deleted."),
        reverse("billing:invoices"),
    )


@login_required
@require_POST
def credit_note(request: HttpRequest, invoice_id: int) -> HttpResponse:
    member = acting_member(request)
    item = access_invoice(member, invoice_id)
    form = CreditNoteForm(request.POST)
    reason = str(form.data.get("reason", ""))
    created: list[Invoice] = []
    response = act_or_show(
        request,
        lambda: created.append(services.create_credit_note(invoice=item, by=member, reason=reason)),
        _("Draft credit note created: check it, then issue it."),
        reverse("billing:invoice", args=[item.pk]),
        lambda status: _invoice_page(request, member, item, {"credit_form": form}, status),
    )
    if created:
        response["Location"] = reverse("billing:invoice", args=[created[0].pk])
    return response


@login_required
@require_POST
def record_payment(request: HttpRequest, invoice_id: int) -> HttpResponse:
    member = acting_member(request)
    item = access_invoice(member, invoice_id)
    form = PaymentForm(request.POST)
    back = reverse("billing:invoice", args=[item.pk])
    if not form.is_valid():
        messages.error(request, _("Check the payment: method, amount and date are required."))
        return _invoice_page(request, member, item, {"payment_form": form}, 400)
    data = form.cleaned_data
    return act_or_show(
        request,
        lambda: services.record_payment(
            client=item.client,
            by=member,
            method=data["method"],
            amount=data["amount"],
            received_on=data["received_on"],
            reference=data["reference"],
            allocations=[(item, min(data["amount"], selectors.outstanding(item)))],
        ),
        _("Payment recorded."),
        back,
        lambda status: _invoice_page(request, member, item, {"payment_form": form}, status),
    )


@login_required
def engagement(request: HttpRequest, engagement_id: int) -> HttpResponse:
    member = acting_member(request)
    target = access_engagement(member, engagement_id)
    if not can_read_billing(member):
        raise PermissionDenied
    return render(
        request,
        "billing/engagement.html",
        {
            "engagement": target,
            "rows": invoices_visible_to(member).filter(engagement=target),
            "deadline": services.balance_deadline(target),
            "today": timezone.localdate(),
            "can_manage": can_manage_billing(member),
            "cancel_form": CancellationForm() if can_manage_billing(member) else None,
            "fundings": target.funding_agreements.select_related("funder"),
            "funding_form": (
                FundingForm(funders=clients_open_to(member).exclude(pk=target.client_id))
                if can_manage_billing(member)
                else None
            ),
            "sales_terms": signed_terms_of(target),
            "amendments": amendment_rows(member, target),
        },
    )


def _create_from_engagement(request: HttpRequest, engagement_id: int, kind: str) -> HttpResponse:
    member = acting_member(request)
    target = access_engagement(member, engagement_id, manage=True)
    maker = (
        services.create_deposit_invoice if kind == "deposit" else services.create_balance_invoice
    )
    created: list[Invoice] = []
    response = act(
        request,
        lambda: created.append(maker(engagement=target, by=member)),
        _("Draft created: check it, then issue it."),
        reverse("billing:engagement", args=[target.pk]),
    )
    if created:
        response["Location"] = reverse("billing:invoice", args=[created[0].pk])
    return response


@login_required
@require_POST
def create_deposit(request: HttpRequest, engagement_id: int) -> HttpResponse:
    return _create_from_engagement(request, engagement_id, "deposit")


@login_required
@require_POST
def create_balance(request: HttpRequest, engagement_id: int) -> HttpResponse:
    return _create_from_engagement(request, engagement_id, "balance")


@login_required
def receivables(request: HttpRequest) -> HttpResponse:
    member = acting_member(request)
    if not can_manage_billing(member):
        raise PermissionDenied
    report = selectors.aged_receivables(invoices_visible_to(member))
    return render(request, "billing/receivables.html", {"report": report})


@login_required
def payments(request: HttpRequest) -> HttpResponse:
    member = acting_member(request)
    if not can_manage_billing(member):
        raise PermissionDenied
    rows = (
        Payment.objects.select_related("client")
        .prefetch_related("allocations__invoice")
        .order_by("-received_on", "-pk")[:500]
    )
    return render(request, "billing/payments.html", {"rows": rows})


EXPORT_KINDS = ("journal", "vat", "fec")


def _period(request: HttpRequest) -> tuple[Any, Any] | None:
    from .forms import PeriodForm

    form = PeriodForm(request.GET or None)
    if not form.is_valid():
        return None
    return form.cleaned_data["start"], form.cleaned_data["end"]


@login_required
def exports_page(request: HttpRequest) -> HttpResponse:
    from .forms import PeriodForm

    member = acting_member(request)
    if not can_manage_billing(member):
        raise PermissionDenied
    today = timezone.localdate()
    form = PeriodForm(
        request.GET or None, initial={"start": today.replace(month=1, day=1), "end": today}
    )
    period = _period(request) if request.GET else (today.replace(month=1, day=1), today)
    return render(
        request,
        "billing/exports.html",
        {"form": form, "period": period, "query": request.GET.urlencode()},
    )


@login_required
def export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse | StreamingHttpResponse:
    from saveit.core.tables import csv_chunks, to_xlsx

    from . import exports

    member = acting_member(request)
    if not can_manage_billing(member):
        raise PermissionDenied
    today = timezone.localdate()
    period = _period(request) if request.GET else (today.replace(month=1, day=1), today)
    if period is None or kind not in EXPORT_KINDS or fmt not in ("csv", "xlsx", "txt"):
        return HttpResponse(_("Choose a valid period."), status=400)
    start, end = period
    invoices = invoices_visible_to(member)
    stamp = f"{start:%Y%m%d}-{end:%Y%m%d}"
    response: HttpResponse | StreamingHttpResponse
    if kind == "fec":
        response = StreamingHttpResponse(
            exports.fec_lines(invoices, start, end), content_type="text/plain; charset=utf-8"
        )
        name = f"FEC-ventes-{stamp}.txt"
    else:
        table = (exports.sales_journal if kind == "journal" else exports.vat_by_rate)(
            invoices, start, end
        )
        name = f"{'journal-ventes' if kind == 'journal' else 'tva-par-taux'}-{stamp}.{fmt}"
        if fmt == "xlsx":
            response = HttpResponse(
                to_xlsx(table),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        else:
            response = StreamingHttpResponse(
                csv_chunks(table), content_type="text/csv; charset=utf-8"
            )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
