"""Subscription services (seed 004 art. 24, 29): calendar-year licences, prorated first
invoice, yearly invoices in advance with the SYNTEC revision, tacit renewal, termination."""

from __future__ import annotations

from datetime import date, datetime
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

from . import terms
from .models import Invoice, Subscription, SubscriptionNotice, SubscriptionPeriod, SyntecIndex
from .services import LineInput, create_invoice, require_biller


def index_at(day: date) -> SyntecIndex | None:
    """S(t): the last index published (entered) for a month up to `day`."""
    return SyntecIndex.objects.filter(month__lte=day).order_by("-month").first()


@transaction.atomic
def enter_syntec_index(*, month: date, value: Decimal, source: str, by: Membership) -> SyntecIndex:
    if not is_provider_admin(by):
        raise Forbidden(_("Only the provider's administrators enter index values."))
    if not (source or "").strip():
        raise Refusal(_("Give the source of the index value."), code="source")
    if value <= 0:
        raise Refusal(_("An index value is positive."), code="value")
    month = month.replace(day=1)
    if SyntecIndex.objects.filter(month=month).exists():
        raise Refusal(
            _("The index of this month is already entered: values are never rewritten."),
            code="exists",
        )
    index = SyntecIndex.objects.create(
        month=month, value=value, source=source.strip(), entered_by=by
    )
    record_event(
        organization=by.organization,
        action="billing.syntec_index_entered",
        actor=by,
        target=index,
        after={"month": str(month), "value": str(value), "source": index.source},
    )
    return index


def _period_invoice(
    subscription: Subscription,
    *,
    by: Membership,
    year: int,
    starts_on: date,
    ends_on: date,
    amount: Decimal,
    mentions: list[str],
    label: str,
) -> Invoice:
    return create_invoice(
        client=subscription.client,
        by=by,
        kind=Invoice.Kind.SUBSCRIPTION,
        lines=[LineInput(label, Decimal(1), amount, subscription.vat_rate)],
        supplied_on=starts_on,
        mentions=mentions,
    )


@transaction.atomic
def create_subscription(
    *,
    client: Organization,
    by: Membership,
    label: str,
    annual_price: Decimal,
    activated_on: date,
    vat_rate: Decimal = Decimal("20"),
) -> Subscription:
    """The subscription and the draft of its first, prorated invoice (due within 20 days of the
    activation, which it states as the contract's effective date)."""
    require_biller(by)
    if not (label or "").strip():
        raise Refusal(_("Name the licence."), code="label")
    if annual_price <= 0:
        raise Refusal(_("The yearly fee must be positive."), code="price")
    subscription = Subscription.objects.create(
        client=client,
        label=label.strip()[:200],
        annual_price=money.cents(annual_price),
        vat_rate=vat_rate,
        activated_on=activated_on,
        committed_until=terms.first_term_end(activated_on),
        reference_index=index_at(activated_on),
        created_by=by,
    )
    year_end = terms.year_end(activated_on)
    months = terms.months_remaining(activated_on)
    amount = terms.prorated_fee(subscription.annual_price, activated_on)
    with override("fr"):
        line = _("%(label)s, %(start)s to %(end)s (%(months)s months of %(fee)s a year)") % {
            "label": subscription.label,
            "start": long_date(activated_on),
            "end": long_date(year_end),
            "months": months,
            "fee": money.format_money(subscription.annual_price),
        }
        mentions = [
            _("Effective date of the contract: %(date)s (licence activation).")
            % {"date": long_date(activated_on)},
            _(
                "First term until %(date)s, then renewed each year unless terminated by "
                "%(deadline)s of the current year."
            )
            % {"date": long_date(subscription.committed_until), "deadline": "30 novembre"},
        ]
    invoice = _period_invoice(
        subscription,
        by=by,
        year=activated_on.year,
        starts_on=activated_on,
        ends_on=year_end,
        amount=amount,
        mentions=mentions,
        label=line,
    )
    SubscriptionPeriod.objects.create(
        subscription=subscription,
        year=activated_on.year,
        starts_on=activated_on,
        ends_on=year_end,
        annual_price=subscription.annual_price,
        index=subscription.reference_index,
        invoice=invoice,
    )
    record_event(
        organization=client,
        action="billing.subscription_created",
        actor=by,
        target=subscription,
        after={
            "annual_price": str(subscription.annual_price),
            "activated_on": str(activated_on),
            "committed_until": str(subscription.committed_until),
        },
    )
    return subscription


def renews_for(subscription: Subscription, year: int) -> bool:
    """Still running in `year` (tacit renewal, unless terminated before it)."""
    if subscription.state != Subscription.State.ACTIVE:
        return False
    return subscription.ends_on is None or subscription.ends_on.year >= year


@transaction.atomic
def invoice_next_year(*, subscription: Subscription, by: Membership, today: date) -> Invoice:
    """The draft invoice of next year, in advance, at the revised fee (SYNTEC, upward only)."""
    require_biller(by)
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    year = today.year + 1
    if not renews_for(subscription, year):
        raise Refusal(_("This subscription does not run next year."), code="ended")
    if SubscriptionPeriod.objects.filter(subscription=subscription, year=year).exists():
        raise Refusal(_("Next year is already invoiced."), code="exists")
    now_index = index_at(today)
    if now_index is None or subscription.reference_index is None:
        raise Refusal(
            _("Enter the SYNTEC index values first: the yearly revision needs them."),
            code="no_index",
        )
    revision = terms.revise(
        subscription.annual_price,
        index_now=now_index.value,
        index_ref=subscription.reference_index.value,
    )
    start, end = date(year, 1, 1), date(year, 12, 31)
    with override("fr"):
        label = _("%(label)s, year %(year)s (%(start)s to %(end)s)") % {
            "label": subscription.label,
            "year": year,
            "start": long_date(start),
            "end": long_date(end),
        }
        source = _(
            "Indices: S(t) %(now)s of %(now_month)s, S(t−1) %(ref)s of %(ref_month)s; "
            "source: %(source)s."
        ) % {
            "now": money.format_number(now_index.value, 1),
            "now_month": f"{now_index.month:%m/%Y}",
            "ref": money.format_number(subscription.reference_index.value, 1),
            "ref_month": f"{subscription.reference_index.month:%m/%Y}",
            "source": now_index.source,
        }
    invoice = _period_invoice(
        subscription,
        by=by,
        year=year,
        starts_on=start,
        ends_on=end,
        amount=revision.revised,
        mentions=[revision.explanation(), source],
        label=label,
    )
    SubscriptionPeriod.objects.create(
        subscription=subscription,
        year=year,
        starts_on=start,
        ends_on=end,
        annual_price=revision.revised,
        index=now_index,
        invoice=invoice,
    )
    before = {"annual_price": str(subscription.annual_price)}
    subscription.annual_price, subscription.reference_index = revision.revised, now_index
    subscription.save(update_fields=["annual_price", "reference_index"])
    record_event(
        organization=subscription.client,
        action="billing.subscription_revised",
        actor=by,
        target=subscription,
        before=before,
        after={"annual_price": str(revision.revised), "year": year, "index": str(now_index.value)},
    )
    return invoice


@transaction.atomic
def terminate_subscription(
    *, subscription: Subscription, by: Membership, received_on: date
) -> Subscription:
    """A termination letter received by 30 November ends the subscription on 31 December of
    that year (never before the first term); later, it ends a year after."""
    require_biller(by)
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.ends_on is not None:
        raise Refusal(_("This subscription is already terminated."), code="terminated")
    year = received_on.year
    if received_on > terms.notice_deadline(year):
        year += 1
    ends_on = max(date(year, 12, 31), subscription.committed_until)
    subscription.termination_received_on, subscription.ends_on = received_on, ends_on
    subscription.save(update_fields=["termination_received_on", "ends_on"])
    record_event(
        organization=subscription.client,
        action="billing.subscription_terminated",
        actor=by,
        target=subscription,
        after={"received_on": str(received_on), "ends_on": str(ends_on)},
    )
    return subscription


def close_ended(today: date) -> int:
    """Subscriptions whose last day has passed are marked terminated."""
    return Subscription.objects.filter(state=Subscription.State.ACTIVE, ends_on__lt=today).update(
        state=Subscription.State.TERMINATED
    )


def send_notice_reminders(now: datetime) -> int:
    """In November, before the notice deadline, remind each client once a year that its
    subscription renews on 1 January unless it gives notice (tacit renewal)."""
    today = timezone.localdate(now)
    if today.month != 11:
        return 0
    sent = 0
    for subscription in Subscription.objects.filter(state=Subscription.State.ACTIVE).select_related(
        "client"
    ):
        if not renews_for(subscription, today.year + 1):
            continue
        try:
            with transaction.atomic():
                SubscriptionNotice.objects.create(
                    subscription=subscription, year=today.year, sent_at=now
                )
                _remind(subscription, today)
        except IntegrityError:  # already reminded this year
            continue
        sent += 1
    return sent


def _remind(subscription: Subscription, today: date) -> None:
    emails = sorted(
        {
            member.user.email
            for member in subscription.client.memberships.filter(
                role=Role.CLIENT_OWNER, is_active=True
            ).select_related("user")
            if member.user.email
        }
    )
    with override("fr"):
        subject = _("Your subscription renews on 1 January")
        body = _(
            "The subscription “%(label)s” renews for a year on 1 January %(year)s at the "
            "revised fee. To end it, send your notice so that it is received by %(deadline)s."
        ) % {
            "label": subscription.label,
            "year": today.year + 1,
            "deadline": long_date(terms.notice_deadline(today.year)),
        }
    if emails:
        send_email_after_commit(to=emails, subject=subject, body=body)
    record_event(
        organization=subscription.client,
        action="billing.subscription_notice_reminder",
        target=subscription,
        after={"year": today.year, "recipients": len(emails)},
    )
