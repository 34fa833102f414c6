"""Collection (seed 004 art. 2 and 29.5): payment reminders, late penalties invoiced on
request, and the suspension of service for payment default, an explicit recorded act."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from saveit.accounts.models import Membership, Organization
from saveit.accounts.roles import Role, is_provider_admin
from saveit.audit.chain import record_event
from saveit.core import money
from saveit.core.dates import long_date
from saveit.core.errors import Forbidden, Refusal
from saveit.core.tasks import send_email_after_commit
from saveit.engagements.models import Engagement

from . import selectors, terms
from .models import Invoice, LegalInterestRate, Reminder, Suspension
from .services import LineInput, create_invoice, require_biller

REMINDER_STEPS = (1, 15, 30)  # days after the due date
PENALTY_EXEMPTION = (
    "Pénalités de retard et indemnité forfaitaire : hors du champ de la TVA (CGI, art. 256)"
)


def _owner_emails(client: Organization) -> list[str]:
    members = client.memberships.filter(role=Role.CLIENT_OWNER, is_active=True)
    return sorted({m.user.email for m in members.select_related("user") if m.user.email})


def send_payment_reminders(now: datetime) -> int:
    """At due + 1, + 15 and + 30 days, remind the client of each unpaid invoice, once per step
    (a missed day is caught up: the reminder of the latest step reached is sent)."""
    today = timezone.localdate(now)
    sent = 0
    overdue = (
        Invoice.objects.filter(state=Invoice.State.ISSUED, due_on__lt=today)
        .exclude(kind=Invoice.Kind.CREDIT_NOTE)
        .select_related("client")
    )
    for invoice in overdue:
        due = selectors.outstanding(invoice)
        late = (today - invoice.due_on).days if invoice.due_on else 0
        reached = [step for step in REMINDER_STEPS if late >= step]
        if due <= 0 or not reached:
            continue
        step = reached[-1]
        try:
            with transaction.atomic():
                Reminder.objects.create(invoice=invoice, step=step, sent_at=now)
                _remind(invoice, step, due)
        except IntegrityError:  # this step was already sent
            continue
        sent += 1
    return sent


def _remind(invoice: Invoice, step: int, due: Decimal) -> None:
    emails = _owner_emails(invoice.client)
    with override("fr"):
        subject = _("Payment reminder: invoice %(number)s") % {"number": invoice.number}
        body = _(
            "Invoice %(number)s of %(date)s was due on %(due_on)s; %(amount)s remain unpaid. "
            "Late payment adds penalties and a fixed recovery indemnity of 40 €."
        ) % {
            "number": invoice.number,
            "date": long_date(invoice.issued_on),
            "due_on": long_date(invoice.due_on),
            "amount": money.format_money(due),
        }
    if emails:
        send_email_after_commit(to=emails, subject=subject, body=body)
    record_event(
        organization=invoice.client,
        action="billing.payment_reminder",
        target=invoice,
        after={"step": step, "outstanding": str(due), "recipients": len(emails)},
    )


@transaction.atomic
def enter_legal_rate(
    *, year: int, half: int, rate: Decimal, source: str, by: Membership
) -> LegalInterestRate:
    if not is_provider_admin(by):
        raise Forbidden(_("Only the provider's administrators enter legal interest rates."))
    if half not in (1, 2) or not (Decimal(0) <= rate <= Decimal(100)) or not source.strip():
        raise Refusal(_("Give the half-year (1 or 2), a rate and its source."), code="invalid")
    if LegalInterestRate.objects.filter(year=year, half=half).exists():
        raise Refusal(_("This half-year's rate is already entered."), code="exists")
    entry = LegalInterestRate.objects.create(
        year=year, half=half, rate=rate, source=source.strip(), entered_by=by
    )
    record_event(
        organization=by.organization,
        action="billing.legal_rate_entered",
        actor=by,
        target=entry,
        after={"year": year, "half": half, "rate": str(rate)},
    )
    return entry


def _half_of(day: date) -> tuple[int, int]:
    return day.year, 1 if day.month <= 6 else 2


def penalty_breakdown(invoice: Invoice, amount: Decimal, until: date) -> list[tuple[str, Decimal]]:
    """Days late split by half-year, each at 3 × that half-year's legal rate."""
    multiplier = Decimal(invoice.terms.get("late_penalty_multiplier", "3"))
    assert invoice.due_on is not None
    rows: list[tuple[str, Decimal]] = []
    day = invoice.due_on + timedelta(days=1)
    while day <= until:
        year, half = _half_of(day)
        half_end = date(year, 6, 30) if half == 1 else date(year, 12, 31)
        last = min(half_end, until)
        days = (last - day).days + 1
        rate = LegalInterestRate.objects.filter(year=year, half=half).first()
        if rate is None:
            raise Refusal(
                _("Enter the legal interest rate of half-year %(half)s of %(year)s first.")
                % {"half": half, "year": year},
                code="no_rate",
            )
        penalty = terms.late_penalty(
            amount=amount, days_late=days, legal_rate=rate.rate, multiplier=multiplier
        )
        with override("fr"):
            label = _(
                "Late penalties on %(number)s: %(days)s days in half-year %(half)s %(year)s, "
                "%(times)s × %(rate)s on %(amount)s"
            ) % {
                "number": invoice.number,
                "days": days,
                "half": half,
                "year": year,
                "times": money.format_quantity(multiplier),
                "rate": money.format_rate(rate.rate),
                "amount": money.format_money(amount),
            }
        rows.append((label, penalty))
        day = last + timedelta(days=1)
    return rows


@transaction.atomic
def invoice_late_penalties(
    *, invoice: Invoice, by: Membership, until: date | None = None
) -> Invoice:
    """On request: a draft invoice of the penalties of one late invoice, plus the 40 € fixed
    indemnity. Both are outside the scope of VAT."""
    require_biller(by)
    until = until or timezone.localdate()
    if not invoice.is_issued or invoice.is_credit_note or invoice.due_on is None:
        raise Refusal(_("Penalties apply to an issued invoice."), code="invoice")
    if invoice.due_on >= until:
        raise Refusal(_("This invoice is not late."), code="not_late")
    if Invoice.objects.filter(kind=Invoice.Kind.PENALTY, deducted_invoice=invoice).exists():
        raise Refusal(_("The penalties of this invoice are already invoiced."), code="exists")
    amount = selectors.outstanding(invoice) or invoice.total_incl
    lines = [
        LineInput(label, Decimal(1), value, Decimal(0))
        for label, value in penalty_breakdown(invoice, amount, until)
        if value > 0
    ]
    with override("fr"):
        lines.append(
            LineInput(
                _("Fixed recovery indemnity (French Commercial Code, art. L441-10)"),
                Decimal(1),
                Decimal(invoice.terms.get("recovery_fee", "40")),
                Decimal(0),
            )
        )
    penalty = create_invoice(
        client=invoice.client,
        by=by,
        kind=Invoice.Kind.PENALTY,
        lines=lines,
        engagement=invoice.engagement,
        supplied_on=until,
        deducted_invoice=invoice,
        reason=f"{invoice.number}",
    )
    # Outside the scope of VAT: printed and declared in the XML as an exemption with its reason.
    Invoice.objects.filter(pk=penalty.pk).update(
        vat_exempt=True, terms={**penalty.terms, "exemption_mention": PENALTY_EXEMPTION}
    )
    penalty.refresh_from_db()
    return penalty


# --- Suspension ---------------------------------------------------------------------------------


def open_suspension(client_id: int | None) -> Suspension | None:
    if client_id is None:
        return None
    return Suspension.objects.filter(client_id=client_id, lifted_at__isnull=True).first()


@transaction.atomic
def suspend_client(
    *, client: Organization, by: Membership, reason: str, invoices: list[Invoice]
) -> Suspension:
    """Suspend the client's service for payment default: its staff keep reading (and paying)
    but change nothing; learners keep their training and the assessments in progress."""
    if not is_provider_admin(by):
        raise Forbidden(_("Only the provider's administrators suspend a client."))
    if not (reason or "").strip():
        raise Refusal(_("Give the reason of the suspension."), code="reason")
    if not any(selectors.is_in_default(i) for i in invoices):
        raise Refusal(
            _("A suspension needs at least one overdue unpaid invoice of this client."),
            code="no_default",
        )
    if any(invoice.client_id != client.pk for invoice in invoices):
        raise Refusal(_("These invoices belong to another client."), code="invoices")
    if open_suspension(client.pk):
        raise Refusal(_("This client is already suspended."), code="suspended")
    suspension = Suspension.objects.create(
        client=client, reason=reason.strip(), suspended_at=timezone.now(), suspended_by=by
    )
    suspension.invoices.set(invoices)
    record_event(
        organization=client,
        action="billing.client_suspended",
        actor=by,
        target=suspension,
        after={"reason": suspension.reason, "invoices": [i.number for i in invoices]},
    )
    return suspension


@transaction.atomic
def lift_suspension(*, client: Organization, by: Membership) -> Suspension:
    if not is_provider_admin(by):
        raise Forbidden(_("Only the provider's administrators suspend a client."))
    suspension = open_suspension(client.pk)
    if suspension is None:
        raise Refusal(_("This client is not suspended."), code="not_suspended")
    suspension.lifted_at, suspension.lifted_by = timezone.now(), by
    suspension.save(update_fields=["lifted_at", "lifted_by"])
    record_event(
        organization=client, action="billing.suspension_lifted", actor=by, target=suspension
    )
    return suspension


BALANCE_WARNING_DAYS = 5


def warn_balance_deadlines(now: datetime) -> int:
    """The provider promised to invoice the balance within N days of delivery: five days before
    that deadline (or after it), tell the engagement's project manager, once per engagement."""
    from saveit.audit.models import AuditEvent
    from saveit.engagements.models import DeliveryNote

    from .services import balance_deadline

    today = timezone.localdate(now)
    warned = 0
    engagement_ids = DeliveryNote.objects.filter(document__isnull=False).values_list(
        "engagement_id", flat=True
    )
    for engagement in Engagement.objects.filter(pk__in=set(engagement_ids)).select_related(
        "client", "project_manager__user"
    ):
        deadline = balance_deadline(engagement)
        if deadline is None or (deadline - today).days > BALANCE_WARNING_DAYS:
            continue
        if Invoice.objects.filter(engagement=engagement, kind=Invoice.Kind.BALANCE).exists():
            continue
        if AuditEvent.objects.filter(
            organization=engagement.client,
            action="billing.balance_deadline_warning",
            object_type="engagements.engagement",
            object_id=str(engagement.pk),
        ).exists():
            continue
        with transaction.atomic():
            with override("fr"):
                subject = _("Balance to invoice by %(date)s: %(ref)s") % {
                    "date": long_date(deadline),
                    "ref": engagement.reference,
                }
                body = _(
                    "The client signed the delivery note of “%(title)s”: the contract promises "
                    "the balance invoice within the agreed days, by %(date)s."
                ) % {"title": engagement.title, "date": long_date(deadline)}
            email = engagement.project_manager.user.email
            if email:
                send_email_after_commit(to=[email], subject=subject, body=body)
            record_event(
                organization=engagement.client,
                action="billing.balance_deadline_warning",
                target=engagement,
                after={"deadline": str(deadline)},
            )
        warned += 1
    return warned
