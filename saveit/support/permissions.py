"""Who may do what in support. Clients see their own organisation's contracts and tickets only;
support agents and provider admins see all. "Not yours" and "absent" are the same 404."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from saveit.accounts.models import Membership
from saveit.accounts.roles import Role, is_provider_staff
from saveit.core.refusals import get_in_scope

from .models import (
    MaintenanceRecord,
    MaintenanceWindow,
    Outage,
    SlaReport,
    SupportContract,
    Ticket,
)

SUPPORT_STAFF_ROLES: frozenset[str] = frozenset({Role.ADMIN, Role.SUPPORT_AGENT})
CLIENT_SUPPORT_ROLES: frozenset[str] = frozenset({Role.CLIENT_OWNER, Role.CLIENT_MANAGER})


def is_support_staff(member: Membership | None) -> bool:
    return is_provider_staff(member) and member is not None and member.role in SUPPORT_STAFF_ROLES


def is_support_client(member: Membership | None) -> bool:
    return (
        member is not None
        and not member.organization.is_provider
        and member.role in CLIENT_SUPPORT_ROLES
        and member.is_current()
    )


def can_use_support(member: Membership | None) -> bool:
    return is_support_staff(member) or is_support_client(member)


def require_staff(member: Membership | None) -> Membership:
    if member is None or not is_support_staff(member):
        raise PermissionDenied
    return member


def contracts_for(member: Membership | None) -> QuerySet[SupportContract]:
    if is_support_staff(member):
        return SupportContract.objects.select_related("client")
    if member is not None and is_support_client(member):
        return SupportContract.objects.filter(client_id=member.organization_id).select_related(
            "client"
        )
    return SupportContract.objects.none()


def tickets_for(member: Membership | None) -> QuerySet[Ticket]:
    if is_support_staff(member):
        return Ticket.objects.all()
    if member is not None and is_support_client(member):
        return Ticket.objects.filter(organization_id=member.organization_id)
    return Ticket.objects.none()


def access_contract(member: Membership | None, contract_id: int) -> SupportContract:
    return get_in_scope(contracts_for(member), contract_id)


def access_ticket(member: Membership | None, ticket_id: int) -> Ticket:
    queryset = tickets_for(member).select_related("contract", "service", "assignee__user")
    return get_in_scope(queryset, ticket_id)


def access_report(member: Membership | None, report_id: int) -> SlaReport:
    queryset = SlaReport.objects.filter(contract__in=contracts_for(member)).select_related(
        "contract__client"
    )
    return get_in_scope(queryset, report_id)


def access_window(member: Membership | None, window_id: int) -> MaintenanceWindow:
    queryset = MaintenanceWindow.objects.filter(contract__in=contracts_for(member))
    return get_in_scope(queryset, window_id)


def outages_for(member: Membership | None) -> QuerySet[Outage]:
    return Outage.objects.filter(contract__in=contracts_for(member))


def register_for(member: Membership | None) -> QuerySet[MaintenanceRecord]:
    return MaintenanceRecord.objects.filter(contract__in=contracts_for(member))
