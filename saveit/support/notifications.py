"""The e-mails of support: sent after the commit of the change they tell (always in French)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership
from saveit.core.dates import long_datetime
from saveit.core.tasks import send_email_after_commit

from .models import MaintenanceWindow, Ticket
from .permissions import CLIENT_SUPPORT_ROLES, SUPPORT_STAFF_ROLES


def _emails(members: object) -> list[str]:
    return sorted({m.user.email for m in members if m.user.email})  # type: ignore[attr-defined]


def _client_users(organization_id: int) -> list[str]:
    members = Membership.objects.filter(
        organization_id=organization_id, role__in=CLIENT_SUPPORT_ROLES, is_active=True
    ).select_related("user")
    return _emails(m for m in members if m.is_current())


def _agents() -> list[str]:
    members = Membership.objects.filter(
        organization__kind="provider", role__in=SUPPORT_STAFF_ROLES, is_active=True
    ).select_related("user")
    return _emails(m for m in members if m.is_current())


def _link(ticket: Ticket) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return base + reverse("support:ticket", args=[ticket.pk])


_muted: ContextVar[bool] = ContextVar("support_mail_muted", default=False)


@contextmanager
def muted() -> Iterator[None]:
    """No e-mail inside (the demo replays months of history nobody must be mailed about)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def _send(to: list[str], subject: str, body: str) -> None:
    if to and not _muted.get():
        send_email_after_commit(to=to, subject=subject, body=body)


def ticket_opened(ticket: Ticket) -> None:
    with translation.override("fr"):
        subject = _("[Support] Ticket %(n)s opened: %(t)s") % {
            "n": ticket.number,
            "t": ticket.title,
        }
        body = _("Ticket %(n)s was opened (severity %(s)s).\n\n%(d)s\n\n%(u)s") % {
            "n": ticket.number,
            "s": ticket.severity,
            "d": ticket.description,
            "u": _link(ticket),
        }
    _send(sorted(set(_agents()) | {ticket.opened_by.user.email}), subject, body)


def ticket_changed(ticket: Ticket, what: str) -> None:
    """Each change is told to the opener, the client's support users and the assignee."""
    recipients = set(_client_users(ticket.organization_id)) | {ticket.opened_by.user.email}
    if ticket.assignee_id:
        recipients.add(ticket.assignee.user.email)  # type: ignore[union-attr]
    else:  # nobody in charge yet: every agent hears of it
        recipients |= set(_agents())
    with translation.override("fr"):
        subject = _("[Support] Ticket %(n)s: %(t)s") % {"n": ticket.number, "t": ticket.title}
        body = f"{what}\n\n{_link(ticket)}"
    _send(sorted(recipients), subject, body)


def maintenance_notice(window: MaintenanceWindow) -> None:
    with translation.override("fr"):
        subject = _("[Maintenance] %(t)s on %(d)s") % {
            "t": window.title,
            "d": long_datetime(window.starts_at),
        }
        body = _("Planned maintenance from %(a)s to %(b)s.\n\n%(d)s") % {
            "a": long_datetime(window.starts_at),
            "b": long_datetime(window.ends_at),
            "d": window.description,
        }
    _send(_client_users(window.contract.client_id), subject, body)
