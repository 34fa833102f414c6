"""Who reads and who writes invoices: provider admins and project managers write; provider
staff read; a client's business content owner reads its own issued invoices (never drafts)."""

from __future__ import annotations

from django.db.models import QuerySet

from saveit.accounts.models import Membership
from saveit.accounts.roles import ENGAGEMENT_MANAGER_ROLES, Role, is_provider_staff
from saveit.core.refusals import get_in_scope
from saveit.engagements.models import Engagement

from .models import Amendment, Invoice, Subscription

CLIENT_READER_ROLES = frozenset({Role.CLIENT_OWNER})
STAFF_READER_ROLES = frozenset({Role.ADMIN, Role.PROJECT_MANAGER, Role.QUALITY_MANAGER})


def can_manage_billing(member: Membership | None) -> bool:
    return (
        is_provider_staff(member) and member is not None and member.role in ENGAGEMENT_MANAGER_ROLES
    )


def can_read_billing(member: Membership | None) -> bool:
    if is_provider_staff(member):
        return member is not None and member.role in STAFF_READER_ROLES
    return member is not None and member.is_current() and member.role in CLIENT_READER_ROLES


def invoices_visible_to(member: Membership | None) -> QuerySet[Invoice]:
    """The one scoping rule of invoices, used by pages, API and exports."""
    queryset = Invoice.objects.select_related("client", "engagement", "credited_invoice")
    if not can_read_billing(member):
        return queryset.none()
    assert member is not None
    if is_provider_staff(member):
        return queryset
    return queryset.filter(client_id=member.organization_id, state=Invoice.State.ISSUED)


def access_invoice(member: Membership | None, invoice_id: object) -> Invoice:
    """Same 404 for "does not exist" and "not yours"."""
    return get_in_scope(invoices_visible_to(member), invoice_id)


def subscriptions_visible_to(member: Membership | None) -> QuerySet[Subscription]:
    if not can_manage_billing(member):
        return Subscription.objects.none()
    return Subscription.objects.select_related("client", "reference_index")


def access_subscription(member: Membership | None, subscription_id: object) -> Subscription:
    return get_in_scope(subscriptions_visible_to(member), subscription_id)


def amendments_visible_to(member: Membership | None, engagement: Engagement) -> QuerySet[Amendment]:
    """Billing readers of the provider see every amendment of the engagement; the client's
    content owner sees the issued ones (never drafts). The engagement was fetched through
    access_engagement, which answers 404 to another organisation."""
    queryset = Amendment.objects.filter(engagement=engagement).select_related(
        "document", "engagement__client", "reopening", "created_by__user"
    )
    if not can_read_billing(member):
        return queryset.none()
    assert member is not None
    if is_provider_staff(member):
        return queryset
    return queryset.filter(engagement__client_id=member.organization_id, document__isnull=False)


def access_amendment(
    member: Membership | None, engagement: Engagement, amendment_id: object
) -> Amendment:
    return get_in_scope(amendments_visible_to(member, engagement), amendment_id)
