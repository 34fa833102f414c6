"""Security events: the refusals of members, recorded, shown to provider admins, alerted on a burst.

Recorded: every PermissionDenied met while a member acts (403), and every 404 of an access helper
for an object that exists outside the member's scope (`saveit.core.refusals.OutOfScope`). Stored:
member, method, route (the path, no query string), object type and id — never the object's data.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from saveit.core.refusals import OutOfScope, refusal_recorded
from saveit.core.tasks import send_email_after_commit

from .models import Membership, Organization, SecurityAlert, SecurityEvent
from .selectors import provider_admins

# A burst: this many refusals of one member within one window of this length.
BURST_EVENTS = 20
BURST_WINDOW = timedelta(minutes=5)
_ORGANISATION_FIELDS = ("organization", "client")


def window_start(moment: datetime) -> datetime:
    """The start of the fixed window holding this moment (windows are aligned on the epoch)."""
    seconds = int(BURST_WINDOW.total_seconds())
    return datetime.fromtimestamp(int(moment.timestamp()) // seconds * seconds, tz=moment.tzinfo)


def _kind_of(member: Membership, exc: OutOfScope) -> str:
    """Cross-tenant when the object belongs to another organisation than the member's."""
    if exc.model is Organization:
        same = exc.object_id == str(member.organization_id)
        return SecurityEvent.Kind.OUT_OF_SCOPE if same else SecurityEvent.Kind.CROSS_TENANT
    for name in _ORGANISATION_FIELDS:
        try:
            field = exc.model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        column = getattr(field, "attname", name)
        owner = (
            exc.model._base_manager.filter(pk=exc.object_id).values_list(column, flat=True).first()
        )
        if owner is not None and owner != member.organization_id:
            return SecurityEvent.Kind.CROSS_TENANT
        return SecurityEvent.Kind.OUT_OF_SCOPE
    return SecurityEvent.Kind.OUT_OF_SCOPE


@transaction.atomic
def record_security_event(
    *,
    member: Membership,
    kind: str,
    method: str,
    route: str,
    object_type: str = "",
    object_id: str = "",
) -> SecurityEvent:
    event = SecurityEvent.objects.create(
        occurred_at=timezone.now(),
        member=member,
        kind=kind,
        method=method[:8],
        route=route[:300],
        object_type=object_type[:60],
        object_id=object_id[:40],
    )
    start = window_start(event.occurred_at)
    recent = SecurityEvent.objects.filter(member=member, occurred_at__gte=start).count()
    if recent >= BURST_EVENTS:
        _alert_once(member, start, recent)
    return event


def _alert_once(member: Membership, start: datetime, count: int) -> None:
    try:
        with transaction.atomic():
            SecurityAlert.objects.create(member=member, window_start=start, events=count)
    except IntegrityError:
        return  # this window's alert is already sent
    recipients = sorted(m.user.email for m in provider_admins() if m.user.email)
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Security alert: %(n)s refusals for %(who)s in 5 minutes") % {
            "n": count,
            "who": member.user.email,
        }
        body = render_to_string(
            "accounts/email/security_alert.txt",
            {
                "member": member,
                "count": count,
                "since": start,
                "url": settings.SITE_URL + reverse("accounts:security_events"),
            },
        )
    send_email_after_commit(to=recipients, subject=subject, body=body)


def record_refusal(request: HttpRequest, exc: Exception) -> None:
    """The refusal_recorded hook: a refusal met by a member becomes a security event."""
    member = getattr(request, "member", None)
    if member is None:
        return
    if isinstance(exc, OutOfScope):
        kind, object_type, object_id = _kind_of(member, exc), exc.object_type, exc.object_id
    elif isinstance(exc, PermissionDenied):
        kind, object_type, object_id = SecurityEvent.Kind.FORBIDDEN, "", ""
    else:
        return
    record_security_event(
        member=member,
        kind=kind,
        method=request.method or "",
        route=request.path,
        object_type=object_type,
        object_id=object_id,
    )


def events_for_admin() -> QuerySet[SecurityEvent]:
    return SecurityEvent.objects.select_related("member__user", "member__organization")


def install() -> None:
    refusal_recorded.register(record_refusal)
