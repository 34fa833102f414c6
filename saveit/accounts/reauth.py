"""Throttling of re-authentication: the password or code asked again at signing, and the
current password asked at a password change (ASVS 6.3.1/6.1.1 apply to them as to sign-in).

Per user, whatever the address: REAUTH_FAILURE_LIMIT wrong answers within REAUTH_WINDOW_MINUTES
lock re-authentication for REAUTH_LOCKOUT_MINUTES, even for the right answer. Every failure is
written to the "saveit.security" log; reaching the limit appends an audit event.

Failures are recorded in their own transaction, so the refusal that follows (which rolls back
the caller's work) does not erase them.
"""

from __future__ import annotations

import logging
import math
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saveit.audit.chain import record_event
from saveit.core.errors import Refusal
from saveit.core.request_context import current_origin

from .models import Membership, ReauthThrottle, User

security_log = logging.getLogger("saveit.security")


def _limit() -> int:
    return settings.REAUTH_FAILURE_LIMIT


def _window() -> timedelta:
    return timedelta(minutes=settings.REAUTH_WINDOW_MINUTES)


def _lockout() -> timedelta:
    return timedelta(minutes=settings.REAUTH_LOCKOUT_MINUTES)


def ensure_not_locked(user: User) -> None:
    """Refuses (code "reauth_locked") while the user's re-authentication is locked."""
    throttle = ReauthThrottle.objects.filter(user=user).first()
    now = timezone.now()
    if throttle is None or throttle.locked_until is None or throttle.locked_until <= now:
        return
    minutes = max(1, math.ceil((throttle.locked_until - now).total_seconds() / 60))
    raise Refusal(
        _(
            "Too many wrong attempts: confirming your identity is blocked for %(minutes)s "
            "minutes. Nothing was changed."
        )
        % {"minutes": minutes},
        code="reauth_locked",
    )


def record_failure(*, member: Membership, purpose: str) -> None:
    """Counts one wrong answer of this member's user (committed even if the caller rolls back)."""
    user = member.user
    now = timezone.now()
    origin = current_origin()
    with transaction.atomic():
        throttle, _created = ReauthThrottle.objects.select_for_update().get_or_create(user=user)
        if throttle.first_failure_at is None or throttle.first_failure_at <= now - _window():
            throttle.failures, throttle.first_failure_at = 0, now
        throttle.failures += 1
        security_log.warning(
            "reauth_failed user=%s purpose=%s ip=%s failures=%s",
            user.pk,
            purpose,
            origin.ip or "-",
            throttle.failures,
        )
        if throttle.failures >= _limit():
            minutes = int(_lockout().total_seconds() // 60)
            record_event(
                organization=member.organization,
                action="user.reauth_locked",
                actor=member,
                target=user,
                after={"purpose": purpose, "failures": throttle.failures, "minutes": minutes},
            )
            security_log.warning(
                "reauth_locked user=%s purpose=%s minutes=%s", user.pk, purpose, minutes
            )
            throttle.failures, throttle.first_failure_at = 0, None
            throttle.locked_until = now + _lockout()
        throttle.save()


def record_success(user: User) -> None:
    ReauthThrottle.objects.filter(user=user).exclude(failures=0).update(
        failures=0, first_failure_at=None
    )
