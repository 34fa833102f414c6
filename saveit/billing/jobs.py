"""The billing app's periodic jobs (found by saveit.core.scheduler's autodiscovery); each one is
idempotent per period and per object (unique rows per reminder step, notice year, period)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from saveit.accounts.selectors import provider_admins
from saveit.core.errors import Refusal
from saveit.core.scheduler import job

from . import collection, subscriptions
from .models import Subscription, SubscriptionPeriod


@job("billing.payment_reminders", period="day")
def payment_reminders(now: datetime) -> str:
    return f"{collection.send_payment_reminders(now)} reminders"


@job("billing.balance_deadlines", period="day")
def balance_deadlines(now: datetime) -> str:
    return f"{collection.warn_balance_deadlines(now)} warnings"


@job("billing.subscription_notices", period="day")
def subscription_notices(now: datetime) -> str:
    return f"{subscriptions.send_notice_reminders(now)} notices"


@job("billing.subscription_renewals", period="day")
def subscription_renewals(now: datetime) -> str:
    """In December, draft next year's invoice of every subscription that renews (a person
    checks and issues it: an invoice is never issued by a machine alone)."""
    today = timezone.localdate(now)
    closed = subscriptions.close_ended(today)
    if today.month != 12:
        return f"{closed} closed"
    admins = provider_admins()
    if not admins:
        return "no provider administrator to draft as"
    drafted = 0
    for subscription in Subscription.objects.filter(state=Subscription.State.ACTIVE):
        if SubscriptionPeriod.objects.filter(
            subscription=subscription, year=today.year + 1
        ).exists() or not subscriptions.renews_for(subscription, today.year + 1):
            continue
        try:
            subscriptions.invoice_next_year(subscription=subscription, by=admins[0], today=today)
        except Refusal:
            continue
        drafted += 1
    return f"{drafted} drafted, {closed} closed"
